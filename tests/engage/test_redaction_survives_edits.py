"""Redactions survive every edit, end to end over HTTP.

For each kind of item (a written answer, a media description, a group note, a quote's
translation) a lead redacts a name by hand and quotes the words; then the words are edited
(the person resumes with their code, or the advocate changes the note). Every export format and
the published "you said" page must then leave the name out, the item must wait in the queue as
"the words changed: decide again", and once the lead decides the quote goes out again with the
redaction applied.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import openpyxl
import pytest

from engage import evidence, store
from engage.store import get_db
from tests.conftest import CheckedClient, csrf_token
from tests.engage.journey import Respondent
from tests.engage.test_media_answers import MediaRespondent
from tests.media import samples

pytestmark = pytest.mark.both_engines

CODE = "edits"
BASE = f"/staff/campaigns/{CODE}/evidence"
SAID = "Sharon on nights is always late with my tablets."
MORE = " The day staff are kind to me."
FORMATS = ("xlsx", "csv", "json", "zip")


@pytest.fixture
def campaign(make_campaign):
    return make_campaign(code=CODE, statement_ids=["QS1"], languages=["en", "cy"])


@pytest.fixture
def lead(staff_client):
    client = staff_client("lead")
    client.token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
    return client


def _post(client, path, **data):
    response = client.post(path, data={"csrf_token": client.token, **data})
    assert response.status_code == 302, (path, response.status_code)
    return response


def _device(app):
    """Return a fresh browser: the person coming back on another day, or another tablet."""
    app.test_client_class = CheckedClient
    return app.test_client()


def _first_question(app, campaign) -> str:
    with app.app_context():
        return store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["question_id"]


def _resume_code(app, campaign) -> str:
    with app.app_context():
        row = get_db().execute(
            "SELECT resume_code FROM respondent_sessions WHERE campaign_id = ?", [campaign["id"]]
        )
        return row.fetchone()[0]


def _resume(app, campaign) -> Respondent:
    person = Respondent(_device(app), CODE)
    response = person.post("/resume", {"resume_code": _resume_code(app, campaign)})
    assert response.status_code == 302
    return person


def _only_item(app, campaign, kind: str) -> dict:
    with app.app_context():
        (item,) = store.review.review_queue(get_db(), campaign["id"], item_kind=kind)
    return item


def _redact_and_quote(lead, item_id: int, quote_words: str, translation: str = "") -> None:
    """Decide every suggestion, redact "Sharon" by hand and quote the words, over HTTP."""
    lead.get(f"{BASE}/")  # opening the queue suggests redactions
    _decide_suggestions(lead, item_id)
    _post(lead, f"{BASE}/items/{item_id}/redactions", words="Sharon", kind="name")
    _post(
        lead,
        f"{BASE}/items/{item_id}/quote",
        words=quote_words,
        statements="QS1",
        english_translation=translation,
    )


def _decide_suggestions(lead, item_id: int) -> None:
    with lead.application.app_context():
        waiting = [
            r["id"]
            for r in store.review.item_redactions(get_db(), item_id)
            if r["status"] == "suggested"
        ]
    for redaction_id in waiting:
        _post(lead, f"{BASE}/items/{item_id}/redactions/{redaction_id}", decision="confirm")


def _export_texts(lead) -> dict[str, str]:
    """Download every format and return each one's text, taken apart as a reader would."""
    return {f: _readable(f, _export(lead, f)) for f in FORMATS}


def _readable(export_format: str, data: bytes) -> str:
    if export_format == "json":
        return json.dumps(json.loads(data), ensure_ascii=False)
    if export_format == "xlsx":
        return _workbook_text(data)
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            if name.endswith(".xlsx"):
                parts.append(_workbook_text(content))
            elif name.endswith(".csv"):
                rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
                parts.append(json.dumps(list(rows), ensure_ascii=False))
            elif name.endswith((".svg", ".html", ".txt", ".json")):
                parts.append(content.decode("utf-8"))
    return "\n".join(parts)


