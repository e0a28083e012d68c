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

from engage.store import get_db, reads
from tests.conftest import CheckedClient, csrf_token
from tests.engage.journey import Respondent
from tests.engage.test_media_answers import MediaRespondent
from tests.media import samples

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
        return reads.campaign_questions(get_db(), campaign["id"])[0]["question_id"]


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
        (item,) = reads.review_queue(get_db(), campaign["id"], item_kind=kind)
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
            r["id"] for r in reads.item_redactions(get_db(), item_id) if r["status"] == "suggested"
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
        (quote,) = reads.item_quotes(get_db(), item_id)
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
    responses = app.test_cli_runner().invoke(args=["responses", CODE, "--json"])
    assert responses.exit_code == 0 and "Sharon" not in responses.output
    assert "[name] on nights" in responses.output
    search = lead.get(f"{BASE}/search?q=tablets").get_data(as_text=True)
    assert "1 item found" in search and "Sharon" not in search and "[name] on nights" in search

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
        item = reads.review_item(get_db(), item_id)
    assert item["redactions"] == [] and item["previous_text"] == SAID + " Ask Sharon."
    _assert_nothing_goes_out(app, lead, ref, "Sharon")
    _assert_waiting_in_the_queue(lead, item_id)
    _decide_again(lead, item_id)
    _assert_goes_out_redacted(app, lead, ref, "always late with my tablets.")

    # Words that are gone take their quote with them: withdrawn, never exported again.
    _resume(app, campaign).answer(question, "good", "It is better now.")
    with app.app_context():
        (quote,) = reads.item_quotes(get_db(), item_id)
    assert quote["withdrawn_reason"] == "words changed"
    assert ref not in _export_texts(lead)["json"]


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
    token = csrf_token(advocate.get(tally).get_data(as_text=True))
    advocate.post(
        f"/staff/groups/{group_id}/q/{question}/notes",
        data={"speaker_role": "person", "note": SAID, "csrf_token": token},
    )
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
    saved = advocate.post(change, data={"note": SAID + MORE, "csrf_token": csrf_token(form)})
    assert saved.status_code == 302 and saved.location.endswith(tally + "#notes")

    _assert_nothing_goes_out(app, lead, ref, "Sharon")
    _assert_waiting_in_the_queue(lead, item_id)
    _decide_again(lead, item_id)
    _assert_goes_out_redacted(app, lead, ref, "[name] on nights is always late with my tablets.")
    other = staff_client("advocate")
    assert other.get(change).status_code == 403


# --- a quote's translation, and a quote's language ---

WELSH = "Mae Sharon ar y nos bob amser yn hwyr gyda fy nhabledi."


def test_a_translated_quote_keeps_its_redaction_and_its_words_language(app, client, campaign, lead):
    questions = []
    with app.app_context():
        questions = [q["question_id"] for q in reads.campaign_questions(get_db(), campaign["id"])]
    person = Respondent(client, CODE)
    person.start()
    person.answer(questions[0], "good", "The food is good.")
    # The person switches to Welsh and writes the next answer in Welsh.
    assert person.post("/language", {"language": "cy"}).status_code == 302
    person.answer(questions[1], "not_good", WELSH)
    with app.app_context():
        items = {i["text"]: i for i in reads.review_queue(get_db(), campaign["id"])}
    english, welsh = items["The food is good."], items[WELSH]
    assert (english["language"], welsh["language"]) == ("en", "cy")
    _redact_and_quote(lead, welsh["id"], WELSH, translation=SAID)
    _decide_suggestions(lead, english["id"])
    _post(lead, f"{BASE}/items/{english['id']}/quote", words="The food is good.", statements="QS1")
    ref = _quote_ref(app, welsh["id"])
    languages = {q["evidence_ref"]: q["language"] for q in _quote_rows(lead)}
    assert languages == {ref: "cy", _quote_ref(app, english["id"]): "en"}

    # Back with the code, the person adds to the Welsh answer; the lead rewrites the translation.
    again = _resume(app, campaign)
    again.answer(questions[1], "not_good", WELSH + " Mae'r staff dydd yn garedig.")
    with app.app_context():
        (quote,) = reads.item_quotes(get_db(), welsh["id"])
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
    assert out["language"] == "cy"
    # Words the person left alone keep the language they were written in.
    again.answer(questions[0], "ok", "The food is good.")
    assert {q["evidence_ref"]: q["language"] for q in _quote_rows(lead)}[
        _quote_ref(app, english["id"])
    ] == "en"
