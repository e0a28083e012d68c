"""The evidence store: review items kept in step with answers, quotes, redactions, search."""

from __future__ import annotations

import pytest

from engage import store
from engage.store import connect, migrate
from engage.store.review import EvidenceError

pytestmark = pytest.mark.both_engines


@pytest.fixture
def db(database_address):
    migrate(database_address)
    database = connect(database_address)
    yield database
    database.close()


def campaign(db, code=None) -> dict:
    return store.campaigns.create_campaign(
        db,
        title="T",
        framework_id="cqc-la",
        statement_ids=["QS1", "QS7"],
        questions=[
            {"id": "QS1-01", "statement_id": "QS1", "text": {"en": "How is it?"}},
            {"id": "QS7-01", "statement_id": "QS7", "text": {"en": "Do you feel safe?"}},
        ],
        respondent_groups=["person"],
        code=code,
    )


def session(db, campaign_id, quote=True) -> int:
    row = store.respondents.start_session(
        db, campaign_id, {"take_part": True, "quote": quote, "media": False}, "cy"
    )
    store.respondents.set_who(db, row["id"], "person", "helped")
    return row["id"]


def item_for(db, campaign_id) -> dict:
    (item,) = store.review.review_queue(db, campaign_id)
    return item


def test_a_free_text_answer_joins_the_queue_with_its_context(db):
    c = campaign(db)
    s = session(db, c["id"])
    store.respondents.save_answer(db, s, "QS1-01", "good", "")
    assert store.review.review_queue(db, c["id"]) == []
    store.respondents.save_answer(db, s, "QS1-01", "good", "Mae fy ngofalwr yn dda.")
    item = item_for(db, c["id"])
    assert item["item_kind"] == "answer"
    assert item["statement_id"] == "QS1"
    assert item["question"]["text"]["en"] == "How is it?"
    assert (item["respondent_group"], item["answered_how"], item["language"]) == (
        "person",
        "helped",
        "cy",
    )
    assert (item["quote_consent"], item["held"], item["included"]) == (1, 0, 1)
    assert item["quotable"] is False  # no suggestions made yet


def test_blanking_an_answer_removes_its_item_and_search_entry(db):
    c = campaign(db)
    s = session(db, c["id"])
    store.respondents.save_answer(db, s, "QS1-01", "good", "Words about Dafydd")
    store.respondents.save_answer(db, s, "QS1-01", "good", "")
    assert store.review.review_queue(db, c["id"]) == []
    assert store.review.search_items(db, c["id"], "Dafydd") == []


def test_erasing_a_session_removes_items_quotes_and_the_search_index(db):
    c = campaign(db)
    s = session(db, c["id"])
    store.respondents.save_answer(db, s, "QS1-01", "good", "Bethan helps me every day.")
    item = item_for(db, c["id"])
    quote = store.review.mark_quote(db, item["id"], 0, 6)
    assert store.review.search_items(db, c["id"], "Bethan")
    store.respondents.erase_session(db, s)
    assert store.review.search_items(db, c["id"], "Bethan") == []
    assert db.execute("SELECT COUNT(*) FROM review_items").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM quotes").fetchone()[0] == 0
    if db.engine == "sqlite":
        fts_rows = db.execute(
            "SELECT COUNT(*) FROM review_items_fts WHERE review_items_fts MATCH '\"Bethan\"'"
        ).fetchone()[0]
        assert fts_rows == 0
    # The reference is never given out again.
    s2 = session(db, c["id"])
    store.respondents.save_answer(db, s2, "QS1-01", "good", "Other words here.")
    again = store.review.mark_quote(db, item_for(db, c["id"])["id"], 0, 5)
    assert quote["evidence_ref"] == "EV-QS1-0001"
    assert again["evidence_ref"] == "EV-QS1-0002"


def test_evidence_refs_count_per_campaign_and_statement(db):
    first, second = campaign(db), campaign(db)
    refs = []
    for c in (first, second):
        s = session(db, c["id"])
        store.respondents.save_answer(db, s, "QS1-01", "good", "One two three four.")
        item = item_for(db, c["id"])
        refs.append(store.review.mark_quote(db, item["id"], 0, 3)["evidence_ref"])
        refs.append(store.review.mark_quote(db, item["id"], 4, 7)["evidence_ref"])
        refs.append(
            store.review.mark_quote(db, item["id"], 8, 13, statement_id="QS7")["evidence_ref"]
        )
    assert refs == ["EV-QS1-0001", "EV-QS1-0002", "EV-QS7-0001"] * 2


