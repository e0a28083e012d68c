"""Consent and "who is answering" ask one question a page, each with its own error once.

Every step refuses a missing or tampered answer with an easy-read error and stores nothing;
nothing is stored until the last consent question is answered.
"""

from __future__ import annotations

import re

import pytest

from engage.store import get_db
from tests.engage.journey import Respondent

CONSENT_PAGES = [
    ("/consent", "take_part", "Do you want to answer our questions?"),
    ("/consent/words", "quote", "May we use your words?"),
    ("/consent/pictures", "media", "May we use your pictures or video?"),
]


@pytest.fixture
def person(client, make_campaign):
    return Respondent(client, make_campaign()["code"])


def _sessions(app) -> list[dict]:
    with app.app_context():
        return [dict(r) for r in get_db().execute("SELECT * FROM respondent_sessions")]


def _h1(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)[1].strip()


def _radio_groups(page: str) -> set[str]:
    return set(re.findall(r'type="radio" id="[^"]*" name="([^"]+)"', page))


def test_each_consent_page_asks_one_question(person, client, app):
    for step, (path, name, question) in enumerate(CONSENT_PAGES):
        page = client.get(person.base + path).get_data(as_text=True)
        assert _h1(page) == question
        assert _radio_groups(page) == {name}
        assert f"question {step + 1} of 3" in page
        reply = person.post(path, {name: "yes"})
        assert reply.status_code == 302
        # Nothing is stored before the last answer.
        assert len(_sessions(app)) == (1 if step == 2 else 0)
    assert reply.location.endswith("/who")
    (row,) = _sessions(app)
    assert (row["consent_take_part"], row["consent_quote"], row["consent_media"]) == (1, 1, 1)


@pytest.mark.parametrize("step", range(3))
def test_a_missing_consent_answer_gets_one_error_that_repeats_the_question(
    person, client, app, step
):
    for path, name, _ in CONSENT_PAGES[:step]:
        person.post(path, {name: "yes"})
    path, name, question = CONSENT_PAGES[step]
    reply = person.post(path, {})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    message = "Choose yes or no: " + question[0].lower() + question[1:]
    # Once in the summary, linked to the answer, and once beside it; no other message.
    assert page.count(f">{message}<") == 2, message
    assert f'href="#{name}-yes"' in page
    assert len(re.findall(r'class="error-message"', page)) == 1
    assert _sessions(app) == []


@pytest.mark.parametrize("step", range(3))
def test_a_tampered_consent_answer_is_refused_and_stores_nothing(person, app, step):
    for path, name, _ in CONSENT_PAGES[:step]:
        person.post(path, {name: "yes"})
    path, name, _ = CONSENT_PAGES[step]
    for bad in ("maybe", ["yes", "no"]):
        reply = person.post(path, {name: bad})
        assert reply.status_code == 400
        assert "Sorry, something went wrong" in reply.get_data(as_text=True)
    assert _sessions(app) == []


def test_a_later_consent_page_sends_back_to_the_first_unanswered(person, client, app):
    for path in ("/consent/words", "/consent/pictures"):
        assert client.get(person.base + path).location.endswith("/consent")
        reply = person.post(path, {"quote": "yes", "media": "yes"})
        assert reply.status_code == 302 and reply.location.endswith("/consent")
    person.post("/consent", {"take_part": "yes"})
    reply = person.post("/consent/pictures", {"media": "yes"})
    assert reply.location.endswith("/consent/words")
    assert _sessions(app) == []


def test_saying_no_on_the_first_page_keeps_nothing(person, client, app):
    reply = person.post("/consent", {"take_part": "no"})
    assert reply.location.endswith("/no-thanks")
    # What was held is dropped too: the next page asks from the start.
    assert client.get(person.base + "/consent/words").location.endswith("/consent")
    assert _sessions(app) == []


def test_who_and_how_are_two_pages(person, client, app):
    person.consent()
    page = client.get(person.base + "/who").get_data(as_text=True)
    assert _h1(page) == "Who is answering?" and _radio_groups(page) == {"respondent_group"}
    # "How" waits for "who".
    assert client.get(person.base + "/who/how").location.endswith("/who")
    reply = person.post("/who", {"respondent_group": "family"})
    assert reply.location.endswith("/who/how")
    page = client.get(person.base + "/who/how").get_data(as_text=True)
    assert _h1(page) == "How are you answering?" and _radio_groups(page) == {"answered_how"}
    # Nothing is stored until both are answered.
    assert _sessions(app)[0]["respondent_group"] is None
    reply = person.post("/who/how", {"answered_how": "helped"})
    assert reply.status_code == 302 and "/q/" in reply.location
    row = _sessions(app)[0]
    assert (row["respondent_group"], row["answered_how"]) == ("family", "helped")


@pytest.mark.parametrize(
    ("path", "form", "message"),
    [
        ("/who", {}, "Choose who is answering."),
        ("/who/how", {}, "Choose how you are answering."),
    ],
)
def test_who_pages_refuse_a_missing_answer_and_store_nothing(person, app, path, form, message):
    person.consent()
    if path == "/who/how":
        person.post("/who", {"respondent_group": "person"})
    reply = person.post(path, form)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert page.count(f">{message}<") == 2
    row = _sessions(app)[0]
    assert (row["respondent_group"], row["answered_how"]) == (None, None)


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/who", {"respondent_group": "boss"}),
        ("/who", {"respondent_group": ["person", "family"]}),
        ("/who/how", {"answered_how": "telepathy"}),
    ],
)
def test_who_pages_refuse_a_tampered_answer_and_store_nothing(person, app, path, form):
    person.consent()
    if path == "/who/how":
        person.post("/who", {"respondent_group": "person"})
    reply = person.post(path, form)
    assert reply.status_code == 400
    assert "Sorry, something went wrong" in reply.get_data(as_text=True)
    row = _sessions(app)[0]
    assert (row["respondent_group"], row["answered_how"]) == (None, None)


def test_changing_who_from_check_comes_back_to_check(person, client, app):
    person.start()
    reply = person.who("advocate", "answered_for", change=True)
    assert reply.status_code == 302 and reply.location.endswith("/check")
    row = _sessions(app)[0]
    assert (row["respondent_group"], row["answered_how"]) == ("advocate", "answered_for")


def test_settings_show_a_picture_for_each_question_and_a_preview_of_each_size(person, client):
    page = client.get(person.base + "/settings").get_data(as_text=True)
    legends = re.findall(r'<legend class="fieldset__legend[^"]*">(.*?)</legend>', page, re.S)
    assert len(legends) == 7
    assert all('class="legend__picture"' in legend for legend in legends)
    for size in ("standard", "large", "largest"):
        assert f"preview preview--size-{size}" in page
    assert "preview preview--colours-high" in page
    assert "preview preview--letters-dyslexic" in page
    # Without scripts, a plain form post saves a choice.
    reply = person.post("/settings", {"text_size": "largest", "next": person.base + "/"})
    assert reply.status_code == 302
    assert 'class="text-largest' in client.get(person.base + "/").get_data(as_text=True)
