"""Safeguarding gaps an attacker or a careless path found: each closed, through the real forms."""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image

from engage import store
from engage.respondent.worried import WORRIES_PER_BROWSER
from engage.safeguarding import EXIT_HOLD_SECONDS
from engage.safeguarding.concern import find_concern
from engage.store import get_db
from tests.conftest import CheckedClient, csrf_token
from tests.engage.journey import Respondent
from tests.engage.test_groups import _new_group, _question_ids, _rows
from tests.engage.test_media_answers import MediaRespondent
from tests.media import samples


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def _audit(app, action: str) -> list[tuple[str, str]]:
    with app.app_context():
        rows = get_db().execute(
            "SELECT subject, detail FROM audit_log WHERE action = ? ORDER BY id", [action]
        )
        return [tuple(row) for row in rows]


def test_concern_words_in_a_persons_picture_description_flag_and_hold_it(
    app, client, campaign, staff_client, tmp_path
):
    question_id = _question_ids(app, campaign)[0]
    person = MediaRespondent(client, campaign["code"], question_id)
    person.start()
    assert (
        person.form_upload("photo", samples.photo_with_gps(tmp_path / "a.jpg")).status_code == 302
    )
    [item] = _rows(app, "media_items")
    page_url = f"{person.base}/media/item/{item['id']}?q={question_id}"
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    saved = client.post(
        page_url,
        data={"csrf_token": token, "consent": "report", "description": "The man who hits me"},
    )
    # The person is told what happens next, then carries on at their question.
    assert "/what-happens-next?then=" in saved.headers["Location"]
    [flag] = _rows(app, "safeguarding_flags")
    assert (flag["reason"], flag["matched"]) == ("concern_words", "hits me")
    with app.app_context():
        assert (
            flag["session_id"]
            in store.safeguarding.held_for_safeguarding(get_db(), campaign["id"]).sessions
        )
    # Held: nothing of it can be quoted or exported until a lead decides.
    lead = staff_client("lead")
    queue = lead.get(f"/staff/campaigns/{campaign['code']}/evidence/?kind=media")
    assert queue.status_code == 200
    assert _audit(app, "view_flagged"), "the queue showed held words without a record"