def _workbook_text(data: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    return "\n".join(cells)


def _export(lead, export_format: str) -> bytes:
    response = lead.post(
        f"{BASE}/exports", data={"csrf_token": lead.token, "format": export_format}
    )
    assert response.status_code == 200, export_format
    return response.data


def _quote_rows(lead) -> list[dict]:
    return json.loads(_export(lead, "json"))["quotes"]


def _languages(app, campaign) -> dict[str, str]:
    """Return each quote's language as its record carries it: the language of its words."""
    with app.app_context():
        quotes = evidence.quote_records(get_db(), campaign["id"])
        return {q.evidence_ref: q.language for q in quotes}


def _you_said(app, lead) -> str:
    _post(lead, f"{BASE}/we-will", published="yes")
    page = _device(app).get(f"/s/{CODE}/you-said")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _assert_nothing_goes_out(app, lead, ref: str, *redacted: str) -> None:
    """No format and no public page carries the redacted words or the waiting quote."""
    for export_format, text in _export_texts(lead).items():
        for words in redacted:
            assert words not in text, (export_format, words)
        assert ref not in text, export_format
    page = _you_said(app, lead)
    for words in redacted:
        assert words not in page
    assert "on nights" not in page


def _assert_waiting_in_the_queue(lead, item_id: int) -> None:
    queue = lead.get(f"{BASE}/?state=words_changed").get_data(as_text=True)
    assert f"/items/{item_id}" in queue
    assert "The words changed: decide again" in queue
    page = lead.get(f"{BASE}/items/{item_id}").get_data(as_text=True)
    assert "The words changed: decide again" in page


def _decide_again(lead, item_id: int) -> None:
    lead.get(f"{BASE}/")
    _decide_suggestions(lead, item_id)
    _post(lead, f"{BASE}/items/{item_id}/decide-again")
    queue = lead.get(f"{BASE}/?state=words_changed").get_data(as_text=True)
    assert f"/items/{item_id}" not in queue


def _assert_goes_out_redacted(app, lead, ref: str, words: str) -> dict:
    texts = _export_texts(lead)
    for export_format, text in texts.items():
        assert "Sharon" not in text, export_format
        assert ref in text, export_format
    (quote,) = [q for q in _quote_rows(lead) if q["evidence_ref"] == ref]
    assert quote["redacted_text"] == words
    assert words in _you_said(app, lead)
    return quote


def _quote_ref(app, item_id: int) -> str:
    with app.app_context():
        (quote,) = store.review.item_quotes(get_db(), item_id)
    return quote["evidence_ref"]


# --- a written answer ---


def test_an_answer_edited_after_resuming_keeps_its_redaction(app, client, campaign, lead):
    question = _first_question(app, campaign)
    person = Respondent(client, CODE)
    person.start()
    assert person.answer(question, "not_good", SAID).status_code == 302
    item_id = _only_item(app, campaign, "answer")["id"]
    _redact_and_quote(lead, item_id, SAID)
    ref = _quote_ref(app, item_id)
    assert "[name] on nights" in _export_texts(lead)["json"]

    # The person comes back with their code and says more in the same answer.
    again = _resume(app, campaign)
    assert (
        again.answer(question, "not_good", "I want to say more. " + SAID + MORE).status_code == 302
    )

    _assert_nothing_goes_out(app, lead, ref, "Sharon")
    _assert_waiting_in_the_queue(lead, item_id)
    refused = lead.post(
        f"{BASE}/items/{item_id}/quote",
        data={"csrf_token": lead.token, "words": "The day staff", "statements": "QS1"},
    )
    assert refused.status_code == 409 and "Decide again first." in refused.get_data(True)
    responses = app.test_cli_runner().invoke(args=["responses", CODE, "--json"])
    assert responses.exit_code == 0 and "Sharon" not in responses.output
    assert "[name] on nights" in responses.output
    search = lead.get(f"{BASE}/search?q=tablets").get_data(as_text=True)
    assert "1 item found" in search and "Sharon" not in search and "[name] on nights" in search
    # The new words have been looked at for names now, and none waits for a decision: the
    # quote still waits for the lead to decide again.
    _assert_nothing_goes_out(app, lead, ref, "Sharon")

    _decide_again(lead, item_id)
    _assert_goes_out_redacted(app, lead, ref, "[name] on nights is always late with my tablets.")


def test_an_answer_whose_redacted_name_is_gone_waits_for_the_lead(app, client, campaign, lead):
    question = _first_question(app, campaign)
    person = Respondent(client, CODE)
    person.start()
    person.answer(question, "not_good", SAID + " Ask Sharon.")
    item_id = _only_item(app, campaign, "answer")["id"]
    _redact_and_quote(lead, item_id, "always late with my tablets.")
    ref = _quote_ref(app, item_id)

    # The name goes, the quoted words stay: the redaction is dropped, the quote waits.
    _resume(app, campaign).answer(
        question, "not_good", "Night staff are always late with my tablets."
    )
    with app.app_context():
        item = store.review.review_item(get_db(), item_id)
    assert item["redactions"] == [] and item["previous_text"] == SAID + " Ask Sharon."
    _assert_nothing_goes_out(app, lead, ref, "Sharon")
    _assert_waiting_in_the_queue(lead, item_id)
    _decide_again(lead, item_id)
    _assert_goes_out_redacted(app, lead, ref, "always late with my tablets.")

    # Words that are gone take their quote with them: withdrawn, never exported again.
    _resume(app, campaign).answer(question, "good", "It is better now.")
    with app.app_context():
        (quote,) = store.review.item_quotes(get_db(), item_id)
    assert quote["withdrawn_reason"] == "words changed"
    assert ref not in _export_texts(lead)["json"]
    # Deciding again on the item's new words does not bring the withdrawn quote back.
    _decide_again(lead, item_id)
    for export_format, text in _export_texts(lead).items():
        assert ref not in text, export_format


# --- a media description ---


def test_a_media_description_edited_after_resuming_keeps_its_redaction(
    app, client, campaign, lead, tmp_path
):
    question = _first_question(app, campaign)
    person = MediaRespondent(client, CODE, question)
    assert person.consent(media="yes").status_code == 302
    assert person.who().status_code == 302
    assert person.form_upload("photo", samples.photo_with_gps(tmp_path / "a.jpg")).status_code in (
        302,
        303,
    )
    media_id = _only_item(app, campaign, "media")["item_id"]
    page_url = f"{person.base}/media/item/{media_id}?q={question}"

    def describe(client_, words: str) -> None:
        token = csrf_token(client_.get(page_url).get_data(as_text=True))
        form = {"csrf_token": token, "consent": "report", "description": words}
        assert client_.post(page_url, data=form).status_code == 302

    describe(client, SAID)
    item_id = _only_item(app, campaign, "media")["id"]
    _redact_and_quote(lead, item_id, SAID)
    ref = _quote_ref(app, item_id)
    # The lead's own description repeats the name: it is scrubbed too.
    _post(lead, f"{BASE}/items/{item_id}/describe", description="Sharon at the medicine trolley")

    again = _resume(app, campaign)
    describe(again.client, SAID + MORE)

    _assert_nothing_goes_out(app, lead, ref, "Sharon")
    _assert_waiting_in_the_queue(lead, item_id)
    _decide_again(lead, item_id)
    _assert_goes_out_redacted(app, lead, ref, "[name] on nights is always late with my tablets.")
    media = json.loads(_export(lead, "json"))["media"]
    assert [m["description"] for m in media] == ["[name] at the medicine trolley"]
    # The lead edits their description again; the name still never leaves.
    _post(lead, f"{BASE}/items/{item_id}/describe", description="A photo. Sharon is in it.")
    for export_format in FORMATS:
        assert "Sharon" not in _readable(export_format, _export(lead, export_format))
    media = json.loads(_export(lead, "json"))["media"]
    assert [m["description"] for m in media] == ["A photo. [name] is in it."]


# --- a group note ---


def test_a_group_note_edited_by_the_advocate_keeps_its_redaction(app, campaign, lead, staff_client):
    from tests.engage.test_groups import _new_group, _rows

    advocate = staff_client("advocate")
    question = _first_question(app, campaign)
    assert _new_group(advocate, app, campaign, questions=[question]).status_code == 302
    group_id = _rows(app, "group_sessions")[0]["id"]
    tally = f"/staff/groups/{group_id}/q/{question}/tally"
    tally_page = advocate.get(tally).get_data(as_text=True)
    assert "Language the words are in" in tally_page and 'lang="cy"' in tally_page
    notes = f"/staff/groups/{group_id}/q/{question}/notes"
    form = {"speaker_role": "person", "note": SAID, "csrf_token": csrf_token(tally_page)}
    assert advocate.post(notes, data={**form, "language": "fr"}).status_code == 400
    assert _rows(app, "group_notes") == []
    assert advocate.post(notes, data={**form, "language": "en"}).status_code == 302
    item_id = _only_item(app, campaign, "group_note")["id"]
    _redact_and_quote(lead, item_id, SAID)
    ref = _quote_ref(app, item_id)

    (note,) = _rows(app, "group_notes")
    assert f"/staff/groups/{group_id}/notes/{note['id']}" in advocate.get(tally).get_data(True)
    change = f"/staff/groups/{group_id}/notes/{note['id']}"
    form = advocate.get(change).get_data(as_text=True)
    assert SAID in form
    empty = advocate.post(change, data={"note": " ", "csrf_token": csrf_token(form)})
    assert empty.status_code == 400 and "Write what they said." in empty.get_data(True)
    saved = advocate.post(
        change, data={"note": SAID + MORE, "language": "en", "csrf_token": csrf_token(form)}
    )
    assert saved.status_code == 302 and saved.location.endswith(tally + "#notes")

    _assert_nothing_goes_out(app, lead, ref, "Sharon")
    _assert_waiting_in_the_queue(lead, item_id)
    _decide_again(lead, item_id)
    out = _assert_goes_out_redacted(
        app, lead, ref, "[name] on nights is always late with my tablets."
    )
    assert _languages(app, campaign)[ref] == "en"
    # Group sessions record no language, so no Engagement line could show how few spoke it.
    assert out["language"] == ""
    other = staff_client("advocate")
    assert other.get(change).status_code == 403


# --- a quote's translation, and a quote's language ---

WELSH = "Mae Sharon ar y nos bob amser yn hwyr gyda fy nhabledi."


def test_a_translated_quote_keeps_its_redaction_and_its_words_language(app, client, campaign, lead):
    questions = []
    with app.app_context():
        questions = [
            q["question_id"] for q in store.campaigns.campaign_questions(get_db(), campaign["id"])
        ]
    person = Respondent(client, CODE)
    person.start()
    person.answer(questions[0], "good", "The food is good.")
    # The person switches to Welsh and writes the next answer in Welsh.
    assert person.post("/language", {"language": "cy"}).status_code == 302
    person.answer(questions[1], "not_good", WELSH)
    with app.app_context():
        items = {i["text"]: i for i in store.review.review_queue(get_db(), campaign["id"])}
    english, welsh = items["The food is good."], items[WELSH]
    assert (english["language"], welsh["language"]) == ("en", "cy")
    _redact_and_quote(lead, welsh["id"], WELSH, translation=SAID)
    _decide_suggestions(lead, english["id"])
    _post(lead, f"{BASE}/items/{english['id']}/quote", words="The food is good.", statements="QS1")
    ref = _quote_ref(app, welsh["id"])
    assert _languages(app, campaign) == {ref: "cy", _quote_ref(app, english["id"]): "en"}
    # One person took part: the export names no language a line that small would give away.
    assert {q["evidence_ref"]: q["language"] for q in _quote_rows(lead)} == {
        ref: "",
        _quote_ref(app, english["id"]): "",
    }

    # Back with the code, the person adds to the Welsh answer; the lead rewrites the translation.
    again = _resume(app, campaign)
    again.answer(questions[1], "not_good", WELSH + " Mae'r staff dydd yn garedig.")
    with app.app_context():
        (quote,) = store.review.item_quotes(get_db(), welsh["id"])
    _post(
        lead,
        f"{BASE}/quotes/{quote['id']}",
        statements="QS1",
        english_translation="At night Sharon is always late with my tablets.",
    )
    _assert_nothing_goes_out(app, lead, ref, "Sharon")
    _assert_waiting_in_the_queue(lead, welsh["id"])
    _decide_again(lead, welsh["id"])
    out = _assert_goes_out_redacted(
        app, lead, ref, "Mae [name] ar y nos bob amser yn hwyr gyda fy nhabledi."
    )
    assert out["english_translation"] == "At night [name] is always late with my tablets."
    assert _languages(app, campaign)[ref] == "cy" and out["language"] == ""
    # Words the person left alone keep the language they were written in.
    again.answer(questions[0], "ok", "The food is good.")
    assert _languages(app, campaign)[_quote_ref(app, english["id"])] == "en"


# --- the store: how redactions and quotes follow the words ---


def _answer_item(db, campaign, words: str, language: str = "en") -> tuple[int, int, str]:
    session = store.respondents.start_session(
        db, campaign["id"], {"take_part": True, "quote": True, "media": False}, language
    )
    store.respondents.set_who(db, session["id"], "person", "own")
    question = store.campaigns.campaign_questions(db, campaign["id"])[0]["question_id"]
    store.respondents.save_answer(db, session["id"], question, "good", words)
    (item,) = [
        i for i in store.review.review_queue(db, campaign["id"]) if i["session_id"] == session["id"]
    ]
    return item["id"], session["id"], question


def _spans(db, item_id: int) -> list[tuple[str, str, str]]:
    return [
        (r["words"], r["status"], r["source"]) for r in store.review.item_redactions(db, item_id)
    ]


def test_a_redaction_follows_its_words_everywhere_but_inside_longer_words(app, campaign):
    with app.app_context():
        db = get_db()
        item_id, session_id, question = _answer_item(db, campaign, "Al said no.")
        store.review.record_redaction_suggestions(db, item_id, [(3, 7, "other"), (8, 10, "other")])
        said, no = [r["id"] for r in store.review.item_redactions(db, item_id)]
        store.review.decide_redaction(db, said, True, "lead")
        store.review.decide_redaction(db, no, False, "lead")
        store.review.add_redaction(db, item_id, 0, 2, "name", "lead")
        store.respondents.save_answer(
            db, session_id, question, "good", "Then Al said Also, Al: no."
        )
        item = store.review.review_item(db, item_id)
        # "Al" twice, never inside "Also"; the decided suggestion stays, the rejected one goes
        # (it is suggested afresh for the new words); nothing was quoted or lost, so no flag.
        assert sorted(_spans(db, item_id)) == [
            ("Al", "confirmed", "reviewer"),
            ("Al", "confirmed", "reviewer"),
            ("said", "confirmed", "suggested"),
        ]
        assert [r["start_offset"] for r in item["redactions"] if r["words"] == "Al"] == [5, 19]
        assert item["words_changed_at"] is None and item["suggested_at"] is None


def test_deciding_again_waits_for_every_suggestion(app, campaign):
    with app.app_context():
        db = get_db()
        item_id, session_id, question = _answer_item(db, campaign, "Ring 07700 900123 now.")
        store.review.record_redaction_suggestions(db, item_id, [])
        store.review.mark_quote(db, item_id, 0, 4)
        store.respondents.save_answer(
            db, session_id, question, "good", "Ring 07700 900123 now please."
        )
        with pytest.raises(store.review.EvidenceError):
            store.review.decide_words_again(db, item_id, "lead")
        store.review.record_redaction_suggestions(db, item_id, [(5, 17, "phone")])
        with pytest.raises(store.review.EvidenceError):
            store.review.decide_words_again(db, item_id, "lead")
        (waiting,) = store.review.item_redactions(db, item_id)
        store.review.decide_redaction(db, waiting["id"], True, "lead")
        store.review.decide_words_again(db, item_id, "lead")
        item = store.review.review_item(db, item_id)
        assert item["words_changed_at"] is None and item["previous_text"] is None
        assert item["quotable"]


def test_a_media_consent_change_alone_asks_nothing_again(app, campaign):
    from tests.engage.test_review import _media

    with app.app_context():
        db = get_db()
        _item_id, session_id, _question = _answer_item(db, campaign, "Hello.")
        media_id = _media(db, session_id, "words", "Sharon in my garden")
        item = _only_item(app, campaign, "media")
        store.review.record_redaction_suggestions(db, item["id"], [])
        store.review.add_redaction(db, item["id"], 0, 6, "name", "lead")
        store.review.mark_quote(db, item["id"], 0, 19, statement_id="QS1")
        store.media.set_media_consent(db, media_id, "report", "Sharon in my garden")
        item = store.review.review_item(db, item["id"])
        assert item["words_changed_at"] is None and item["consent_media"] == 1
        assert _spans(db, item["id"]) == [("Sharon", "confirmed", "reviewer")]


@pytest.mark.sqlite_only("SQLite's migration sets; PostgreSQL's schema is made whole")
def test_the_migration_brings_an_existing_database_along(tmp_path):
    from sqlite_utils import Database as SqliteDatabase

    from engage.store import connect, migrate
    from engage.store.sets import MIGRATION_SETS

    path = str(tmp_path / "old.db")
    db = connect(path)
    for migrations in MIGRATION_SETS:
        migrations.apply(SqliteDatabase(db.conn), stop_before="0002_redactions_follow_the_words")
    stamp = "2026-11-01T10:00:00+00:00"
    db.execute(
        "INSERT INTO campaigns (id, code, title, framework_id, statement_ids, respondent_groups, "
        "languages, created_at) VALUES (1, 'old', 'Old', 'cqc-la', '[\"QS1\"]', '[\"person\"]', "
        '\'["cy", "en"]\', ?)',
        [stamp],
    )
    db.execute(
        "INSERT INTO respondent_sessions (id, campaign_id, resume_code, language, "
        "consent_take_part, consent_quote, consent_media, started_at, updated_at) "
        "VALUES (1, 1, 'AAAAAAAA', 'cy', 1, 1, 0, ?, ?)",
        [stamp, stamp],
    )
    db.execute(
        "INSERT INTO answers (id, session_id, question_id, value, free_text, created_at, "
        "updated_at) VALUES (1, 1, 'QS1-01', 'good', ?, ?, ?)",
        [WELSH, stamp, stamp],
    )
    db.execute(
        "INSERT INTO users (id, email, name, role, password_hash, created_at) "
        "VALUES (1, 'a@example.org', 'A', 'advocate', 'x', ?)",
        [stamp],
    )
    db.execute(
        "INSERT INTO group_sessions (id, campaign_id, advocate_id, place, group_size, "
        "respondent_group, question_ids, created_at) VALUES (1, 1, 1, 'Hall', 5, 'person', "
        "'[\"QS1-01\"]', ?)",
        [stamp],
    )
    db.execute(
        "INSERT INTO group_notes (id, group_session_id, question_id, speaker_role, note, "
        "created_at) VALUES (1, 1, 'QS1-01', 'person', 'Sharon is late.', ?)",
        [stamp],
    )
    item_id = db.execute("SELECT id FROM review_items WHERE item_kind = 'answer'").fetchone()[0]
    store.review.add_redaction(db, item_id, 4, 10, "name", "lead")
    db.close()

    migrate(path)
    db = connect(path)
    assert db.execute("SELECT language FROM answers").fetchone()[0] == "cy"
    assert db.execute("SELECT language FROM group_notes").fetchone()[0] == "cy"
    languages = dict(db.execute("SELECT item_kind, language FROM review_items").fetchall())
    assert languages == {"answer": "cy", "group_note": "cy"}
    store.respondents.save_answer(db, 1, "QS1-01", "good", "Helo. " + WELSH)
    assert _spans(db, item_id) == [("Sharon", "confirmed", "reviewer")]
    store.groups.update_group_note(db, 1, "Sharon is always late.", "en")
    note_item = store.review.review_queue(db, 1, item_kind="group_note")[0]
    assert note_item["language"] == "en" and note_item["text"] == "Sharon is always late."
    db.close()


def test_words_are_found_whole_in_any_script():
    from engage.store.review import word_offsets

    assert json.loads(word_offsets("Al said Also, Al's", "Al", 1)) == [0, 14]
    assert json.loads(word_offsets("Al said Also", "Al", 0)) == [0, 8]
    assert json.loads(word_offsets("Siân, Siânwen a Siân.", "Siân", 1)) == [0, 16]
    assert json.loads(word_offsets("قال أحمد: أحمدي", "أحمد", 1)) == [4]
    assert json.loads(word_offsets("(07700 900123)", "(07700", 1)) == [0]
    assert word_offsets("", "Al", 1) == word_offsets("Al", "", 1) == "[]"


@pytest.mark.sqlite_only("SQLite's triggers call a Python function; PostgreSQL's are PL/pgSQL")
def test_a_connection_without_the_word_finder_cannot_change_words(app, campaign):
    import sqlite3

    with app.app_context():
        _answer_item(get_db(), campaign, "Sharon is late.")
    raw = sqlite3.connect(app.config["DATABASE"])
    with pytest.raises(sqlite3.OperationalError, match="engage_word_offsets"):
        raw.execute("UPDATE answers SET free_text = 'Sharon is very late.'")
    raw.close()
