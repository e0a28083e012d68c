"""Hostile input against the respondent forms and staff sign-in: refused or neutralised."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from engage.store import get_db
from tests.engage.journey import Respondent, follow_resume_link

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
    "{{ 7*7 }}{% raw %}",
    "' OR '1'='1'; DROP TABLE answers; --",
]
UNICODE_EDGES = [
    "\u202eevil\u202c",  # right-to-left override
    "zero\u200bwidth\u200djoiner\ufeff",
    "emoji \U0001f600\U0001f44d\U0001f3fd",
    "combining e\u0301\u0301\u0301",
    "null\x00byte",
]


@pytest.fixture
def started(client, make_campaign, app):
    campaign = make_campaign(statement_ids=["QS1"])
    person = Respondent(client, campaign["code"])
    person.start()
    with app.app_context():
        first = get_db().execute("SELECT question_id FROM campaign_questions").fetchone()[0]
    return person, campaign, first


@pytest.mark.parametrize("payload", XSS)
def test_markup_in_free_text_is_stored_as_text_and_escaped(started, client, app, payload):
    person, campaign, first = started
    assert person.answer(first, "good", free_text=payload).status_code == 302
    page = client.get(f"/s/{campaign['code']}/check").get_data(as_text=True)
    assert str(escape(payload)) in page
    if "<" in payload:
        assert payload not in page
    with app.app_context():
        assert get_db().execute("SELECT free_text FROM answers").fetchone()[0] == payload


@pytest.mark.parametrize("payload", UNICODE_EDGES)
def test_invisible_and_control_characters_are_removed(started, app, payload):
    person, _campaign, first = started
    person.answer(first, "ok", free_text=payload)
    with app.app_context():
        saved = get_db().execute("SELECT free_text FROM answers").fetchone()[0]
    for character in ("\u202e", "\u202c", "\u200b", "\u200d", "\ufeff", "\x00"):
        assert character not in saved
    if "emoji" in payload:
        assert "\U0001f600" in saved


def test_oversized_free_text_is_refused_and_nothing_stored(started, app):
    person, _campaign, first = started
    response = person.answer(first, "good", free_text="x" * 5001)
    assert response.status_code == 400
    assert "Please write less" in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0


def test_a_body_over_the_size_limit_is_413(started, client):
    _person, campaign, first = started
    response = client.post(
        f"/s/{campaign['code']}/q/{first}", data={"free_text": "x" * (3 * 1024 * 1024)}
    )
    assert response.status_code == 413
    assert "too big" in response.get_data(as_text=True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(max_size=40), group=st.text(max_size=40))
def test_any_unoffered_choice_is_refused(started, app, value, group):
    person, _campaign, first = started
    offered = {"good", "ok", "not_good", "not_sure", "prefer_not_to_say", ""}
    response = person.answer(first, value)
    if value in offered:
        assert response.status_code in (302, 400)
    else:
        assert response.status_code == 400
    if group not in {"person", "family", "advocate", "staff", "partner", ""}:
        assert person.who(group, "own").status_code == 400
    with app.app_context():
        values = {row[0] for row in get_db().execute("SELECT value FROM answers")}
    assert values <= offered


@pytest.mark.parametrize(
    "path",
    [
        "/s/../../etc/passwd",
        "/s/%2e%2e%2fetc/",
        "/pictures/96/..%2f..%2fsecret_key.png",
        "/static/../instance/secret_key",
        "/pictures/96/face-good%00.png",
    ],
)
def test_path_traversal_finds_nothing(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert b"secret" not in response.get_data()


def test_a_csrf_token_from_another_browser_is_refused(app, make_campaign):
    campaign = make_campaign()
    first, second = app.test_client(), app.test_client()
    token = Respondent(first, campaign["code"]).token("/consent")
    response = second.post(
        f"/s/{campaign['code']}/consent",
        data={"take_part": "yes", "quote": "yes", "media": "yes", "csrf_token": token},
    )
    assert response.status_code == 400
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM respondent_sessions").fetchone()[0] == 0


@pytest.mark.parametrize("email", ["' OR 1=1 --", "a" * 5000, "<script>@x", "\u202eadmin@x"])
def test_hostile_sign_in_input_is_refused(client, make_user, email):
    make_user()
    from tests.conftest import csrf_token

    page = client.get("/staff/sign-in").get_data(as_text=True)
    response = client.post(
        "/staff/sign-in", data={"email": email, "password": "x", "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 400
    assert "<script>@x" not in response.get_data(as_text=True)


def test_guessing_resume_codes_is_limited(client, make_campaign, app):
    campaign = make_campaign()
    person = Respondent(client, campaign["code"])
    Respondent(app.test_client(), campaign["code"]).start()
    with app.app_context():
        real = get_db().execute("SELECT resume_code FROM respondent_sessions").fetchone()[0]
    for number in range(10):
        guess = f"AAAA{number:04d}".replace("0", "B").replace("1", "C")
        assert person.post("/resume", {"resume_code": guess}).status_code == 404
    response = person.post("/resume", {"resume_code": real})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.get_data(as_text=True)
    assert follow_resume_link(client, f"/s/{campaign['code']}/resume/{real}").status_code == 429
