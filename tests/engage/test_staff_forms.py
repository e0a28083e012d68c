"""Every staff form, sent with a mistake, comes back with what was typed and an error summary.

Each row posts a real form over HTTP as a signed-in member of staff with one bad value, then
checks the answer: the form's own page (not the error page) with an error summary that links
to a field on the page, the typed text still in its box, "Error:" at the start of the title,
and no row of the database changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup

from engage import store
from engage.store import get_db
from tests.conftest import csrf_token, table_names
from tests.engage.journey import Respondent
from tests.pagecheck import assert_page_ok

WORDS = "My carer Dana helps me cook on Sundays"
# Rows that record a visit or a try, not what a form saves: sessions, clips, and the attempts
# and audit entries that sign-in and viewing held words write on purpose.
NOT_CHANGES = {"staff_sessions", "narration_texts", "sign_in_attempts", "audit_log"}


@dataclass
class Row:
    """One staff form sent with a mistake."""

    page: str  # the page that shows the form (GET)
    action: str  # where the form is sent (POST)
    data: dict
    typed: str | None  # text that must come back in its box (None for passwords)
    status: int = 400


def _snapshot(app) -> dict:
    with app.app_context():
        db = get_db()
        tables = [table for table in table_names(db) if "_fts" not in table]
        return {
            table: sorted(repr(tuple(row)) for row in db.execute(f'SELECT * FROM "{table}"'))  # noqa: S608 - names from the engine's catalogue
            for table in tables
            if table not in NOT_CHANGES
        }


@pytest.fixture
def world(app, client, make_campaign, staff_client):
    """A campaign with a quotable answer, a flagged answer, a quote and a group session."""
    campaign = make_campaign(statement_ids=["QS1", "QS7"], code="forms")
    with app.app_context():
        question_id = store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["question_id"]
    person = Respondent(client, campaign["code"])
    person.start()
    assert person.answer(question_id, "good", WORDS).status_code == 302
    worried = Respondent(app.test_client(), campaign["code"])
    worried.start()
    assert worried.answer(question_id, "not_good", "My carer hits me").status_code == 302
    lead = staff_client("lead")
    lead.token = csrf_token(lead.get("/staff/").get_data(as_text=True))
    evidence = f"/staff/campaigns/{campaign['code']}/evidence"
    lead.get(f"{evidence}/")
    with app.app_context():
        db = get_db()
        item = next(i for i in store.review.review_queue(db, campaign["id"]) if i["text"] == WORDS)
        redactions = store.review.item_redactions(db, item["id"])
        flag_id = db.execute("SELECT id FROM safeguarding_flags").fetchone()[0]
    for redaction in redactions:
        lead.post(
            f"{evidence}/items/{item['id']}/redactions/{redaction['id']}",
            data={"decision": "confirm", "csrf_token": lead.token},
        )
    quoted = lead.post(
        f"{evidence}/items/{item['id']}/quote",
        data={"words": "helps me cook", "statements": "QS1", "csrf_token": lead.token},
    )
    assert quoted.status_code == 302, quoted.get_data(as_text=True)
    with app.app_context():
        quote_id = store.review.item_quotes(get_db(), item["id"])[0]["id"]
    made = lead.post(
        f"/staff/groups/new?campaign={campaign['code']}",
        data={
            "place": "Oak Lane day centre",
            "group_size": "6",
            "respondent_group": "person",
            "questions": [question_id],
            "csrf_token": lead.token,
        },
    )
    group_id = int(re.search(r"/staff/groups/(\d+)", made.headers["Location"]).group(1))
    noted = lead.post(
        f"/staff/groups/{group_id}/q/{question_id}/notes",
        data={"speaker_role": "person", "note": "The bus is always late", "csrf_token": lead.token},
    )
    assert noted.status_code == 302
    with app.app_context():
        [note] = [
            i
            for i in store.review.review_queue(get_db(), campaign["id"])
            if i["text"] == "The bus is always late"
        ]
    with app.app_context():
        note_id = get_db().execute("SELECT id FROM group_notes").fetchone()[0]
    voices = lead.get(f"/staff/campaigns/{campaign['code']}/voices").get_data(as_text=True)
    text_key = re.search(r'<option value="([0-9a-f]+)"', voices).group(1)
    return {
        "text_key": text_key,
        "code": campaign["code"],
        "question_id": question_id,
        "item_id": item["id"],
        "redaction_id": redactions[0]["id"],
        "quote_id": quote_id,
        "flag_id": flag_id,
        "group_id": group_id,
        "note_item_id": note["id"],
        "note_id": note_id,
        "lead": lead,
    }


def _rows(w: dict) -> dict[str, Row]:
    code, item, quote = w["code"], w["item_id"], w["quote_id"]
    evidence = f"/staff/campaigns/{code}/evidence"
    group = f"/staff/groups/{w['group_id']}"
    return {
        "sign in": Row(
            "/staff/sign-in",
            "/staff/sign-in",
            {"email": "nobody@example.org", "password": "not a password"},
            "nobody@example.org",
        ),
        "password change": Row(
            "/staff/password",
            "/staff/password",
            {"current_password": "not my password", "new_password": "x", "new_password_again": "x"},
            None,
        ),
        "invitation": Row(
            "/staff/users",
            "/staff/users/invite",
            {"email": "dana-at-example.org", "role": "advocate"},
            "dana-at-example.org",
        ),
        "words to avoid": Row(
            "/staff/words", "/staff/words", {"term": "", "plainer": "plainer way"}, "plainer way"
        ),
        "new campaign": Row(
            "/staff/campaigns/new",
            "/staff/campaigns/new",
            {
                "title": "Autumn listening",
                "framework": "cqc-la",
                "statements": [],
                "scale": "3",
                "groups": ["person"],
                "min_group_size": "10",
                "min_cell_count": "5",
            },
            "Autumn listening",
        ),
        "campaign settings": Row(
            f"/staff/campaigns/{code}/settings",
            f"/staff/campaigns/{code}/settings",
            {
                "title": "Spring listening",
                "statements": ["QS1"],
                "scale": "3",
                "groups": ["person"],
                "opens_at-day": "31",
                "opens_at-month": "2",
                "opens_at-year": "2027",
                "min_group_size": "10",
                "min_cell_count": "5",
            },
            "Spring listening",
        ),
        "question": Row(
            f"/staff/campaigns/{code}/questions/{w['question_id']}",
            f"/staff/campaigns/{code}/questions/{w['question_id']}",
            {"text": "", "hint": "Think of last week", "tell_us_more": "Say more", "alt": "x"},
            "Think of last week",
        ),
        "erase by code": Row(
            "/staff/erase", "/staff/erase", {"resume_code": "QQQQ-QQQQ"}, "QQQQ-QQQQ", 404
        ),
        "erase by what they remember": Row(
            "/staff/erase",
            "/staff/erase",
            {"find": "described", "phrase": "Dana helps", "day-day": "31", "day-month": "2"},
            "Dana helps",
        ),
        "mark a quote": Row(
            f"{evidence}/items/{item}",
            f"{evidence}/items/{item}/quote",
            {"words": "Dana cooks", "statements": "QS7", "english_translation": "Dana"},
            "Dana cooks",
        ),
        "change a quote": Row(
            f"{evidence}/items/{item}",
            f"{evidence}/quotes/{quote}",
            {"statements": "QS1", "english_translation": "Too long " * 300},
            "Too long Too long",
        ),
        "redact words": Row(
            f"{evidence}/items/{item}",
            f"{evidence}/items/{item}/redactions",
            {"words": "Danielle", "kind": "name"},
            "Danielle",
        ),
        "export": Row(f"{evidence}/exports", f"{evidence}/exports", {"sign_off": "yes"}, None),
        "redact list": Row(
            f"/staff/campaigns/{code}/redact-list",
            f"/staff/campaigns/{code}/redact-list",
            {"name": "D" * 300},
            "D" * 80,
        ),
        "redact list, no name": Row(
            f"/staff/campaigns/{code}/redact-list",
            f"/staff/campaigns/{code}/redact-list",
            {"name": "  "},
            None,
        ),
        "safeguarding decision": Row(
            f"/staff/safeguarding/{w['flag_id']}",
            f"/staff/safeguarding/{w['flag_id']}/decision",
            {"note": "Spoke to the manager"},
            "Spoke to the manager",
        ),
        "concern words": Row(
            "/staff/safeguarding/phrases",
            "/staff/safeguarding/phrases",
            {"phrase": "x" * 300},
            "x" * 80,
        ),
        "tablet PIN": Row("/staff/pin", "/staff/pin", {"pin": "12", "pin_again": "12"}, None),
        "help someone answer": Row("/staff/assist/", "/staff/assist/", {}, None),
        "group tally": Row(
            f"{group}/q/{w['question_id']}",
            f"{group}/q/{w['question_id']}/tally",
            {"count-good": "three"},
            "three",
        ),
        "group note": Row(
            f"{group}/q/{w['question_id']}",
            f"{group}/q/{w['question_id']}/notes",
            {"note": "Carol says the rota changes"},
            "Carol says the rota changes",
        ),
        "describe a note's photo": Row(
            f"{evidence}/items/{w['note_item_id']}",
            f"{evidence}/items/{w['note_item_id']}/describe",
            {"description": "   "},
            None,
        ),
        "we will": Row(
            f"{evidence}/we-will",
            f"{evidence}/we-will",
            {"we_will_QS1": "We will " + "listen " * 400},
            "We will listen listen",
        ),
        "flip-chart photo": Row(
            f"{group}/",
            f"{group}/photo",
            {"description": "Ideas about the bus"},
            "Ideas about the bus",
        ),
        "own picture": Row(
            f"/staff/campaigns/{code}/pictures",
            f"/staff/campaigns/{code}/pictures",
            {"alt": "The front door of the day centre"},
            "The front door of the day centre",
        ),
        "recorded voice": Row(
            f"/staff/campaigns/{code}/voices",
            f"/staff/campaigns/{code}/voices",
            {"key": w["text_key"], "language": "en"},
            f'value="{w["text_key"]}" selected',
        ),
        "group counts adding up to more than the group": Row(
            f"{group}/q/{w['question_id']}/tally",
            f"{group}/q/{w['question_id']}/tally",
            {"count-good": "5", "count-ok": "4"},
            'value="4"',
        ),
        "change a group note": Row(
            f"{group}/notes/{w['note_id']}",
            f"{group}/notes/{w['note_id']}",
            {"note": "x" * 2500},
            "x" * 2000,
        ),
        "new question": Row(
            f"/staff/campaigns/{code}/statements/QS1/new-question",
            f"/staff/campaigns/{code}/statements/QS1/new-question",
            {"text": "How is the bus?", "hint": "", "tell_us_more": "", "alt": "A bus"},
            "How is the bus?",
        ),
        "new group session": Row(
            f"/staff/groups/new?campaign={code}",
            f"/staff/groups/new?campaign={code}",
            {"place": "", "group_size": "many", "respondent_group": "person"},
            "many",
        ),
    }


def test_every_staff_form_with_a_mistake_comes_back_as_it_was_typed(app, world):
    lead = world["lead"]
    rows = _rows(world)
    for name, row in rows.items():
        assert lead.get(row.page).status_code == 200, name
        before = _snapshot(app)
        response = lead.post(row.action, data={**row.data, "csrf_token": lead.token})
        html = response.get_data(as_text=True)
        assert response.status_code == row.status, (name, response.status_code)
        assert_page_ok(html, row.action)
        soup = BeautifulSoup(html, "html.parser")
        summary = soup.select_one(".error-summary")
        assert summary is not None, name
        links = [a["href"] for a in summary.select("a")]
        assert links and all(soup.select_one(link) is not None for link in links), (name, links)
        assert soup.title.get_text().startswith("Error:"), (name, soup.title.get_text())
        if row.typed is not None:
            assert row.typed in html, name
        after = _snapshot(app)
        assert after == before, (name, {t for t in before if before[t] != after[t]})
    assert len(rows) >= 25


def test_a_staff_choice_that_was_never_offered_is_refused(app, world):
    lead = world["lead"]
    code, item = world["code"], world["item_id"]
    evidence = f"/staff/campaigns/{code}/evidence"
    group = f"/staff/groups/{world['group_id']}"
    tampered = {
        f"{evidence}/items/{item}/quote": {"words": "cook", "statements": "QS99"},
        f"{evidence}/items/{item}/redactions": {"words": "cook", "kind": "shoe size"},
        f"{evidence}/quotes/{world['quote_id']}": {"statements": "QS1", "strength": "great"},
        f"{evidence}/exports": {"format": "exe"},
        "/staff/words": {"term": "hub", "scope": "nowhere"},
        f"/staff/safeguarding/{world['flag_id']}/decision": {"decision": "ignore", "note": "x"},
        "/staff/users/invite": {"email": "dana@example.org", "role": "owner"},
        f"/staff/campaigns/{code}/voices": {"key": "not-a-text", "language": "en"},
        f"{evidence}/we-will": {"we_will_QS1": "We will listen.", "published": "maybe"},
        "/staff/assist/": {"campaign": "not-open", "help": "reading_out"},
        "/staff/safeguarding/leads": {"campaign_id": "999999", "lead_id": ""},
        f"/staff/groups/new?campaign={code}": {
            "place": "Oak Lane",
            "group_size": "6",
            "respondent_group": "aliens",
            "questions": [world["question_id"]],
        },
        f"{group}/q/{world['question_id']}/tally": {"count-great": "1"},
        f"{group}/q/{world['question_id']}/notes": {"speaker_role": "king", "note": "Hello"},
        f"{group}/notes/{world['note_id']}": {"note": "Hello", "language": "xx"},
        "/staff/campaigns/new": {
            "title": "Autumn listening",
            "framework": "cqc-la",
            "statements": ["QS1"],
            "scale": "7",
            "groups": ["person"],
            "min_group_size": "10",
            "min_cell_count": "5",
        },
        f"/staff/campaigns/{code}/settings": {"title": "Spring", "statements": ["QS999"]},
        f"/staff/campaigns/{code}/questions/{world['question_id']}": {
            "text": "How is the bus?",
            "tell_us_more": "Say more",
            "alt": "A bus",
            "picture": "not-a-picture",
        },
        "/staff/erase": {
            "find": "described",
            "phrase": "Dana helps",
            "day-day": "1",
            "day-month": "3",
            "day-year": "2026",
            "how": "telepathy",
        },
    }
    user = f"/staff/users/{lead.user['id']}"
    tampered |= {
        f"{user}/role": {"role": "owner"},
        f"{user}/active": {"active": ["1", "0"]},
        f"/staff/campaigns/{code}/status": {"status": "paused"},
        f"{evidence}/items/{item}/included": {"included": "maybe"},
        f"{evidence}/items/{item}/redactions/{world['redaction_id']}": {"decision": "later"},
        f"{group}/photo": {"description": "Ideas about the bus", "language": "xx"},
        f"/staff/campaigns/{code}/questions/{world['question_id']}/preview": {
            "answer": "brilliant",
            "free_text": "Hello",
        },
    }
    for path, data in tampered.items():
        before = _snapshot(app)
        response = lead.post(path, data={**data, "csrf_token": lead.token})
        assert response.status_code == 400, path
        assert "error-summary" not in response.get_data(as_text=True), path
        assert _snapshot(app) == before, path


def test_an_invitation_accepted_with_a_mistake_comes_back_as_it_was_typed(app, world):
    invited = world["lead"].post(
        "/staff/users/invite",
        data={"email": "nia@example.org", "role": "supporter", "csrf_token": world["lead"].token},
    )
    path = re.search(r"(/staff/invitation/[^<]+)</code>", invited.get_data(as_text=True))[1]
    person = app.test_client()
    token = csrf_token(person.get(path).get_data(as_text=True))
    before = _snapshot(app)
    for data in (
        {"name": "", "password": "a long enough passphrase here", "password_again": "same"},
        {"name": "Nia Jones", "password": "short", "password_again": "short"},
        {"name": "Nia Jones", "password": "a long enough passphrase", "password_again": "other"},
    ):
        response = person.post(path, data={**data, "csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert_page_ok(html, path)
        soup = BeautifulSoup(html, "html.parser")
        links = [a["href"] for a in soup.select(".error-summary a")]
        assert links and all(soup.select_one(link) for link in links), links
        assert soup.title.get_text().startswith("Error:")
        assert data["name"] in html
        assert data["password"] not in html, "a password is never sent back"
        assert _snapshot(app) == before


def test_a_wrong_pin_to_take_the_tablet_back_comes_back_with_an_error(app, world):
    lead = world["lead"]
    handed = lead.post(
        "/staff/assist/",
        data={"campaign": world["code"], "help": "reading_out", "csrf_token": lead.token},
    )
    assert handed.status_code == 302
    token = csrf_token(lead.get("/staff/take-back").get_data(as_text=True))
    response = lead.post("/staff/take-back", data={"pin": "1234", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert_page_ok(html, "/staff/take-back")
    soup = BeautifulSoup(html, "html.parser")
    assert [a["href"] for a in soup.select(".error-summary a")] == ["#pin"]
    assert soup.select_one("#pin-error").get_text(" ", strip=True) == "Error: That PIN is wrong."
    assert soup.title.get_text().startswith("Error:")


def test_a_quote_chosen_by_first_and_last_word_keeps_those_words(app, world):
    lead, item = world["lead"], world["item_id"]
    path = f"/staff/campaigns/{world['code']}/evidence/items/{item}/quote"
    form = BeautifulSoup(
        lead.get(path.removesuffix("/quote")).get_data(as_text=True), "html.parser"
    )
    assert form.select_one('select[name="first_word"] option[value="7"]').get_text() == "7: on"
    response = lead.post(
        path,
        data={"first_word": "7", "last_word": "8", "statements": "QS1", "csrf_token": lead.token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        quotes = store.review.item_quotes(get_db(), item)
    start = WORDS.index("on Sundays")
    assert [(q["start_offset"], q["end_offset"]) for q in quotes][-1] == (start, len(WORDS))
