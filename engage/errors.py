"""Easy-read error pages for every refusal."""

from __future__ import annotations

import errno
import sqlite3
from typing import NoReturn

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, default_exceptions

MESSAGES = {
    400: (
        "Sorry, something went wrong",
        [
            "We could not save that.",
            "Nothing has been changed.",
            "Please go back and try again.",
        ],
    ),
    403: (
        "Sorry, you cannot use this page",
        ["This page is not open to you.", "Please ask the person who gave you the link."],
    ),
    404: (
        "Sorry, we cannot find that page",
        ["The link may be wrong or old.", "Please check the link and try again."],
    ),
    405: (
        "Sorry, something went wrong",
        ["That did not work.", "Please go back and try again."],
    ),
    429: (
        "Sorry, that was too many tries",
        ["Please wait a few minutes.", "Then try again."],
    ),
    507: (
        "Sorry, there is no room to save this",
        ["Nothing has been saved.", "Please tell the staff."],
    ),
    413: (
        "Sorry, that is too big",
        ["What you sent is too big for us.", "Nothing has been saved."],
    ),
    500: (
        "Sorry, something went wrong on our side",
        ["It is not your fault.", "Please try again later."],
    ),
}


DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def is_disk_full(error: BaseException) -> bool:
    """Say whether an error means the disk (or the file-size limit) has no room left."""
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS


def error_page(status: int, title: str | None = None, lines: list[str] | None = None):
    """Render the easy-read error page for a status, with optional own words."""
    default_title, default_lines = MESSAGES.get(status, MESSAGES[500])
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
            "Sorry, this page timed out",
            [
                "We could not save that.",
                "Nothing has been changed.",
                "Please go back, reload the page and try again.",
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
    def integrity_error(error: sqlite3.IntegrityError):
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
