"""Easy-read error pages for every refusal."""

from __future__ import annotations

import errno
import sqlite3
from typing import NoReturn

import psycopg
from flask import Flask, g, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, default_exceptions

from engage.i18n import lazy_gettext as _l

MESSAGES = {
    400: (
        _l("Sorry, something went wrong"),
        [
            _l("We could not save that."),
            _l("Nothing has been changed."),
            _l("Please go back and try again."),
        ],
    ),
    403: (
        _l("Sorry, you cannot use this page"),
        [_l("This page is not open to you."), _l("Please ask the person who gave you the link.")],
    ),
    404: (
        _l("Sorry, we cannot find that page"),
        [_l("The link may be wrong or old."), _l("Please check the link and try again.")],
    ),
    405: (
        _l("Sorry, something went wrong"),
        [_l("That did not work."), _l("Please go back and try again.")],
    ),
    429: (
        _l("Sorry, that was too many tries"),
        [_l("Please wait a few minutes."), _l("Then try again.")],
    ),
    507: (
        _l("Sorry, there is no room to save this"),
        [_l("Nothing has been saved."), _l("Please tell the staff.")],
    ),
    413: (
        _l("Sorry, that is too big"),
        [_l("What you sent is too big for us."), _l("Nothing has been saved.")],
    ),
    500: (
        _l("Sorry, something went wrong on our side"),
        [_l("It is not your fault."), _l("Please try again later.")],
    ),
}


DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def is_disk_full(error: BaseException) -> bool:
    """Say whether an error means the disk (or the file-size limit) has no room left.

    A file write says so with an errno; SQLite says so with its own code when the database
    cannot grow.
    """
    if isinstance(error, sqlite3.Error):
        return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    if isinstance(error, psycopg.Error):
        # PostgreSQL's server ran out of room where it writes the database.
        return isinstance(error, psycopg.errors.DiskFull)
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS


def error_page(status: int, title: str | None = None, lines: list[str] | None = None):
    """Render the easy-read error page for a status, with optional own words."""
    default_title, default_lines = MESSAGES.get(status, MESSAGES[500])
    # Everyone may land on an error page, so it reads aloud on staff paths too.
    g.narration_page = True
    return (
        render_template(
            "errors/error.html",
            title=title or default_title,
            lines=lines or default_lines,
            status=status,
        ),
        status,
    )


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return error_page(
            400,
            _("Sorry, this page timed out"),
            [
                _("We could not save that."),
                _("Nothing has been changed."),
                _("Please go back, reload the page and try again."),
            ],
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        title = getattr(error, "easy_title", None)
        lines = getattr(error, "easy_lines", None)
        return error_page(error.code or 500, title, lines)

    @app.errorhandler(sqlite3.IntegrityError)
    @app.errorhandler(psycopg.IntegrityError)
    def integrity_error(error: sqlite3.IntegrityError | psycopg.IntegrityError):
        # The write was rolled back whole, so "nothing has been changed" is true.
        app.logger.warning("Refused a write that broke a database rule: %s", error)
        return error_page(400)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if is_disk_full(error):
            app.logger.error("The disk is full: %s", error)
            return error_page(507)
        app.logger.exception("Unhandled error", exc_info=error)
        return error_page(500)


def refuse(status: int, title: str | None = None, lines: list[str] | None = None) -> NoReturn:
    """Stop the request with an easy-read refusal."""
    error = default_exceptions[status]()
    error.easy_title = title
    error.easy_lines = lines
    raise error
