"""Links that leave the site (printed, copied, sent), always built from the configured base URL.

A Host header is whatever the client sent, so a link built from it could point a person's resume
code or a staff invitation at someone else's server.
"""

from __future__ import annotations

from flask import current_app


def absolute(path: str) -> str:
    """Return the full address of a path on this service, from BASE_URL."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}{path}"


def campaign_link(campaign: dict) -> str:
    """Return the full respondent link of a campaign."""
    return absolute(f"/s/{campaign['code']}/")
