"""Doors an attacker walked through (issue 15): each test fails on the code before its fix."""

from __future__ import annotations

import pytest

from engage.store import get_db, reads
from tests.conftest import csrf_token
from tests.engage.journey import Respondent

WORDS = "My key worker is called Sam"


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def _first_question(app, campaign) -> str:
    with app.app_context():
        return reads.campaign_questions(get_db(), campaign["id"])[0]["question_id"]


def _started(app, campaign) -> str:
    """Start one person's answers on their own device; return their resume code."""
    person = Respondent(app.test_client(), campaign["code"])
    person.start()
    person.answer(_first_question(app, campaign), "good", WORDS)
    with app.app_context():
        return get_db().execute("SELECT resume_code FROM respondent_sessions").fetchone()[0]


def _code_attempts(app) -> int:
    with app.app_context():
        return (
            get_db()
            .execute("SELECT COUNT(*) FROM sign_in_attempts WHERE subject LIKE 'resume:%'")
            .fetchone()[0]
        )


def _sees_the_answers(client, app, campaign) -> bool:
    base = f"/s/{campaign['code']}"
    page = client.get(f"{base}/q/{_first_question(app, campaign)}")
    return page.status_code == 200 and WORDS in page.get_data(as_text=True)


# --- a resume link asks before it opens anything ---


def test_opening_a_resume_link_binds_nothing(client, app, campaign):
    code = _started(app, campaign)
    link = f"/s/{campaign['code']}/resume/{code}"
    # A chat app's preview, a forwarded link, a tap on a shared tablet: all plain GETs.
    for headers in ({}, {"User-Agent": "WhatsApp/2.23 preview"}):
        page = client.get(link, headers=headers)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Carry on with your answers?" in text
        assert WORDS not in text
    assert not _sees_the_answers(client, app, campaign)
    assert "Carry on where I stopped" not in client.get(f"/s/{campaign['code']}/").get_data(
        as_text=True
    )
    # Looking at the page is no code attempt: it looks nothing up.
    assert _code_attempts(app) == 0
    # The button without its CSRF token changes nothing.
    refused = client.post(link)
    assert refused.status_code == 400
    assert not _sees_the_answers(client, app, campaign)
    # Pressing the button binds this browser and carries on after the last answer.
    carried_on = client.post(link, data={"csrf_token": csrf_token(text)})
    assert carried_on.status_code == 302
    with app.app_context():
        second = reads.campaign_questions(get_db(), campaign["id"])[1]["question_id"]
    assert carried_on.headers["Location"].endswith(f"/q/{second}")
    assert _sees_the_answers(client, app, campaign)


def test_the_button_counts_against_the_guessing_limit(client, app, campaign):
    code = _started(app, campaign)
    wrong = f"/s/{campaign['code']}/resume/ZZZZZZZZ"
    token = csrf_token(client.get(wrong).get_data(as_text=True))
    for _ in range(10):
        response = client.post(wrong, data={"csrf_token": token})
        assert response.status_code == 404
        assert "Sorry, we cannot find that code" in response.get_data(as_text=True)
    right = client.post(f"/s/{campaign['code']}/resume/{code}", data={"csrf_token": token})
    assert right.status_code == 429
    assert not _sees_the_answers(client, app, campaign)
