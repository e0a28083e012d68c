"""Response headers that keep every page to its own origin."""

from __future__ import annotations

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


def init_app(app: Flask) -> None:
    """Add the security headers to every response and expose the nonce to templates."""
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