def test_concern_words_on_a_flip_chart_photo_flag_the_group_session(app, staff_client, campaign):
    advocate = staff_client("advocate")
    _new_group(advocate, app, campaign)
    group_id = _rows(app, "group_sessions")[0]["id"]
    overview = advocate.get(f"/staff/groups/{group_id}/").get_data(as_text=True)
    picture = io.BytesIO()
    Image.new("RGB", (320, 240), "white").save(picture, format="JPEG")
    picture.seek(0)
    response = advocate.post(
        f"/staff/groups/{group_id}/photo",
        data={
            "csrf_token": csrf_token(overview),
            "description": "Sticky notes: 'my carer hits me'",
            "photo": (picture, "flipchart.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [flag] = _rows(app, "safeguarding_flags")
    assert (flag["group_session_id"], flag["matched"]) == (group_id, "hits me")


def test_search_and_the_queue_record_every_view_of_held_words(app, client, campaign, staff_client):
    question_id = _question_ids(app, campaign)[0]
    person = Respondent(client, campaign["code"])
    person.start()
    person.answer(question_id, "not_good", "Night staff hits me when I ring the bell")
    lead = staff_client("lead")
    base = f"/staff/campaigns/{campaign['code']}/evidence"
    assert "Night staff" in lead.get(f"{base}/search?q=bell").get_data(as_text=True)
    assert "Night staff" in lead.get(f"{base}/").get_data(as_text=True)
    views = _audit(app, "view_flagged")
    assert len(views) == 2
    assert all(subject.startswith("review items ") for subject, _ in views)
    # A search that shows nothing held records nothing.
    lead.get(f"{base}/search?q=nothing-like-this")
    assert len(_audit(app, "view_flagged")) == 2


def _worry(client, code: str, words: str):
    page = client.get(f"/s/{code}/worried").get_data(as_text=True)
    return client.post(f"/s/{code}/worried", data={"csrf_token": csrf_token(page), "worry": words})


def test_worries_from_outside_the_survey_are_limited_per_browser(app, campaign):
    app.test_client_class = CheckedClient
    flooding = app.test_client()
    statuses = [
        _worry(flooding, campaign["code"], f"spam {n} " + "x" * 4000).status_code
        for n in range(WORRIES_PER_BROWSER + 3)
    ]
    assert statuses == [302] * WORRIES_PER_BROWSER + [429] * 3
    refused = _worry(flooding, campaign["code"], "more")
    text = refused.get_data(as_text=True)
    assert "We have your message already" in text and "call 999" in text
    assert len(_rows(app, "safeguarding_flags")) == WORRIES_PER_BROWSER
    # Another person's browser is not stopped by it.
    assert _worry(app.test_client(), campaign["code"], "I am scared").status_code == 302


def test_a_person_in_the_survey_is_never_stopped_from_saying_they_are_worried(
    app, client, campaign
):
    Respondent(client, campaign["code"]).start()
    for n in range(WORRIES_PER_BROWSER + 3):
        assert _worry(client, campaign["code"], f"worried {n}").status_code == 302
    assert len(_rows(app, "safeguarding_flags")) == WORRIES_PER_BROWSER + 3


def test_a_lead_removes_a_worry_that_holds_no_ones_answers(app, client, campaign, staff_client):
    _worry(client, campaign["code"], "test message please ignore")
    [flag] = _rows(app, "safeguarding_flags")
    lead = staff_client("lead")
    page = lead.get(f"/staff/safeguarding/{flag['id']}").get_data(as_text=True)
    assert "Remove this flag" in page
    path = f"/staff/safeguarding/{flag['id']}/remove"
    missing = lead.post(path, data={"csrf_token": csrf_token(page), "remove_note": ""})
    assert missing.status_code == 400
    assert "Write why it is not a real worry." in missing.get_data(as_text=True)
    removed = lead.post(
        path, data={"csrf_token": csrf_token(page), "remove_note": "A test by the IT team"}
    )
    assert removed.status_code == 302
    assert _rows(app, "safeguarding_flags") == []
    assert _audit(app, "flag_removed") == [(f"flag:{flag['id']}", "A test by the IT team")]


def test_a_flag_that_holds_someones_answers_cannot_be_removed(app, client, campaign, staff_client):
    Respondent(client, campaign["code"]).start()
    _worry(client, campaign["code"], "my carer takes my money")
    [flag] = _rows(app, "safeguarding_flags")
    lead = staff_client("lead")
    page = lead.get(f"/staff/safeguarding/{flag['id']}").get_data(as_text=True)
    assert "Remove this flag" not in page
    response = lead.post(
        f"/staff/safeguarding/{flag['id']}/remove",
        data={"csrf_token": csrf_token(page), "remove_note": "no"},
    )
    assert response.status_code == 400
    assert len(_rows(app, "safeguarding_flags")) == 1


def test_no_note_is_added_to_a_finished_group_session(app, staff_client, campaign):
    advocate = staff_client("advocate")
    _new_group(advocate, app, campaign)
    group_id = _rows(app, "group_sessions")[0]["id"]
    first = _question_ids(app, campaign)[0]
    page = advocate.get(f"/staff/groups/{group_id}/").get_data(as_text=True)
    advocate.post(f"/staff/groups/{group_id}/finish", data={"csrf_token": csrf_token(page)})
    response = advocate.post(
        f"/staff/groups/{group_id}/q/{first}/notes",
        data={"speaker_role": "person", "note": "Added later", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 400
    assert "This group session is finished" in response.get_data(as_text=True)
    assert _rows(app, "group_notes") == []


@pytest.mark.parametrize(("minutes", "shut"), [(14, True), (16, False)])
def test_the_exit_hold_lasts_fifteen_minutes(client, app, campaign, minutes, shut):
    assert EXIT_HOLD_SECONDS == 15 * 60
    Respondent(client, campaign["code"]).start()
    client.get("/leave")
    with client.session_transaction() as session:
        session["exited_at"] = time.time() - minutes * 60
    response = client.get(f"/s/{campaign['code']}/")
    if shut:
        assert (response.status_code, response.headers["Location"]) == (
            302,
            app.config["EXIT_URL"],
        )
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    "text",
    ["'my carer hits me'", "He said: \u2018hits me\u2019.", '"Hits me"', "it's him, he hits me!"],
)
def test_quoting_a_phrase_does_not_hide_it(text):
    assert find_concern(text, ["hits me"]) == "hits me"


def test_an_apostrophe_inside_a_word_still_counts():
    assert find_concern("They don't feed me", ["don't feed me"]) == "don't feed me"
    assert find_concern("They dont feed me", ["don't feed me"]) is None


def test_a_supporter_reopens_the_survey_after_an_accidental_exit(app, client, campaign, make_user):
    from engage.auth import hash_password

    supporter = make_user("supporter", email="reopen@example.org")
    with app.app_context():
        store.staff.set_pin_hash(get_db(), supporter["id"], hash_password("4725"))
    base = f"/s/{campaign['code']}"
    person = Respondent(client, campaign["code"])
    person.start()
    stop = client.get(f"{base}/stop").get_data(as_text=True)
    code = re.search(r'aria-hidden="true">(\w{4})-(\w{4})<', stop)
    client.get("/leave")
    assert client.get(f"{base}/").status_code == 302
    page = client.get(f"{base}/reopen")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    wrong = client.post(
        f"{base}/reopen", data={"email": "reopen@example.org", "pin": "1111", "csrf_token": token}
    )
    assert wrong.status_code == 400
    assert "That e-mail address or PIN is wrong." in wrong.get_data(as_text=True)
    assert client.get(f"{base}/").status_code == 302
    opened = client.post(
        f"{base}/reopen", data={"email": "reopen@example.org", "pin": "4725", "csrf_token": token}
    )
    assert opened.status_code == 302
    assert client.get(f"{base}/").status_code == 200
    # The person carries on with their code: their answers were saved.
    resumed = client.post(
        f"{base}/resume",
        data={"resume_code": code.group(1) + code.group(2), "csrf_token": token},
    )
    assert resumed.status_code == 302
    assert "/q/" in resumed.headers["Location"]
    with app.app_context():
        actions = [r[0] for r in get_db().execute("SELECT action FROM audit_log")]
    assert "exit_hold_reopened" in actions
