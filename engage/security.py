"""Response headers that keep every page to its own origin, and access logs without secrets."""

from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, Response, current_app, g, request


def csp_nonce() -> str:
    """Return this request's script nonce, making it on first use."""
    request_g = g._get_current_object()
    nonce = getattr(request_g, "csp_nonce", None)
    if nonce is None:
        nonce = request_g.csp_nonce = new_nonce()
    return nonce


def new_nonce() -> str:
    """Return a fresh, unguessable script nonce."""
    return secrets.token_urlsafe(16)


# The policy around this request's script nonce.
_POLICY_BEFORE_NONCE = "default-src 'self'; script-src 'self' 'nonce-"
_POLICY_AFTER_NONCE = (
    "'; "
    "style-src 'self'; "
    "img-src 'self' data: blob:; "
    "media-src 'self' blob:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
_ALWAYS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
_DEFAULT_PERMISSIONS = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
_CACHED_PATHS = ("/static/", "/pictures/", "/audio/")


_HSTS = ("Strict-Transport-Security", "max-age=31536000")


def page_headers(nonce: str, https: bool = False) -> list[tuple[str, str]]:
    """Return the security headers of a page (not a static file) whose scripts carry `nonce`.

    `https` says the service is published on HTTPS, so browsers are told to use nothing else.
    """
    return [
        ("Content-Security-Policy", f"{_POLICY_BEFORE_NONCE}{nonce}{_POLICY_AFTER_NONCE}"),
        *_ALWAYS,
        *((_HSTS,) if https else ()),
        ("Permissions-Policy", _DEFAULT_PERMISSIONS),
        # Pages hold personal answers: a shared tablet must not show them from its cache.
        ("Cache-Control", "no-store"),
    ]


def published_on_https(app: Flask) -> bool:
    """Say whether the configured base URL is HTTPS."""
    return app.config["BASE_URL"].startswith("https:")


def _set_headers(response: Response) -> Response:
    headers = response.headers
    # Every response passes here: the header list is read once, and a header the view did not
    # set is appended instead of searched for.
    present = {name.lower() for name, _ in headers}
    cached = request.path.startswith(_CACHED_PATHS)
    for name, value in page_headers(csp_nonce(), published_on_https(current_app)):
        lowered = name.lower()
        if lowered == "cache-control" and cached:
            continue
        if lowered not in present:
            headers.add(name, value)
        elif lowered != "permissions-policy":
            # A page that records or photographs allows the camera or microphone itself.
            headers.set(name, value)
    return response


# Path segments that are secrets: whoever reads them in a log could use them.
_SECRET_SEGMENTS = (
    re.compile(r"^(/staff/invitation/)[^/?#]+"),
    re.compile(r"^(/s/[^/]+/resume/)[^/?#]+"),
    re.compile(r"^(/s/[^/]+/media/uploads/)[^/?#]+"),
)
# No word boundary in front: a coloured terminal log puts an escape code right before it.
_REQUEST_LINE = re.compile(r"([A-Z]{3,7}) (\S+) (HTTP/[0-9.]+)")


def redact_target(target: str) -> str:
    """Return a request target fit for a log: secret segments and the query string hidden.

    Query strings carry search terms and return addresses; they are never logged.
    """
    path, has_query, _query = target.partition("?")
    for pattern in _SECRET_SEGMENTS:
        path = pattern.sub(r"\1[hidden]", path)
    return path + ("?[hidden]" if has_query else "")


def redact_request_line(text: str) -> str:
    """Redact the target of every "METHOD target HTTP/x" request line in a text."""
    return _REQUEST_LINE.sub(
        lambda m: f"{m.group(1)} {redact_target(m.group(2))} {m.group(3)}", text
    )


class RedactingFilter(logging.Filter):
    """Hide secrets in the development server's access log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_request_line(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = redact_request_line(record.msg)
        return True


def init_app(app: Flask) -> None:
    """Add the security headers to every response and expose the nonce to templates."""
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    served_by = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in served_by.filters):
        served_by.addFilter(RedactingFilter())
