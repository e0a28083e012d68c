"""The leads' evidence pages: queue, quotes, redaction, triangulation, exports, "you said"."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import openpyxl
import pytest
from bs4 import BeautifulSoup

from engage import store
from engage.staff.review_words import SpanError, span_from_form, split_words
from engage.store import get_db
from tests.conftest import csrf_token

pytestmark = pytest.mark.both_engines

WORDS = "My carer Dafydd is kind and ring 07700 900123 please."


def _respond(db, campaign_id, group, how, value, text="", quote=True, media=False, held=False):
    session = store.respondents.start_session(
        db, campaign_id, {"take_part": True, "quote": quote, "media": media}, "en"
    )
    store.respondents.set_who(db, session["id"], group, how)
    question = store.campaigns.campaign_questions(db, campaign_id)[0]["question_id"]
    store.respondents.save_answer(db, session["id"], question, value, text)
    if held:
        store.safeguarding.raise_flag(
            db, campaign_id=campaign_id, reason="worried", session_id=session["id"]
        )
    return session["id"]


@pytest.fixture
def seeded(app, make_campaign):
    """QS1: 15 people (10 good, 5 OK) and 3 family, one answer quotable, one held, one not."""
    campaign = make_campaign(statement_ids=["QS1", "QS7"], code="review")
    with app.app_context():
        db = get_db()
        values = ["good"] * 9 + ["ok"] * 5
        for n, value in enumerate(values):
            _respond(db, campaign["id"], "person", "own", value, WORDS if n == 0 else "")
        _respond(db, campaign["id"], "person", "own", "good", "Do not quote me.", quote=False)
        _respond(db, campaign["id"], "person", "own", "not_good", "Secret held words.", held=True)
        for _ in range(3):
            _respond(db, campaign["id"], "family", "own", "good")
        for _ in range(10):
            _respond(db, campaign["id"], "staff", "own", "good")
        store.review.add_redaction_name(db, campaign["id"], "Dafydd")
        items = {item["text"]: item["id"] for item in store.review.review_queue(db, campaign["id"])}
    return {**campaign, "items": items}


def _lead(staff_client):
    client = staff_client("lead")
    client.token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
    return client


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": client.token, **data})


def _decide_all(client, item_id):
    with client.application.app_context():
        redactions = store.review.item_redactions(get_db(), item_id)
    for r in redactions:
        response = _post(
            client,
            f"/staff/campaigns/review/evidence/items/{item_id}/redactions/{r['id']}",
            decision="confirm",
        )
        assert response.status_code == 302


# --- word spans ---


def test_spans_from_numbered_words_and_typed_words():
    text = "one two  three four"
    assert [w.text for w in split_words(text)] == ["one", "two", "three", "four"]
    assert span_from_form(text, {"first_word": "2", "last_word": "3"}) == (4, 14)
    assert span_from_form(text, {"words": "three four"}) == (9, 19)
    for bad in (
        {"first_word": "0", "last_word": "2"},
        {"first_word": "2", "last_word": "9"},
        {"first_word": "3", "last_word": "2"},
        {"first_word": "x", "last_word": "2"},
        {"words": "five"},
    ):
        with pytest.raises(SpanError):
            span_from_form(text, bad)


# --- queue and item ---


def test_queue_shows_items_with_context_and_suggests_redactions(staff_client, seeded, app):
    client = _lead(staff_client)
    page = client.get("/staff/campaigns/review/evidence/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "My carer Dafydd" in html and "Do not quote me." in html
    assert "Held for safeguarding" in html
    # Each entry is short and says who said it; the whole context is on the item's page.
    assert "Written answer " in html and "Quotes: no" not in html
    held_item = seeded["items"]["Do not quote me."]
    item_page = client.get(f"/staff/campaigns/review/evidence/items/{held_item}")
    assert "Quotes: no" in item_page.get_data(as_text=True)
    with app.app_context():
        item = store.review.review_item(get_db(), seeded["items"][WORDS])
    assert item["suggested_at"] and {r["kind"] for r in item["redactions"]} >= {"name", "phone"}
    only_media = client.get("/staff/campaigns/review/evidence/?kind=media").get_data(as_text=True)
    assert "Nothing to review here." in only_media
    to_redact = client.get("/staff/campaigns/review/evidence/?state=to_redact")
    assert "My carer Dafydd" in to_redact.get_data(as_text=True)
    for bad in ("?kind=nope", "?state=nope", "?statement=QS9", "?page=x"):
        assert client.get(f"/staff/campaigns/review/evidence/{bad}").status_code == 400


def test_paging(staff_client, seeded, app):
    with app.app_context():
        db = get_db()
        for n in range(30):
            _respond(db, seeded["id"], "staff", "own", "good", f"Staff words number {n}.")
    client = _lead(staff_client)
    first = client.get("/staff/campaigns/review/evidence/").get_data(as_text=True)
    assert "Next page" in first and "Previous page" not in first
    second = client.get("/staff/campaigns/review/evidence/?page=2").get_data(as_text=True)
    assert "Previous page" in second and "Staff words number 29." in second


def test_nothing_is_quotable_until_redactions_are_decided(staff_client, seeded, app):
    client = _lead(staff_client)
    item_id = seeded["items"][WORDS]
    client.get("/staff/campaigns/review/evidence/")
    path = f"/staff/campaigns/review/evidence/items/{item_id}"
    assert "Decide every suggested redaction first." in client.get(path).get_data(as_text=True)
    refused = _post(client, f"{path}/quote", first_word="1", last_word="3", statements="QS1")
    assert refused.status_code == 409
    _decide_all(client, item_id)
    page = client.get(path).get_data(as_text=True)
    assert "Mark the quote" in page and "My carer [name]" in page
    response = client.post(
        f"{path}/quote",
        data={
            "csrf_token": client.token,
            "first_word": "1",
            "last_word": "5",
            "statements": ["QS1", "QS7"],
            "strength": "strength",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        quote = store.review.item_quotes(get_db(), item_id)[0]
    assert quote["evidence_ref"] == "EV-QS1-0001"
    assert quote["original_text"] == "My carer Dafydd is kind"
    assert quote["statement_ids"] == ["QS1", "QS7"] and quote["strength"] == "strength"
    # Typed words find their place in the text.
    _post(client, f"{path}/quote", words="ring 07700", statements="QS7")
    with app.app_context():
        typed = store.review.item_quotes(get_db(), item_id)[1]
    assert typed["original_text"] == "ring 07700" and typed["evidence_ref"] == "EV-QS7-0001"


def test_bad_quote_input_is_refused_and_stores_nothing(staff_client, seeded, app):
    client = _lead(staff_client)
    item_id = seeded["items"][WORDS]
    client.get("/staff/campaigns/review/evidence/")
    _decide_all(client, item_id)
    path = f"/staff/campaigns/review/evidence/items/{item_id}/quote"
    for data in (
        {"first_word": "1", "last_word": "99", "statements": "QS1"},
        {"first_word": "-1", "last_word": "2", "statements": "QS1"},
        {"first_word": "4", "last_word": "2", "statements": "QS1"},
        {"words": "not in the text", "statements": "QS1"},
        {"first_word": "1", "last_word": "2", "statements": "QS5"},
        {"first_word": "1", "last_word": "2", "statements": "'; DROP TABLE quotes"},
        {"first_word": "1", "last_word": "2"},
        {"first_word": "1", "last_word": "2", "statements": "QS1", "strength": "huge"},
    ):
        assert _post(client, path, **data).status_code == 400, data
    with app.app_context():
        assert store.review.item_quotes(get_db(), item_id) == []


def test_a_typo_in_a_quote_shows_the_form_again_with_everything_chosen(staff_client, seeded, app):
    client = _lead(staff_client)
    item_id = seeded["items"][WORDS]
    client.get("/staff/campaigns/review/evidence/")
    _decide_all(client, item_id)
    response = client.post(
        f"/staff/campaigns/review/evidence/items/{item_id}/quote",
        data={
            "csrf_token": client.token,
            "words": "carer Dafyd is kind",
            "statements": ["QS7"],
            "strength": "improve",
            "english_translation": "My carer is kind",
        },
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = soup.select_one(".error-summary")
    assert summary is not None and summary.find("a")["href"] == "#quote-words"
    assert soup.select_one("#quote-words")["value"] == "carer Dafyd is kind"
    assert soup.select_one("#quote-statements-QS7").has_attr("checked")
    assert not soup.select_one("#quote-statements-QS1").has_attr("checked")
    assert soup.select_one("#quote-strength option[value=improve]").has_attr("selected")
    assert soup.select_one("#quote-english_translation").get_text() == "My carer is kind"
    with app.app_context():
        assert store.review.item_quotes(get_db(), item_id) == []


def test_no_quote_consent_and_held_items_cannot_be_quoted(staff_client, seeded, app):
    client = _lead(staff_client)
    client.get("/staff/campaigns/review/evidence/")
    for words in ("Do not quote me.", "Secret held words."):
        item_id = seeded["items"][words]
        _decide_all(client, item_id)
        path = f"/staff/campaigns/review/evidence/items/{item_id}/quote"
        assert _post(client, path, words="quote", statements="QS1").status_code == 409


def test_viewing_a_held_item_is_audited(staff_client, seeded, app):
    client = _lead(staff_client)
    item_id = seeded["items"]["Secret held words."]
    assert client.get(f"/staff/campaigns/review/evidence/items/{item_id}").status_code == 200
    with app.app_context():
        rows = get_db().execute("SELECT * FROM audit_log WHERE action = 'view_flagged'").fetchall()
    assert [r["subject"] for r in rows] == [f"review item {item_id}"]


def test_quote_tagging_strength_translation_and_withdrawal(staff_client, seeded, app):
    client = _lead(staff_client)
    item_id = seeded["items"][WORDS]
    client.get("/staff/campaigns/review/evidence/")
    _decide_all(client, item_id)
    base = "/staff/campaigns/review/evidence"
    _post(client, f"{base}/items/{item_id}/quote", words="kind", statements="QS1")
    with app.app_context():
        quote = store.review.item_quotes(get_db(), item_id)[0]
    response = client.post(
        f"{base}/quotes/{quote['id']}",
        data={
            "csrf_token": client.token,
            "statements": ["QS7"],
            "strength": "improve",
            "english_translation": "Kind",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        changed = store.review.review_quote(get_db(), quote["id"])
    assert set(changed["statement_ids"]) == {"QS1", "QS7"}
    assert changed["strength"] == "improve" and changed["english_translation"] == "Kind"
    assert _post(client, f"{base}/quotes/{quote['id']}", statements="QS4").status_code == 400
    assert _post(client, f"{base}/quotes/{quote['id']}", strength="bad").status_code == 400
    assert _post(client, f"{base}/quotes/{quote['id']}/withdraw").status_code == 302
    with app.app_context():
        assert store.review.review_quote(get_db(), quote["id"])["withdrawn_at"]


def test_reviewer_redaction_include_and_describe(staff_client, seeded, app):
    client = _lead(staff_client)
    item_id = seeded["items"][WORDS]
    base = f"/staff/campaigns/review/evidence/items/{item_id}"
    assert _post(client, f"{base}/redactions", words="kind", kind="other").status_code == 302
    assert _post(client, f"{base}/redactions", words="kind", kind="secret").status_code == 400
    assert _post(client, f"{base}/redactions", words="absent", kind="name").status_code == 400
    assert (
        _post(client, f"{base}/redactions", first_word="9", last_word="99", kind="name").status_code
        == 400
    )
    with app.app_context():
        added = [
            r for r in store.review.item_redactions(get_db(), item_id) if r["source"] == "reviewer"
        ]
    assert [(r["words"], r["status"]) for r in added] == [("kind", "confirmed")]
    assert _post(client, f"{base}/included", included="no").status_code == 302
    assert _post(client, f"{base}/included", included="maybe").status_code == 400
    with app.app_context():
        assert not store.review.review_item(get_db(), item_id)["included"]
    # Written answers are not described; their words are their own.
    assert _post(client, f"{base}/describe", description="A note").status_code == 400
    assert _post(client, f"{base}/redactions/999999", decision="confirm").status_code == 404


def test_another_campaigns_items_and_quotes_are_not_found(staff_client, seeded, app, make_campaign):
    other = make_campaign(code="other")
    with app.app_context():
        db = get_db()
        _respond(db, other["id"], "person", "own", "good", "Other campaign words.")
        other_item = store.review.review_queue(db, other["id"])[0]["id"]
        store.review.record_redaction_suggestions(db, other_item, [])
        other_quote = store.review.mark_quote(db, other_item, 0, 5)["id"]
    client = _lead(staff_client)
    base = "/staff/campaigns/review/evidence"
    assert client.get(f"{base}/items/{other_item}").status_code == 404
    assert client.get(f"{base}/items/{other_item}/media/main").status_code == 404
    assert _post(client, f"{base}/items/{other_item}/included", included="no").status_code == 404
    assert _post(client, f"{base}/quotes/{other_quote}/withdraw").status_code == 404
    assert client.get("/staff/campaigns/nosuch/evidence/").status_code == 404
    own = seeded["items"][WORDS]
    assert client.get(f"{base}/items/{own}/media/main").status_code == 404
    with app.app_context():
        assert store.review.review_item(get_db(), other_item)["included"]


def test_search_matches_inside_words(staff_client, seeded, app):
    with app.app_context():
        _respond(get_db(), seeded["id"], "person", "own", "good", "Mae fy ngofalwr yn garedig.")
    client = _lead(staff_client)
    html = client.get("/staff/campaigns/review/evidence/search?q=gofal").get_data(as_text=True)
    assert "ngofalwr" in html and "1 item found" in html
    nothing = client.get("/staff/campaigns/review/evidence/search?q=%22%29%20OR").get_data(
        as_text=True
    )
    assert "0 items found" in nothing


# --- media answers and group notes in the queue ---


def _media(db, session_id, consent, description="A drawing of my garden"):
    item_id = store.media.add_media_item(
        db,
        {
            "session_id": session_id,
            "kind": "drawing",
            "question_id": None,
            "sha256": "0" * 64,
            "mime": "image/png",
            "ext": "png",
            "size_bytes": 10,
        },
    )
    store.media.set_media_consent(db, item_id, consent, description)
    return item_id


def test_media_answers_feed_the_queue_with_combined_consent(app, seeded):
    with app.app_context():
        db = get_db()
        agreed = _respond(db, seeded["id"], "person", "own", "good", media=True)
        refused = _respond(db, seeded["id"], "person", "own", "good", media=False)
        shown = _media(db, agreed, "report")
        words_only = _media(db, agreed, "words")
        session_says_no = _media(db, refused, "report")
        items = {
            i["item_id"]: i for i in store.review.review_queue(db, seeded["id"], item_kind="media")
        }
        assert items[shown]["media_consent"] == 1 and items[shown]["quote_consent"] == 1
        assert items[words_only]["media_consent"] == 0 and items[words_only]["quote_consent"] == 1
        assert items[session_says_no]["media_consent"] == 0
        assert items[shown]["text"] == "A drawing of my garden"
        store.media.set_media_consent(db, shown, "private", "My garden")
        changed = store.review.review_queue(db, seeded["id"], item_kind="media")[0]
        assert changed["text"] == "My garden" and changed["media_consent"] == 0
        assert changed["quote_consent"] == 0 and changed["suggested_at"] is None
        store.media.delete_media_item(db, shown)
        left = {
            i["item_id"] for i in store.review.review_queue(db, seeded["id"], item_kind="media")
        }
        assert left == {words_only, session_says_no}
        store.respondents.erase_session(db, agreed)
        left = {
            i["item_id"] for i in store.review.review_queue(db, seeded["id"], item_kind="media")
        }
        assert left == {session_says_no}


def test_group_notes_feed_the_queue_and_are_held_with_their_session(
    app, seeded, make_user, staff_client
):
    advocate = make_user("advocate")
    with app.app_context():
        db = get_db()
        group = store.groups.create_group_session(
            db,
            campaign_id=seeded["id"],
            advocate_id=advocate["id"],
            place="Day centre",
            group_size=8,
            respondent_group="person",
            question_ids=["QS1-01"],
        )
        note = store.groups.add_group_note(db, group, "QS1-01", "person", "The bus is always late.")
        item = store.review.review_queue(db, seeded["id"], item_kind="group_note")[0]
        assert item["item_id"] == note and item["statement_id"] == "QS1"
        assert item["respondent_group"] == "person" and item["answered_how"] == "group"
        assert item["quote_consent"] == 1 and not item["held"]
        store.safeguarding.raise_flag(
            db, campaign_id=seeded["id"], reason="concern_words", group_session_id=group
        )
        assert store.review.review_item(db, item["id"])["held"]
    client = _lead(staff_client)
    html = client.get("/staff/campaigns/review/evidence/?kind=group_note").get_data(as_text=True)
    assert "The bus is always late." in html and "Held for safeguarding" in html


def test_lead_describes_media_and_views_it_with_an_audit(app, seeded, staff_client):
    from engage.services import media_files

    png = b"\x89PNG\r\n\x1a\n" + b"0" * 40
    with app.app_context():
        db = get_db()
        session_id = _respond(db, seeded["id"], "person", "own", "good", media=True)
        media_files.media_root().mkdir(parents=True, exist_ok=True)
        digest = media_files.blob_store().put_bytes(png, media_files.media_root() / "scratch.png")
        media_id = store.media.add_media_item(
            db,
            {
                "session_id": session_id,
                "kind": "photo",
                "question_id": None,
                "sha256": digest,
                "mime": "image/png",
                "ext": "png",
                "size_bytes": len(png),
            },
        )
        item_id = store.review.review_queue(db, seeded["id"], item_kind="media")[0]["id"]
        assert store.review.review_item(db, item_id)["item_id"] == media_id
    client = _lead(staff_client)
    base = f"/staff/campaigns/review/evidence/items/{item_id}"
    page = client.get(base).get_data(as_text=True)
    assert "A photo with no description yet" in page
    assert _post(client, f"{base}/describe", description="").status_code == 400
    assert _post(client, f"{base}/describe", description="Sunny garden").status_code == 302
    assert 'alt="Sunny garden"' in client.get(base).get_data(as_text=True)
    response = client.get(f"{base}/media/main")
    assert response.status_code == 200 and response.data == png
    response.close()
    assert client.get(f"{base}/media/nonsense").status_code == 404
    with app.app_context():
        rows = get_db().execute("SELECT * FROM audit_log WHERE action = 'view_media'").fetchall()
    assert len(rows) == 1


# --- triangulation and exports ---


def test_triangulation_shows_counts_and_suppresses_small_groups(staff_client, seeded):
    client = _lead(staff_client)
    html = client.get("/staff/campaigns/review/evidence/triangulation").get_data(as_text=True)
    # 28 people (the held one left out): people 10 good and 5 OK, 3 family and 10 staff
    # all good. Three family members are too few, and the All row is published, so the
    # other groups are hidden as far as needed to keep the family's figures (all good)
    # from being worked out.
    page = BeautifulSoup(html, "html.parser")
    table = page.find("table", class_="table--matrix")
    qs1 = [td.get_text(" ", strip=True) for td in table.find("tbody").find("tr").find_all("td")]
    assert qs1[1] == "Hidden"  # families and carers
    assert qs1[4] == "No answers"  # partners
    assert "Secret" not in html
    assert 'role="img"' in html and "<title" in html
    assert 'style="' not in html


def _export(client, fmt):
    response = _post(client, "/staff/campaigns/review/evidence/exports", format=fmt)
    assert response.status_code == 200, fmt
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def test_exports_download_parse_and_are_logged(staff_client, seeded, app):
    client = _lead(staff_client)
    item_id = seeded["items"][WORDS]
    client.get("/staff/campaigns/review/evidence/")
    _decide_all(client, item_id)
    _post(
        client,
        f"/staff/campaigns/review/evidence/items/{item_id}/quote",
        words=WORDS,
        statements="QS1",
    )
    workbook = openpyxl.load_workbook(io.BytesIO(_export(client, "xlsx")), read_only=True)
    quotes = [row for row in workbook["Quotes"].iter_rows(values_only=True)]
    text = json.dumps(quotes, default=str)
    assert "EV-QS1-0001" in text and "[name]" in text and "Dafydd" not in text
    assert "Secret held words" not in text and "Do not quote me" not in text
    with zipfile.ZipFile(io.BytesIO(_export(client, "csv"))) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("quotes.csv").decode("utf-8-sig"))))
    assert any("EV-QS1-0001" in row for row in rows)
    document = json.loads(_export(client, "json"))
    assert "Dafydd" not in json.dumps(document)
    with zipfile.ZipFile(io.BytesIO(_export(client, "zip"))) as archive:
        assert any(name.endswith(".xlsx") for name in archive.namelist())
    assert (
        _post(client, "/staff/campaigns/review/evidence/exports", format="pdf").status_code == 400
    )
    with app.app_context():
        db = get_db()
        assert len(store.evidence.export_log(db, seeded["id"])) == 4
        audited = db.execute("SELECT detail FROM audit_log WHERE action = 'export'").fetchall()
    assert len(audited) == 4
    page = client.get("/staff/campaigns/review/evidence/exports").get_data(as_text=True)
    assert "xlsx" in page and "json" in page


# --- we will and you said ---


def test_we_will_and_the_published_you_said_page(staff_client, client, seeded, app):
    lead = _lead(staff_client)
    assert client.get("/s/review/you-said").status_code == 404
    long = "We will " + "really " * 20 + "listen."
    refused = _post(lead, "/staff/campaigns/review/evidence/we-will", we_will_QS1=long)
    assert refused.status_code == 400
    with app.app_context():
        assert store.evidence.we_will(get_db(), seeded["id"]) == {}
    item_id = seeded["items"][WORDS]
    lead.get("/staff/campaigns/review/evidence/")
    _decide_all(lead, item_id)
    _post(
        lead,
        f"/staff/campaigns/review/evidence/items/{item_id}/quote",
        words="My carer Dafydd",
        statements="QS1",
    )
    saved = _post(
        lead,
        "/staff/campaigns/review/evidence/we-will",
        we_will_QS1="We will answer the phone faster.",
        we_will_QS7="",
        published="yes",
    )
    assert saved.status_code == 302
    page = client.get("/s/review/you-said")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "We will answer the phone faster." in html
    assert "Most people said this is good." in html
    assert "My carer [name]" in html and "Dafydd" not in html
    assert "Secret held words" not in html and "Not enough people answered about this." in html
    _post(lead, "/staff/campaigns/review/evidence/we-will", published="no")
    assert client.get("/s/review/you-said").status_code == 404


# --- media size limits in the campaign settings ---


def test_a_lead_sets_the_media_size_limits(app, staff_client, make_campaign):
    from tests.engage.test_setup import _post as setup_post
    from tests.engage.test_setup import _settings

    code = make_campaign()["code"]
    lead = staff_client("lead")
    form = lead.get(f"/staff/campaigns/{code}/settings").get_data(as_text=True)
    assert 'id="max_video_mb"' in form and 'value="500"' in form
    path = f"/staff/campaigns/{code}/settings"
    for bad in ({"max_photo_mb": "0"}, {"max_video_mb": "5000"}, {"max_audio_mb": "ten"}):
        response = setup_post(lead, path, _settings(framework=None, **bad))
        assert response.status_code == 400, bad
        assert "in megabytes must be a whole number" in response.get_data(as_text=True)
    response = setup_post(
        lead,
        path,
        _settings(framework=None, max_photo_mb="5", max_video_mb="100", max_audio_mb="10"),
    )
    assert response.status_code == 302
    with app.app_context():
        campaign = store.campaigns.campaign_by_code(get_db(), code)
    assert campaign["max_photo_bytes"] == 5 * 1024 * 1024
    assert campaign["max_video_bytes"] == 100 * 1024 * 1024
    assert campaign["max_audio_bytes"] == 10 * 1024 * 1024


def test_an_item_left_out_in_review_leaves_every_export_and_you_said(staff_client, client, seeded):
    lead = _lead(staff_client)
    item_id = seeded["items"][WORDS]
    lead.get("/staff/campaigns/review/evidence/")
    _decide_all(lead, item_id)
    base = "/staff/campaigns/review/evidence"
    _post(lead, f"{base}/items/{item_id}/quote", words="is kind", statements="QS1")
    _post(lead, f"{base}/we-will", published="yes")
    assert "is kind" in client.get("/s/review/you-said").get_data(as_text=True)
    _post(lead, f"{base}/items/{item_id}/included", included="no")
    assert "is kind" not in client.get("/s/review/you-said").get_data(as_text=True)
    assert "EV-QS1-0001" not in _export(lead, "json").decode()
    workbook = openpyxl.load_workbook(io.BytesIO(_export(lead, "xlsx")), read_only=True)
    rows = json.dumps(list(workbook["Quotes"].iter_rows(values_only=True)), default=str)
    assert "EV-QS1-0001" not in rows


def test_an_item_names_its_language_and_leads_on_to_the_next(staff_client, seeded, app):
    client = _lead(staff_client)
    first, second = sorted(seeded["items"].values())[:2]
    page = client.get(f"/staff/campaigns/review/evidence/items/{first}").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    languages = [
        dd.get_text()
        for dt, dd in zip(
            soup.select(".item-context dt"), soup.select(".item-context dd"), strict=True
        )
        if dt.get_text() == "Language"
    ]
    assert languages == ["English"]
    assert soup.find("a", string="Next item")["href"].endswith(f"/items/{second}")
