"""Doors an attacker walked through (issue 15): each test fails on the code before its fix."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from engage import store
from engage.narration import runtime as narration_runtime
from engage.store import get_db
from media.narration import duration
from tests.conftest import csrf_token
from tests.engage.journey import Respondent

WORDS = "My key worker is called Sam"


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def _first_question(app, campaign) -> str:
    with app.app_context():
        return store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["question_id"]


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
        second = store.campaigns.campaign_questions(get_db(), campaign["id"])[1]["question_id"]
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


# --- a browser left idle lets go of the person's answers ---


def _leave_idle(client, campaign, seconds: int) -> None:
    """Move this browser's last-seen stamp back, as if nobody used it for `seconds`."""
    with client.session_transaction() as stored:
        seen = dict(stored["seen"])
        seen[campaign["code"]] -= seconds
        stored["seen"] = seen


def test_a_browser_left_idle_needs_the_code_and_the_answers_are_kept(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    person.answer(_first_question(app, campaign), "good", WORDS)
    assert app.config["RESPONDENT_IDLE_SECONDS"] == 2 * 60 * 60
    # An hour and a half idle: still this person's browser, and using it keeps it so.
    _leave_idle(client, campaign, 90 * 60)
    assert _sees_the_answers(client, app, campaign)
    _leave_idle(client, campaign, 90 * 60)
    assert _sees_the_answers(client, app, campaign)
    # Two hours and a minute idle: the question page (the fast path too) shows nothing.
    _leave_idle(client, campaign, 2 * 60 * 60 + 60)
    page = client.get(f"/s/{campaign['code']}/q/{_first_question(app, campaign)}")
    assert page.status_code == 302
    assert page.headers["Location"].endswith(f"/s/{campaign['code']}/")
    welcome = client.get(f"/s/{campaign['code']}/").get_data(as_text=True)
    assert "Carry on where I stopped" not in welcome
    assert WORDS not in client.get(f"/s/{campaign['code']}/check").get_data(as_text=True)
    # Nothing was lost: the code brings the answers back.
    with app.app_context():
        code = get_db().execute("SELECT resume_code FROM respondent_sessions").fetchone()[0]
    assert person.post("/resume", {"resume_code": code}).status_code == 302
    assert _sees_the_answers(client, app, campaign)


def test_the_idle_time_is_a_setting(app, campaign, client):
    app.config["RESPONDENT_IDLE_SECONDS"] = 10 * 60
    person = Respondent(client, campaign["code"])
    person.start()
    person.answer(_first_question(app, campaign), "good", WORDS)
    _leave_idle(client, campaign, 11 * 60)
    assert not _sees_the_answers(client, app, campaign)
    with client.session_transaction() as stored:
        assert campaign["code"] not in stored["respondents"]


# --- narration clips differ by reading speed and by language ---


def _clip_url(html: str, text: str) -> str:
    """Return the Ogg URL of the read-aloud control for `text` on a page."""
    for button in BeautifulSoup(html, "html.parser").select("button.say__button"):
        if button["aria-label"].endswith(": " + text):
            return button.find_next_sibling("audio").find("source")["src"]
    raise AssertionError(f"no control reads {text!r}")


def _fetched(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    body = response.get_data()
    response.close()
    return body


def test_clips_differ_by_speed_and_by_language(client, app, make_campaign):
    """The same words at the two speeds, and in two languages, are separate clips."""
    campaign = make_campaign(statement_ids=["QS1"], languages=["en", "cy"])
    base = f"/s/{campaign['code']}"
    text = "Tell us what you think"
    welsh = "Dywedwch wrthon ni beth rydych chi'n ei feddwl"
    person = Respondent(client, campaign["code"])
    slower = _clip_url(client.get(base + "/").get_data(as_text=True), text)
    assert person.post("/settings", {"speed": "normal"}).status_code == 302
    normal = _clip_url(client.get(base + "/").get_data(as_text=True), text)
    assert person.post("/language", {"language": "cy"}).status_code == 302
    welsh_normal = _clip_url(client.get(base + "/").get_data(as_text=True), welsh)
    # The very same English words read with the Welsh voice: another clip again.
    with app.test_request_context():
        same_words_in_welsh = narration_runtime().key_for(text, "cy", "normal")
    urls = [slower, normal, welsh_normal, f"/audio/{same_words_in_welsh}.ogg"]
    keys = [url.rsplit("/", 1)[1].removesuffix(".ogg") for url in urls]
    assert len(set(keys)) == 4
    with app.app_context():
        registered = {
            row[0]: (row[1], row[2])
            for row in get_db().execute("SELECT clip_key, language, speed FROM narration_texts")
        }
    assert [registered[key] for key in keys] == [
        ("en", "slower"),
        ("en", "normal"),
        ("cy", "normal"),
        ("cy", "normal"),
    ]
    # Rendered by espeak-ng on first request: four different files.
    clips = [_fetched(client, url) for url in urls]
    assert all(clip.startswith(b"OggS") for clip in clips)
    assert len(set(clips)) == 4
    clips = app.extensions["narration"].store
    assert duration(clips.path(keys[0], "ogg")) > duration(clips.path(keys[1], "ogg"))


# --- found by fuzzing every route ---


def test_a_number_too_large_for_the_database_is_not_found(client, staff_client, app):
    """A public picture URL with a 20-digit id was a 500 (OverflowError in the query)."""
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    too_large = 2**63
    assert client.get(f"/pictures/own/{too_large}/large").status_code == 404
    assert client.get(f"/pictures/own/{too_large - 1}/large").status_code == 404
    lead = staff_client("lead")
    assert lead.get(f"/staff/assist/{too_large}").status_code == 404
