"""Kept question pages served straight from WSGI, when a plain visit needs nothing else of Flask.

A question page is the page people see most. Once it is kept (engage.respondent.pages), a plain
visit (GET, no query string) by a person whose session is in order needs a few checks and three
holes filled: far less work than Flask's request machinery around it. This wrapper makes the
same checks, with the same functions and reads, in the same order as the Flask path. At the first
sign of anything else (no valid cookie, a closed campaign, a session that is not bound, left idle
too long, finished, erased or another campaign's, "exit this page", a media answer, a page not
kept yet) it hands the request to Flask, which answers as it always does. It never writes anything.

It steps aside for good if the app's request hooks are not the ones it knows, so a check added
to every page later cannot be skipped by it (tests/engage/test_kept_fast_path.py proves it is
on in the app as built, and that it answers exactly as Flask does).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable

from flask import Flask, request_finished, request_started
from werkzeug.http import parse_cookie

from engage import i18n, store
from engage import settings as personal
from engage.campaigns import is_open
from engage.respondent.pages import can_keep, question_key, rendered_pages
from engage.safeguarding import exited_recently
from engage.security import new_nonce, page_headers, published_on_https
from engage.signing import csrf_secret, signed_csrf
from engage.store import get_db

# Link codes and question ids are short and plain; anything else goes to Flask.
_QUESTION_PATH = re.compile(r"/s/([A-Za-z0-9_-]{1,64})/q/([A-Za-z0-9_.-]{1,64})")

# The hooks whose work this path repeats, by blueprint (None: every request).
KNOWN_HOOKS = {
    "before_request_funcs": {
        None: (
            "flask_wtf.csrf.CSRFProtect.init_app.<locals>.csrf_protect",
            "engage.respondent.pages._read_generation",
        ),
        "respondent": ("engage.safeguarding.respondent_side._stay_out_after_exit",),
    },
    "url_value_preprocessors": {None: (), "respondent": ("engage.respondent._load_campaign",)},
    "after_request_funcs": {None: ("engage.security._set_headers",), "respondent": ()},
    "teardown_request_funcs": {None: (), "respondent": ()},
}


def _names(functions: Iterable[Callable]) -> tuple[str, ...]:
    return tuple(f"{function.__module__}.{function.__qualname__}" for function in functions)


def hooks_known(app: Flask) -> bool:
    """Say whether everything Flask would run around a question page is what this path repeats."""
    for registry, expected in KNOWN_HOOKS.items():
        held = getattr(app, registry)
        for blueprint, names in expected.items():
            if _names(held.get(blueprint, ())) != names:
                return False
    return (
        "GET" not in app.config["WTF_CSRF_METHODS"]
        and not app.config.get("SERVER_NAME")
        and not app.config.get("TRUSTED_HOSTS")
        and hasattr(app.session_interface, "verified")
        and not request_started.receivers
        and not request_finished.receivers
    )


class KeptQuestionPages:
    """Answer plain visits to kept question pages; pass every other request to Flask."""

    def __init__(self, app: Flask, flask_wsgi: Callable) -> None:
        self.app = app
        self.flask_wsgi = flask_wsgi
        # Decided on the first request, when every blueprint has added its hooks.
        self.on: bool | None = None
        # How many pages this path answered: for tests and diagnostics, not exact across threads.
        self.served = 0

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and not environ.get("QUERY_STRING")
            and not environ.get("SCRIPT_NAME")
        ):
            found = _QUESTION_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if found is not None:
                if self.on is None:
                    self.on = hooks_known(self.app)
                page = self.kept_page(environ, *found.groups()) if self.on else None
                if page is not None:
                    body, nonce = page
                    self.served += 1
                    start_response(
                        "200 OK",
                        [
                            ("Content-Type", "text/html; charset=utf-8"),
                            ("Content-Length", str(len(body))),
                            *page_headers(nonce, published_on_https(self.app)),
                            ("Vary", "Cookie"),
                        ],
                    )
                    return [body]
        return self.flask_wsgi(environ, start_response)

    def kept_page(self, environ: dict, code: str, question_id: str) -> tuple[bytes, str] | None:
        """Return the filled page and its nonce, or None when Flask must answer."""
        app = self.app
        cookie = parse_cookie(environ).get(app.config["SESSION_COOKIE_NAME"])
        data = app.session_interface.verified(app, cookie)
        if not data or exited_recently(data.get("exited_at")):
            return None
        raw_token = data.get("csrf_token")
        bound = data.get("respondents")
        session_id = bound.get(code) if isinstance(bound, dict) else None
        if not isinstance(raw_token, str) or session_id is None:
            return None
        # Only a binding in use and not due a new last-seen stamp: Flask drops or renews it.
        idle = app.config["RESPONDENT_IDLE_SECONDS"]
        if personal.binding_state(data.get("seen"), code, idle, time.time()) != "fresh":
            return None
        with app.app_context():
            kept = rendered_pages()
            campaign = kept.campaign(code)
            if campaign is None or not is_open(campaign):
                return None
            db = get_db()
            respondent = store.respondents.respondent_session(db, session_id)
            if (
                respondent is None
                or respondent["campaign_id"] != campaign["id"]
                or respondent["finished_at"]
                or not respondent["respondent_group"]
            ):
                return None
            questions = kept.questions(campaign["id"])
            if not any(question["question_id"] == question_id for question in questions):
                return None
            if not can_keep():
                return None
            saved = store.respondents.answer_to(db, session_id, question_id)
            if saved["has_media"]:
                return None
            stored = respondent["settings"]
            settings = personal.clean(stored if stored is not None else data.get("settings"))
            key = question_key(
                campaign["id"],
                question_id,
                i18n.usable(respondent["language"], campaign["languages"]),
                settings,
                saved["value"] or "",
                "",
            )
            nonce = new_nonce()
            page = kept.filled(
                key, saved["free_text"] or "", nonce, signed_csrf(csrf_secret(app), raw_token)
            )
        return None if page is None else (page.encode(), nonce)


def init_app(app: Flask) -> None:
    """Put the kept-page path in front of Flask."""
    app.wsgi_app = KeptQuestionPages(app, app.wsgi_app)
