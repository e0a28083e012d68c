"""Leaving a question by any of its controls keeps what was chosen and typed (no script)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from engage.erasure import erase_respondent
from engage.store import get_db
from tests.engage.journey import Respondent

# Each way off a question page, and where it must land.
PLACES = {
    "back": r"/s/\w+/q/[\w.-]+$",
    "settings": r"/s/\w+/settings\?next=/s/\w+/q/",
    "worried": r"/s/\w+/worried\?then=/s/\w+/q/",
    "about": r"^/$",
    "credits": r"^/attributions$",
    "stop": r"/s/\w+/stop$",
}


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def _ids(app, campaign) -> list[str]:
    with app.app_context():
        rows = get_db().execute(
            "SELECT question_id FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
            [campaign["id"]],
        )
        return [row[0] for row in rows]


def _shown(client, campaign, question_id: str) -> tuple[str | None, str, BeautifulSoup]:
    page = client.get(f"/s/{campaign['code']}/q/{question_id}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    chosen = soup.find("input", attrs={"name": "answer", "checked": True})
    return (chosen["value"] if chosen else None), soup.find("textarea").get_text(), soup


def _rows(app, table: str) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in get_db().execute(f"SELECT * FROM {table}").fetchall()]  # noqa: S608


@pytest.mark.parametrize("action", sorted(PLACES))
def test_every_way_off_a_question_keeps_the_face_and_words(client, app, campaign, action):
    person = Respondent(client, campaign["code"])
    person.start()
    second = _ids(app, campaign)[1]
    response = person.answer(second, "good", "My carer is kind", action=action)
    assert response.status_code == 302
    assert re.search(PLACES[action], response.headers["Location"]), response.headers["Location"]
    chosen, words, _soup = _shown(client, campaign, second)
    assert (chosen, words) == ("good", "My carer is kind")


def test_words_with_no_face_are_kept_too(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    first = _ids(app, campaign)[0]
    for action in ("back", "stop", "media-drawing"):
        response = person.answer(first, None, f"Words before {action}", action=action)
        assert response.status_code == 302, action
        assert _shown(client, campaign, first)[:2] == (None, f"Words before {action}")
    assert _rows(app, "answers") == []


def test_a_draft_is_never_an_answer_and_goes_once_saved(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    first, second = _ids(app, campaign)[:2]
    person.answer(first, "good", "First words")
    person.answer(first, "not_good", "Changed my mind", action="back")
    # The saved answer stays as it was until the person saves again.
    assert [row[3:5] for row in _rows(app, "answers")] == [("good", "First words")]
    assert _shown(client, campaign, first)[:2] == ("not_good", "Changed my mind")
    assert person.answer(first, "not_good", "Changed my mind").status_code == 302
    assert _rows(app, "answer_drafts") == []
    assert [row[3:5] for row in _rows(app, "answers")] == [("not_good", "Changed my mind")]
    person.answer(second, "ok", "Not sent yet", action="settings")
    assert len(_rows(app, "answer_drafts")) == 1
    with app.app_context():
        session_id = get_db().execute("SELECT id FROM respondent_sessions").fetchone()[0]
        erase_respondent(get_db(), session_id, None, "test")
    assert _rows(app, "answer_drafts") == []


def test_sending_the_answers_forgets_every_draft(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    ids = _ids(app, campaign)
    person.answer(ids[1], None, "Typed and left", action="back")
    for question_id in ids:
        person.answer(question_id, "ok")
    assert person.post("/check", {}).status_code == 302
    assert _rows(app, "answer_drafts") == []


def test_question_page_controls_submit_its_form(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    _chosen, _words, soup = _shown(client, campaign, _ids(app, campaign)[0])
    leaving = {
        button["value"]
        for button in soup.find_all("button", attrs={"form": "answer-form", "name": "action"})
    }
    assert {"back", "settings", "worried", "about", "credits", "stop"} <= leaving
    # The only links left are the skip link and the quick exit, which must never wait.
    assert [a["href"] for a in soup.find_all("a")] == ["#main", "/leave"]


def test_titles_say_the_question_number_and_an_error(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    ids = _ids(app, campaign)
    _chosen, _words, soup = _shown(client, campaign, ids[1])
    heading = soup.find("h1").get_text(" ", strip=True)
    assert soup.title.get_text().startswith(f"Question 2 of {len(ids)}: {heading}")
    refused = person.answer(ids[1], None)
    assert refused.status_code == 400
    title = BeautifulSoup(refused.get_data(as_text=True), "html.parser").title.get_text()
    assert title.startswith(f"Error: Question 2 of {len(ids)}: {heading}")


def test_a_media_answers_change_button_keeps_the_draft(client, app, campaign, tmp_path):
    from PIL import Image

    from tests.engage.test_media_answers import MediaRespondent

    first = _ids(app, campaign)[0]
    person = MediaRespondent(client, campaign["code"], first)
    assert person.consent(media="yes").status_code == 302
    assert person.who().status_code == 302
    photo = tmp_path / "garden.png"
    Image.new("RGB", (40, 30), "green").save(photo)
    assert person.form_upload("photo", photo).status_code == 302
    item_id = _rows(app, "media_items")[0][0]
    _chosen, _words, soup = _shown(client, campaign, first)
    assert soup.find("button", attrs={"form": "answer-form", "value": f"item-{item_id}"})
    response = person.answer(first, "good", "About my photo", action=f"item-{item_id}")
    assert response.headers["Location"].endswith(f"/media/item/{item_id}?q={first}")
    assert _shown(client, campaign, first)[:2] == ("good", "About my photo")