def test_quotes_are_tagged_and_marked(db):
    c = campaign(db)
    s = session(db, c["id"])
    store.respondents.save_answer(db, s, "QS1-01", "good", "I feel safe at home.")
    item = item_for(db, c["id"])
    quote = store.review.mark_quote(
        db, item["id"], 0, 11, also_statements=("QS7",), strength="strength", by="lead"
    )
    assert quote["original_text"] == "I feel safe"
    store.review.set_quote_translation(db, quote["id"], " I feel safe ")
    store.review.set_quote_strength(db, quote["id"], "improve")
    store.review.tag_quote(db, quote["id"], ["QS7"])
    (stored,) = store.review.item_quotes(db, item["id"])
    assert stored["statement_ids"] == ["QS1", "QS7"]
    assert (stored["strength"], stored["english_translation"]) == ("improve", "I feel safe")
    assert store.review.quote_by_ref(db, c["id"], "EV-QS1-0001")["id"] == quote["id"]
    with pytest.raises(EvidenceError):
        store.review.mark_quote(db, item["id"], 5, 99)
    with pytest.raises(EvidenceError):
        store.review.mark_quote(db, item["id"], 0, 3, statement_id="QS9")
    with pytest.raises(EvidenceError):
        store.review.set_quote_strength(db, quote["id"], "great")


def test_changing_the_words_withdraws_quotes_that_no_longer_match(db):
    c = campaign(db)
    s = session(db, c["id"])
    store.respondents.save_answer(db, s, "QS1-01", "good", "Staff are kind. Food is bad.")
    item = item_for(db, c["id"])
    kept = store.review.mark_quote(db, item["id"], 0, 15)
    lost = store.review.mark_quote(db, item["id"], 16, 28)
    store.review.record_redaction_suggestions(db, item["id"], [(0, 5, "name")])
    store.respondents.save_answer(db, s, "QS1-01", "good", "Staff are kind. Food is fine now.")
    quotes = {q["id"]: q for q in store.review.item_quotes(db, item["id"])}
    assert quotes[kept["id"]]["withdrawn_at"] is None
    assert quotes[lost["id"]]["withdrawn_reason"] == "words changed"
    changed = store.review.review_item(db, item["id"])
    assert changed["text"].endswith("fine now.")
    assert changed["suggested_at"] is None and changed["redactions"] == []


def test_redactions_are_suggested_then_decided(db):
    c = campaign(db)
    s = session(db, c["id"])
    store.respondents.save_answer(db, s, "QS1-01", "good", "Ring Sian on 07700 900123.")
    item = item_for(db, c["id"])
    store.review.record_redaction_suggestions(db, item["id"], [(5, 9, "name"), (13, 25, "phone")])
    item = store.review.review_item(db, item["id"])
    assert [r["words"] for r in item["redactions"]] == ["Sian", "07700 900123"]
    assert item["pending_redactions"] == 2 and not item["quotable"]
    assert [i["id"] for i in store.review.review_queue(db, c["id"], state="to_redact")] == [
        item["id"]
    ]
    name, phone = item["redactions"]
    store.review.decide_redaction(db, name["id"], True, "lead@council")
    store.review.decide_redaction(db, phone["id"], False, "lead@council")
    item = store.review.review_item(db, item["id"])
    assert item["quotable"]
    assert store.review.review_queue(db, c["id"], state="to_redact") == []
    decided = {r["kind"]: r for r in item["redactions"]}
    assert decided["name"]["status"] == "confirmed"
    assert decided["phone"]["status"] == "rejected"
    assert decided["name"]["decided_by"] == "lead@council" and decided["name"]["decided_at"]
    # Suggesting again keeps decisions and does not duplicate them.
    store.review.record_redaction_suggestions(db, item["id"], [(5, 9, "name")])
    assert len(store.review.item_redactions(db, item["id"])) == 2
    own = store.review.add_redaction(db, item["id"], 0, 4, "other", "lead")
    assert {r["id"]: r["status"] for r in store.review.item_redactions(db, item["id"])}[own] == (
        "confirmed"
    )
    with pytest.raises(EvidenceError):
        store.review.decide_redaction(db, 999, True, "lead")


