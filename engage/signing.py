"""Signed cookies and CSRF tokens, each signature checked or made once, not on every request.

Every page verifies the browser's signed session cookie and signs a CSRF token for its forms.
Both are pure functions of a secret and a few bytes, and a person's cookie and raw CSRF token
stay the same from page to page, so each process remembers the answers for a while. What it
remembers came out of, or went into, a signature made with this app's key: nothing a browser
sends is trusted without having been verified once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

from flask import Flask, Request, current_app, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer

# How many distinct cookies and raw tokens each process remembers.
REMEMBERED = 4096
# A signed CSRF token is reused for at most this long, so it is never much older than a fresh one.
TOKEN_REUSE_SECONDS = 60
_SESSION_KEY = "csrf_token"
# Flask-WTF's salt: its validate_csrf checks what is signed here.
_CSRF_SALT = "wtf-csrf-token"


class _Remembered:
    """A bounded, thread-safe map that forgets what was least recently used."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, tuple] = OrderedDict()

    def get(self, key: Hashable) -> tuple | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: tuple) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > REMEMBERED:
                self._items.popitem(last=False)

    def drop(self, key: Hashable) -> None:
        with self._lock:
            self._items.pop(key, None)


def _thawed(value):
    """Copy the dicts and lists of a session's data, so no request can change what is kept."""
    if isinstance(value, dict):
        return {key: _thawed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_thawed(item) for item in value]
    return value


class CheckedOnceSessions(SecureCookieSessionInterface):
    """Flask's signed cookie session, verifying each distinct cookie once per process.

    A cookie's data and signing time are kept after its signature checks out; the next request
    with exactly that cookie gets a copy of the data, with the cookie's age checked again
    against the session lifetime exactly as a fresh verification would.
    """

    def __init__(self) -> None:
        self._verified = _Remembered()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        data = self.verified(app, request.cookies.get(self.get_cookie_name(app)))
        return self.session_class(_thawed(data) if data else {})

    def verified(self, app: Flask, cookie: str | None) -> dict | None:
        """Return a cookie's session data if its signature and age check out (never edit it)."""
        if not cookie:
            return None
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()), cookie)
        held = self._verified.get(key)
        if held is None:
            try:
                data, signed = self.get_signing_serializer(app).loads(
                    cookie, max_age=max_age, return_timestamp=True
                )
            except BadSignature:
                return None
            held = (data, int(signed.timestamp()))
            self._verified.put(key, held)
        else:
            age = int(time.time()) - held[1]
            if age > max_age or age < 0:
                self._verified.drop(key)
                return None
        return held[0]


_tokens = _Remembered()


def signed_csrf(secret: str | bytes, raw: str) -> str:
    """Return a CSRF token for a session's raw token as Flask-WTF makes it, signed once a minute.

    Flask-WTF signs the raw token afresh on every page; a signature less than a minute old is
    used again here, which changes nothing a check of the token can see while tokens never
    expire (WTF_CSRF_TIME_LIMIT is None) and at most shortens a time limit by that minute.
    """
    key = (secret, raw)
    now = int(time.time())
    held = _tokens.get(key)
    if held is not None and 0 <= now - held[1] < TOKEN_REUSE_SECONDS:
        return held[0]
    token = URLSafeTimedSerializer(secret, salt=_CSRF_SALT).dumps(raw)
    _tokens.put(key, (token, now))
    return token


def csrf_secret(app: Flask) -> str | bytes:
    """Return the key CSRF tokens are signed with, as Flask-WTF chooses it."""
    return app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key


def csrf_token() -> str:
    """Return this request's CSRF token (see signed_csrf), making the raw token on first use."""
    request_g = g._get_current_object()
    token = request_g.get(_SESSION_KEY)
    if token is not None:
        return token
    raw = session.get(_SESSION_KEY)
    if not isinstance(raw, str):
        # Flask-WTF makes the raw token and keeps it in the session.
        return generate_csrf()
    token = signed_csrf(csrf_secret(current_app), raw)
    # Flask-WTF's own generate_csrf returns this one for the rest of the request.
    setattr(request_g, _SESSION_KEY, token)
    return token


def init_app(app: Flask) -> None:
    """Use the checked-once session and offer the remembered CSRF token to every template."""
    app.session_interface = CheckedOnceSessions()
    # Flask-WTF puts its own csrf_token in every template's context; this one is added later,
    # so it wins.
    app.context_processor(lambda: {"csrf_token": csrf_token})
