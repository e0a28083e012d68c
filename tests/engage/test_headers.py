"""Every route's response headers: a nonce-based CSP, no framing, nosniff, referrer and
permissions policies, with the camera and microphone allowed only where a person records."""

from __future__ import annotations

import re

import pytest

from engage.store import get_db, reads
from tests.engage.journey import Respondent

CAPTURE = {
    "photo": {"camera": "(self)", "microphone": "()"},
    "drawing": {"camera": "(self)", "microphone": "()"},
    "video": {"camera": "(self)", "microphone": "(self)"},
    "audio": {"camera": "()", "microphone": "(self)"},
}


@pytest.fixture
def responses(app, client, make_campaign, staff_client):
    """GET every route once, with real values, as a respondent and as a lead."""
    campaign = make_campaign(statement_ids=["QS1"])
    with app.app_context():
        question_id = reads.campaign_questions(get_db(), campaign["id"])[0]["question_id"]
    Respondent(client, campaign["code"]).start()
    lead = staff_client("lead")
    values = {
        "code": campaign["code"],
        "question_id": question_id,
        "statement_id": "QS1",
        "size": "96",
        "picture_id": "face-good",
        "fmt": "png",
        "filename": "engage.css",
        "resume_code": "ZZZZZZZZ",
        "token": "missing",
        "key": "0" * 32,
    }
    gathered = []
    # "Exit this page" forgets the person on this device, so it comes last.
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule == "/leave"):
        if "GET" not in rule.methods:
            continue
        kinds = list(CAPTURE) if "<kind>" in rule.rule else [None]
        for kind in kinds:
            path = rule.rule
            for name in rule.arguments:
                value = kind if name == "kind" else values.get(name, "1")
                path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
            who = lead if rule.rule.startswith("/staff/") else client
            response = who.get(path)
            response.get_data()
            response.close()
            if kind:
                assert response.status_code == 200, path
            gathered.append((rule.rule, kind, path, response))
    return gathered


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