def test_include_describe_hold_names_we_will_and_log(db):
    c = campaign(db)
    s = session(db, c["id"])
    store.respondents.save_answer(db, s, "QS1-01", "good", "Some words.")
    item = item_for(db, c["id"])
    store.review.set_item_included(db, item["id"], False, "lead")
    assert [i["id"] for i in store.review.review_queue(db, c["id"], state="excluded")] == [
        item["id"]
    ]
    media = store.review.add_review_item(db, c["id"], "media", 7, consent_media=True)
    store.review.describe_media(db, media, "A drawing of a bus", "lead")
    assert (
        store.evidence.evidence_media(db, c["id"])[0]["media_description"] == "A drawing of a bus"
    )
    assert store.review.search_items(db, c["id"], "drawing")[0]["id"] == media
    store.safeguarding.raise_flag(db, campaign_id=c["id"], reason="worried", session_id=s)
    assert store.review.review_item(db, item["id"])["held"] == 1
    store.review.add_redaction_name(db, c["id"], " Dafydd ")
    store.review.add_redaction_name(db, c["id"], "Dafydd")
    assert store.review.redaction_names(db, c["id"]) == ["Dafydd"]
    store.evidence.set_we_will(db, c["id"], "QS1", "We will call you back.", "lead")
    store.evidence.set_we_will(db, c["id"], "QS1", "We will call within a week.", "lead")
    assert store.evidence.we_will(db, c["id"]) == {"QS1": "We will call within a week."}
    store.evidence.log_export(db, c["id"], "xlsx", "e.xlsx", quotes=3, media=1, by="lead")
    (logged,) = store.evidence.export_log(db, c["id"])
    assert (logged["format"], logged["quotes"], logged["requested_by"]) == ("xlsx", 3, "lead")
    store.review.remove_review_item(db, "media", 7)
    assert store.review.search_items(db, c["id"], "drawing") == []


def test_sessions_are_not_held_or_synthetic_by_default(db):
    c = campaign(db)
    row = store.respondents.respondent_session(db, session(db, c["id"]))
    assert row["is_synthetic"] == 0
    assert store.safeguarding.held_for_safeguarding(db, c["id"]) == store.safeguarding.Held(
        frozenset(), frozenset()
    )


# --- search ---


def seeded_search(db) -> dict:
    c = campaign(db)
    other = campaign(db)
    texts = [
        "Mae fy ngofalwr yn garedig iawn.",
        "Rwy'n hoffi'r gofal yn y cartref.",
        "Staff don't listen; it's 100% true!",
        'She said "call me" and (nothing) happened.',
        "Ok so far",
    ]
    for text in texts:
        s = session(db, c["id"])
        store.respondents.save_answer(db, s, "QS1-01", "good", text)
    s = session(db, other["id"])
    store.respondents.save_answer(db, s, "QS1-01", "good", "gofal elsewhere")
    return c


def found(db, c, query) -> list[str]:
    return [item["text"] for item in store.review.search_items(db, c["id"], query)]


def test_search_matches_inside_welsh_words(db):
    c = seeded_search(db)
    # "ngofalwr" is a mutated form of "gofalwr": the trigram index finds it inside the word.
    assert sorted(found(db, c, "gofal")) == [
        "Mae fy ngofalwr yn garedig iawn.",
        "Rwy'n hoffi'r gofal yn y cartref.",
    ]
    assert found(db, c, "ofalwr") == ["Mae fy ngofalwr yn garedig iawn."]
    assert found(db, c, "GAREDIG") == ["Mae fy ngofalwr yn garedig iawn."]


def test_search_needs_every_term_and_stays_in_its_campaign(db):
    c = seeded_search(db)
    assert found(db, c, "gofal cartref") == ["Rwy'n hoffi'r gofal yn y cartref."]
    assert "gofal elsewhere" not in found(db, c, "gofal")


def test_short_terms_are_matched_too(db):
    c = seeded_search(db)
    assert found(db, c, "Ok") == ["Ok so far"]
    assert found(db, c, "yn cartref") == ["Rwy'n hoffi'r gofal yn y cartref."]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "' OR 1=1 --",
        '"; DROP TABLE answers; --',
        "NEAR(staff listen)",
        "staff*",
        "text:staff",
        "AND OR NOT",
        "(nothing)",
        "^staff",
        "%",
        "_",
        "\\",
        "100%",
    ],
)
def test_hostile_queries_are_only_searched_for(db, query):
    c = seeded_search(db)
    results = found(db, c, query)
    for text in results:
        for term in query.split():
            assert term.lower() in text.lower()
    assert db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 6


def test_punctuation_in_queries_finds_the_words(db):
    c = seeded_search(db)
    assert found(db, c, "don't listen;") == ["Staff don't listen; it's 100% true!"]
    assert found(db, c, '"call me"') == ['She said "call me" and (nothing) happened.']
    assert found(db, c, "(nothing)") == ['She said "call me" and (nothing) happened.']
    assert found(db, c, "100%") == ["Staff don't listen; it's 100% true!"]
    assert found(db, c, "   ") == []
