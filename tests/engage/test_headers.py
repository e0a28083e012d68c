"""Every route's response headers: a nonce-based CSP, no framing, nosniff, referrer and
permissions policies, with the camera and microphone allowed only where a person records."""

from __future__ import annotations

import re

import pytest

from tests.engage.routes_walk import CAPTURE, walk_every_route


@pytest.fixture
def responses(app, client, make_campaign, staff_client):
    """GET every route once, with real values, as a respondent and as a lead."""
    return walk_every_route(app, client, make_campaign, staff_client)


def test_every_route_sends_the_security_headers(responses):
    assert len(responses) > 50
    for rule, _kind, path, response in responses:
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "unsafe-inline" not in csp, path
        assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'", csp), path
        assert "frame-ancestors 'none'" in csp, path
        assert "object-src 'none'" in csp, path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("Referrer-Policy") == "no-referrer", path
        assert "Permissions-Policy" in headers, (rule, path)
        # Headers the view also sets are replaced, never sent twice.
        for name in (
            "Content-Security-Policy",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "X-Frame-Options",
            "Cross-Origin-Opener-Policy",
            "Permissions-Policy",
            "Cache-Control",
        ):
            assert len(headers.getlist(name)) <= 1, (name, path)


def test_no_page_outside_static_files_may_be_cached(responses):
    for _rule, _kind, path, response in responses:
        cache = response.headers.get("Cache-Control", "")
        if path.startswith(("/static/", "/pictures/", "/audio/")):
            continue
        assert cache == "no-store", path


def test_camera_and_microphone_only_where_a_person_records(responses):
    for rule, kind, path, response in responses:
        policy = dict(
            part.strip().split("=", 1) for part in response.headers["Permissions-Policy"].split(",")
        )
        expected = (
            CAPTURE[kind]
            if kind and rule.endswith("/media/add/<kind>")
            else {
                "camera": "()",
                "microphone": "()",
            }
        )
        assert policy["camera"] == expected["camera"], path
        assert policy["microphone"] == expected["microphone"], path
        assert policy["geolocation"] == "()", path


def test_every_script_carries_this_responses_nonce(responses):
    for _rule, _kind, path, response in responses:
        if response.mimetype != "text/html":
            continue
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        html = response.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert f'nonce="{nonce}"' in tag, (path, tag)
        assert " style=" not in html, f"{path} has an inline style attribute"
