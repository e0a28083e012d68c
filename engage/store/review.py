"""Review: the review queue, redactions and quotes, and searching the words people gave.

The migration set keeps its first name, `engage.evidence`, as applied databases record it.
"""

from __future__ import annotations

import json
from functools import cache

from sqlite_utils import Database as SqliteDatabase
from sqlite_utils import Migrations

from engage.store import Database, fetch_all, now, run_script, transaction
from engage.store.engine import POSTGRESQL, json_array, json_list
from engage.store.safeguarding import HELD_GROUP_SESSIONS, HELD_SESSIONS
from engage.store.triggers import SQLITE, differs, now_utc, position

# --- Reads ---


# Held while the person's session is (a left join finds no session for a group note, and
# NULL IN (...) is not true), or the group note's group session is, or the item itself is.
HELD = (
    f"CASE WHEN s.id IN ({HELD_SESSIONS}) "
    "OR EXISTS (SELECT 1 FROM group_notes n WHERE ri.item_kind = 'group_note' "
    f"AND n.id = ri.item_id AND n.group_session_id IN ({HELD_GROUP_SESSIONS})) "
    "OR ri.held_for_safeguarding = 1 THEN 1 ELSE 0 END AS held"
)
# Group notes have no respondent session: their group comes from the group session.
ITEM_WHO = (
    "COALESCE(s.respondent_group, (SELECT g.respondent_group FROM group_notes n "
    "JOIN group_sessions g ON g.id = n.group_session_id WHERE ri.item_kind = 'group_note' "
    "AND n.id = ri.item_id)) AS respondent_group, "
    "COALESCE(s.answered_how, CASE WHEN ri.item_kind = 'group_note' THEN 'group' END) "
    "AS answered_how, "
    "(SELECT n.group_session_id FROM group_notes n WHERE ri.item_kind = 'group_note' "
    "AND n.id = ri.item_id) AS group_session_id"
)


def _both_allow(consent: str) -> str:
    # The smaller of the session's and the item's consent where both are known, else the one
    # that is known, else 0. (SQLite's two-argument MIN and PostgreSQL's LEAST differ on NULL.)
    session, item = f"s.{consent}", f"ri.{consent}"
    return f"COALESCE(CASE WHEN {item} < {session} THEN {item} ELSE {session} END, {item}, 0)"


# An item may be quoted or shown only if both the session and the item itself allow it (a
# media answer has its own consent as well as the session's).
ITEM_CONSENT = (
    f"{_both_allow('consent_quote')} AS quote_consent, "
    f"{_both_allow('consent_media')} AS media_consent"
)


def confirmed_redactions(engine: str) -> str:
    """Return the spans a lead redacted in an item's words, as a JSON list of [start, end, kind]."""
    spans = json_list(
        engine, json_array(engine, "r.start_offset", "r.end_offset", "r.kind"), order="r.id"
    )
    return (
        f"(SELECT {spans} FROM redactions r "  # noqa: S608 - constant SQL
        "WHERE r.review_item_id = ri.id AND r.status = 'confirmed') AS confirmed_redactions"
    )


@cache
def item_context(engine: str) -> str:
    """Return the query of review items with the context a lead needs, to add WHERE to."""
    return f"""
    SELECT ri.*, {ITEM_WHO}, s.is_synthetic, COALESCE(ri.language, s.language) AS language,
           {ITEM_CONSENT}, {HELD},
           q.content AS question_content,
           (SELECT COUNT(*) FROM redactions r
             WHERE r.review_item_id = ri.id AND r.status = 'suggested') AS pending_redactions,
           (SELECT COUNT(*) FROM quotes x
             WHERE x.review_item_id = ri.id AND x.withdrawn_at IS NULL) AS quotes,
           {confirmed_redactions(engine)}
    FROM review_items ri
    LEFT JOIN respondent_sessions s ON s.id = ri.session_id
    LEFT JOIN campaign_questions q
           ON q.campaign_id = ri.campaign_id AND q.question_id = ri.question_id
    """  # noqa: S608 - constant SQL


def quote_statement_ids(engine: str) -> str:
    """Return the JSON list of the statements a quote `q` is tagged to."""
    tagged = json_list(engine, "statement_id", order="statement_id")
    return f"(SELECT {tagged} FROM quote_statements t WHERE t.quote_id = q.id) AS statement_ids"  # noqa: S608


def item_from_row(row) -> dict:
    item = dict(row)
    content = item.pop("question_content")
    item["question"] = json.loads(content) if content else None
    item["confirmed_redactions"] = [tuple(r) for r in json.loads(item["confirmed_redactions"])]
    item["quotable"] = (
        bool(item["suggested_at"])
        and item["pending_redactions"] == 0
        and item["words_changed_at"] is None
    )
    return item


def review_queue(
    db: Database,
    campaign_id: int,
    *,
    item_kind: str | None = None,
    statement_id: str | None = None,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict]:
    """Return a page of a campaign's review items with the context a lead needs.

    Each item has its question, statement, respondent_group, answered_how, language,
    quote_consent, media_consent, held, included, pending_redactions, quotes, quotable and
    confirmed_redactions. `state` narrows to "to_redact" (suggestions undecided or not made),
    "words_changed" (the words changed under a quote or a redaction: decide again),
    "included" or "excluded".
    """
    where = ["ri.campaign_id = ?"]
    params: list = [campaign_id]
    if item_kind:
        where.append("ri.item_kind = ?")
        params.append(item_kind)
    if statement_id:
        where.append("ri.statement_id = ?")
        params.append(statement_id)
    if state == "to_redact":
        where.append(
            "(ri.suggested_at IS NULL OR EXISTS (SELECT 1 FROM redactions r "
            "WHERE r.review_item_id = ri.id AND r.status = 'suggested'))"
        )
    elif state == "words_changed":
        where.append("ri.words_changed_at IS NOT NULL")
    elif state in ("included", "excluded"):
        where.append("ri.included = ?")
        params.append(int(state == "included"))
    rows = db.execute(
        f"{item_context(db.engine)} WHERE {' AND '.join(where)} ORDER BY ri.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return [item_from_row(row) for row in rows]


def next_review_item_id(db: Database, campaign_id: int, after_id: int) -> int | None:
    """Return the id of the campaign's review item after this one in the queue, if any."""
    row = db.execute(
        "SELECT MIN(id) FROM review_items WHERE campaign_id = ? AND id > ?", [campaign_id, after_id]
    ).fetchone()
    return row[0]


def review_item(db: Database, review_item_id: int) -> dict | None:
    """Return one review item with its context, redactions and quotes."""
    row = db.execute(f"{item_context(db.engine)} WHERE ri.id = ?", [review_item_id]).fetchone()
    if row is None:
        return None
    item = item_from_row(row)
    item["redactions"] = item_redactions(db, review_item_id)
    item["quote_list"] = item_quotes(db, review_item_id)
    return item


def item_redactions(db: Database, review_item_id: int) -> list[dict]:
    """Return an item's redactions in text order, with the words each covers."""
    return fetch_all(
        db,
        "SELECT r.*, substr(ri.text, r.start_offset + 1, r.end_offset - r.start_offset) "
        "AS words FROM redactions r JOIN review_items ri ON ri.id = r.review_item_id "
        "WHERE r.review_item_id = ? ORDER BY r.start_offset, r.id",
        [review_item_id],
    )


def item_quotes(db: Database, review_item_id: int) -> list[dict]:
    """Return an item's quotes, withdrawn ones too, each with its statement_ids."""
    rows = db.execute(
        f"SELECT q.*, {quote_statement_ids(db.engine)} FROM quotes q "  # noqa: S608
        "WHERE q.review_item_id = ? ORDER BY q.start_offset, q.id",
        [review_item_id],
    ).fetchall()
    return [quote_from_row(row) for row in rows]


def quote_from_row(row) -> dict:
    quote = dict(row)
    quote["statement_ids"] = json.loads(quote["statement_ids"] or "[]")
    return quote


def quote_by_ref(db: Database, campaign_id: int, evidence_ref: str) -> dict | None:
    """Return the campaign's quote with this evidence reference, or None."""
    row = db.execute(
        f"SELECT q.*, {quote_statement_ids(db.engine)} FROM quotes q "  # noqa: S608
        "WHERE q.campaign_id = ? AND q.evidence_ref = ?",
        [campaign_id, evidence_ref],
    ).fetchone()
    return quote_from_row(row) if row else None


def items_needing_suggestions(db: Database, campaign_id: int) -> list[dict]:
    """Return the id and words of each item whose redactions have not been suggested."""
    return fetch_all(
        db,
        "SELECT id, text FROM review_items WHERE campaign_id = ? AND suggested_at IS NULL "
        "AND text <> '' ORDER BY id",
        [campaign_id],
    )


def redaction_names(db: Database, campaign_id: int) -> list[str]:
    """Return the names a campaign's redaction suggestions always look for."""
    rows = db.execute(
        "SELECT name FROM campaign_redaction_names WHERE campaign_id = ? ORDER BY name",
        [campaign_id],
    ).fetchall()
    return [row["name"] for row in rows]


def suggested_item_texts(db: Database, campaign_id: int) -> list[dict]:
    """Return the id and words of each item of a campaign whose redactions were suggested."""
    return fetch_all(
        db,
        "SELECT id, text FROM review_items WHERE campaign_id = ? AND suggested_at IS NOT NULL "
        "AND text <> '' ORDER BY id",
        [campaign_id],
    )


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search_items(db: Database, campaign_id: int, query: str, limit: int = 50) -> list[dict]:
    """Return the campaign's review items whose words contain every term of `query`.

    Terms match anywhere inside a word (a trigram index), so "gofal" finds "ngofal". Each
    term is quoted, so punctuation and FTS or SQL syntax in a query are only searched for.
    SQLite: terms shorter than three characters, which a trigram index cannot look up, are
    matched by a plain scan of the items the longer terms found. PostgreSQL: every term is an
    ILIKE '%term%' on the words and the description, which pg_trgm's index answers.
    """
    terms = query.split()
    if not terms:
        return []
    if db.engine == POSTGRESQL:
        return _search_items_postgresql(db, campaign_id, terms, limit)
    long_terms = [t for t in terms if len(t) >= 3]
    short_terms = [t for t in terms if len(t) < 3]
    sql = item_context(db.engine)
    where = ["ri.campaign_id = ?"]
    params: list = [campaign_id]
    order = "ri.id"
    if long_terms:
        sql += " JOIN review_items_fts f ON f.rowid = ri.id"
        where.append("review_items_fts MATCH ?")
        params.append(" ".join(_fts_phrase(t) for t in long_terms))
        order = "f.rank"
    for term in short_terms:
        where.append(
            "(instr(lower(ri.text), lower(?)) OR instr(lower(ri.media_description), lower(?)))"
        )
        params += [term, term]
    rows = db.execute(
        f"{sql} WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [item_from_row(row) for row in rows]


def _like_pattern(term: str) -> str:
    # The term's own %, _ and backslash are searched for, not read as wildcards.
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_items_postgresql(db: Database, campaign_id: int, terms: list[str], limit: int):
    where = ["ri.campaign_id = ?"]
    params: list = [campaign_id]
    for term in terms:
        where.append("(ri.text ILIKE ? OR ri.media_description ILIKE ?)")
        params += [_like_pattern(term)] * 2
    rows = db.execute(
        f"{item_context(db.engine)} WHERE {' AND '.join(where)} ORDER BY ri.id LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [item_from_row(row) for row in rows]


def review_quote(db: Database, quote_id: int) -> dict | None:
    """Return one quote with its statement_ids, or None."""
    row = db.execute(
        f"SELECT q.*, {quote_statement_ids(db.engine)} FROM quotes q WHERE q.id = ?",  # noqa: S608
        [quote_id],
    ).fetchone()
    return quote_from_row(row) if row else None


# --- Writes ---


class EvidenceError(ValueError):
    """A review action cannot be done as asked."""


QUOTE_STRENGTHS = ("strength", "improve")


def add_review_item(
    db: Database,
    campaign_id: int,
    item_kind: str,
    item_id: int,
    *,
    text: str = "",
    statement_id: str | None = None,
    question_id: str | None = None,
    session_id: int | None = None,
    consent_quote: bool | None = None,
    consent_media: bool | None = None,
) -> int:
    """Add a group note or a piece of media to the review queue and return the item's id.

    Free-text answers join the queue by themselves (a trigger keeps them in step).
    """
    stamp = now()
    return db.insert(
        "review_items",
        {
            "campaign_id": campaign_id,
            "item_kind": item_kind,
            "item_id": item_id,
            "session_id": session_id,
            "question_id": question_id,
            "statement_id": statement_id,
            "text": text,
            "consent_quote": None if consent_quote is None else int(consent_quote),
            "consent_media": None if consent_media is None else int(consent_media),
            "created_at": stamp,
            "updated_at": stamp,
        },
    )


def remove_review_item(db: Database, item_kind: str, item_id: int) -> None:
    """Remove an item, its quotes and redactions and its search entry (for erasure)."""
    db.execute("DELETE FROM review_items WHERE item_kind = ? AND item_id = ?", [item_kind, item_id])


def record_redaction_suggestions(
    db: Database, review_item_id: int, spans: list[tuple[int, int, str]]
) -> None:
    """Store the suggested redactions for an item, replacing undecided earlier ones."""
    stamp = now()
    with transaction(db):
        db.lock(f"review-item:{review_item_id}")
        db.execute(
            "DELETE FROM redactions WHERE review_item_id = ? AND status = 'suggested'",
            [review_item_id],
        )
        decided = {
            (row["start_offset"], row["end_offset"])
            for row in db.execute(
                "SELECT start_offset, end_offset FROM redactions WHERE review_item_id = ?",
                [review_item_id],
            )
        }
        db.insert_all(
            "redactions",
            [
                {
                    "review_item_id": review_item_id,
                    "start_offset": start,
                    "end_offset": end,
                    "kind": kind,
                    "source": "suggested",
                    "created_at": stamp,
                }
                for start, end, kind in spans
                if (start, end) not in decided
            ],
        )
        db.execute("UPDATE review_items SET suggested_at = ? WHERE id = ?", [stamp, review_item_id])


def _item_text(db: Database, review_item_id: int) -> dict:
    row = db.execute(
        "SELECT id, campaign_id, text, statement_id FROM review_items WHERE id = ?",
        [review_item_id],
    ).fetchone()
    if row is None:
        raise EvidenceError("There is no such item.")
    return dict(row)


def _check_span(text: str, start: int, end: int) -> None:
    if not 0 <= start < end <= len(text):
        raise EvidenceError("The span must lie inside the item's words.")


def add_redaction(
    db: Database, review_item_id: int, start: int, end: int, kind: str, by: str | None
) -> int:
    """Redact a span the suggestions missed; a lead's own redaction is confirmed at once."""
    _check_span(_item_text(db, review_item_id)["text"], start, end)
    stamp = now()
    return db.insert(
        "redactions",
        {
            "review_item_id": review_item_id,
            "start_offset": start,
            "end_offset": end,
            "kind": kind,
            "source": "reviewer",
            "status": "confirmed",
            "decided_by": by,
            "decided_at": stamp,
            "created_at": stamp,
        },
    )


def decide_redaction(db: Database, redaction_id: int, confirm: bool, by: str | None) -> None:
    """Confirm or reject a suggested redaction, recording who decided and when."""
    cursor = db.execute(
        "UPDATE redactions SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
        ["confirmed" if confirm else "rejected", by, now(), redaction_id],
    )
    if cursor.rowcount != 1:
        raise EvidenceError("There is no such redaction.")


def _campaign_statements(db: Database, campaign_id: int) -> list[str]:
    row = db.execute("SELECT statement_ids FROM campaigns WHERE id = ?", [campaign_id]).fetchone()
    return json.loads(row["statement_ids"])


def mark_quote(
    db: Database,
    review_item_id: int,
    start: int,
    end: int,
    *,
    statement_id: str | None = None,
    also_statements: tuple[str, ...] = (),
    strength: str | None = None,
    english_translation: str = "",
    by: str | None = None,
) -> dict:
    """Mark a span of an item's words as a quote and give it its evidence reference.

    The reference, such as EV-QS1-0007, counts per campaign and statement and is never
    used again, even after the quote is withdrawn or its item erased.
    """
    item = _item_text(db, review_item_id)
    _check_span(item["text"], start, end)
    statement_id = statement_id or item["statement_id"]
    statements = [statement_id, *(s for s in also_statements if s != statement_id)]
    known = _campaign_statements(db, item["campaign_id"])
    if not statement_id or any(s not in known for s in statements):
        raise EvidenceError("A quote must be tagged to the campaign's statements.")
    if strength not in (None, *QUOTE_STRENGTHS):
        raise EvidenceError("A quote is a strength or an area to improve.")
    stamp = now()
    with transaction(db):
        db.execute(
            "INSERT INTO evidence_ref_counters (campaign_id, statement_id, last_number) "
            "VALUES (?, ?, 1) ON CONFLICT (campaign_id, statement_id) "
            "DO UPDATE SET last_number = evidence_ref_counters.last_number + 1",
            [item["campaign_id"], statement_id],
        )
        number = db.execute(
            "SELECT last_number FROM evidence_ref_counters "
            "WHERE campaign_id = ? AND statement_id = ?",
            [item["campaign_id"], statement_id],
        ).fetchone()[0]
        quote_id = db.insert(
            "quotes",
            {
                "campaign_id": item["campaign_id"],
                "review_item_id": review_item_id,
                "evidence_ref": f"EV-{statement_id}-{number:04d}",
                "statement_id": statement_id,
                "start_offset": start,
                "end_offset": end,
                "original_text": item["text"][start:end],
                "english_translation": english_translation,
                "strength": strength,
                "created_by": by,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        db.insert_all(
            "quote_statements", [{"quote_id": quote_id, "statement_id": s} for s in statements]
        )
    return db.get("quotes", quote_id)


def tag_quote(db: Database, quote_id: int, statement_ids: list[str]) -> None:
    """Tag a quote to these statements; the one its reference is under always stays."""
    quote = db.execute(
        "SELECT campaign_id, statement_id FROM quotes WHERE id = ?", [quote_id]
    ).fetchone()
    if quote is None:
        raise EvidenceError("There is no such quote.")
    known = _campaign_statements(db, quote["campaign_id"])
    if any(s not in known for s in statement_ids):
        raise EvidenceError("A quote must be tagged to the campaign's statements.")
    wanted = dict.fromkeys([quote["statement_id"], *statement_ids])
    with transaction(db):
        db.execute("DELETE FROM quote_statements WHERE quote_id = ?", [quote_id])
        db.insert_all(
            "quote_statements", [{"quote_id": quote_id, "statement_id": s} for s in wanted]
        )
        db.execute("UPDATE quotes SET updated_at = ? WHERE id = ?", [now(), quote_id])


def set_quote_strength(db: Database, quote_id: int, strength: str | None) -> None:
    """Mark a quote as a strength, an area to improve, or neither (None)."""
    if strength not in (None, *QUOTE_STRENGTHS):
        raise EvidenceError("A quote is a strength or an area to improve.")
    db.execute(
        "UPDATE quotes SET strength = ?, updated_at = ? WHERE id = ?", [strength, now(), quote_id]
    )


def set_quote_translation(db: Database, quote_id: int, english_translation: str) -> None:
    """Keep an English translation beside a quote given in another language."""
    db.execute(
        "UPDATE quotes SET english_translation = ?, updated_at = ? WHERE id = ?",
        [english_translation.strip(), now(), quote_id],
    )


def withdraw_quote(db: Database, quote_id: int, reason: str) -> None:
    """Take a quote out of the evidence; its reference is kept and never reused."""
    stamp = now()
    db.execute(
        "UPDATE quotes SET withdrawn_at = COALESCE(withdrawn_at, ?), withdrawn_reason = ?, "
        "updated_at = ? WHERE id = ?",
        [stamp, reason, stamp, quote_id],
    )


def set_item_included(db: Database, review_item_id: int, included: bool, by: str | None) -> None:
    """Include an item in the evidence, or leave it out."""
    stamp = now()
    db.execute(
        "UPDATE review_items SET included = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ? "
        "WHERE id = ?",
        [int(included), by, stamp, stamp, review_item_id],
    )


def describe_media(db: Database, review_item_id: int, description: str, by: str | None) -> None:
    """Record the review team's description of a drawing, photo, video or recording."""
    stamp = now()
    db.execute(
        "UPDATE review_items SET media_description = ?, reviewed_by = ?, reviewed_at = ?, "
        "updated_at = ? WHERE id = ?",
        [description.strip(), by, stamp, stamp, review_item_id],
    )


def decide_words_again(db: Database, review_item_id: int, by: str | None) -> None:
    """Record that a lead looked again at an item whose words changed under its quotes.

    Every suggested redaction must be decided first; the item's live quotes may then be
    exported again, with the redactions as they now stand.
    """
    with transaction(db):
        row = db.execute(
            "SELECT suggested_at, (SELECT COUNT(*) FROM redactions r WHERE r.review_item_id = "
            "ri.id AND r.status = 'suggested') AS pending FROM review_items ri WHERE id = ?",
            [review_item_id],
        ).fetchone()
        if row is None:
            raise EvidenceError("There is no such item.")
        if row["suggested_at"] is None or row["pending"]:
            raise EvidenceError("Decide every suggested redaction first.")
        stamp = now()
        db.execute(
            "UPDATE review_items SET words_changed_at = NULL, previous_text = NULL, "
            "reviewed_by = ?, reviewed_at = ?, updated_at = ? WHERE id = ?",
            [by, stamp, stamp, review_item_id],
        )


def set_item_held(db: Database, review_item_id: int, held: bool) -> None:
    """Hold one item (such as a group note) for safeguarding."""
    db.execute(
        "UPDATE review_items SET held_for_safeguarding = ? WHERE id = ?",
        [int(held), review_item_id],
    )


def add_redaction_name(db: Database, campaign_id: int, name: str) -> None:
    """Add a name the redaction suggestions should always look for in this campaign."""
    if name.strip():
        db.execute(
            "INSERT INTO campaign_redaction_names (campaign_id, name) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING",
            [campaign_id, name.strip()],
        )


def remove_redaction_name(db: Database, campaign_id: int, name: str) -> bool:
    """Take a name off a campaign's always-redact list; say whether it was there."""
    cursor = db.execute(
        "DELETE FROM campaign_redaction_names WHERE campaign_id = ? AND name = ?",
        [campaign_id, name],
    )
    return cursor.rowcount == 1


# --- Migrations: engage.evidence ---

# Evidence tables: review items, quotes, redactions, searching, "we will" and the export log.
#
# A review item is one thing a lead reviews: a free-text answer now, later a group note or a
# piece of media; `item_kind` with `item_id` points at it. Items for answers are kept in step
# with the answers by triggers, so saving, changing and erasing an answer (and so erasing a
# session) update the review queue and the search index in the same transaction.

evidence = Migrations("engage.evidence")

_ITEM_FOR_ANSWER = """
    INSERT INTO review_items (campaign_id, item_kind, item_id, session_id, question_id,
                              statement_id, text, created_at, updated_at)
    SELECT s.campaign_id, 'answer', NEW.id, NEW.session_id, NEW.question_id, q.statement_id,
           NEW.free_text, NEW.updated_at, NEW.updated_at
    FROM respondent_sessions s
    LEFT JOIN campaign_questions q
           ON q.campaign_id = s.campaign_id AND q.question_id = NEW.question_id
    WHERE s.id = NEW.session_id
"""


@evidence(name="0001_review_quotes_redactions")
def _review_quotes_redactions(db: SqliteDatabase) -> None:
    run_script(
        db,
        """
        ALTER TABLE respondent_sessions ADD COLUMN is_synthetic INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE review_items (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            item_kind TEXT NOT NULL CHECK (item_kind IN ('answer', 'group_note', 'media')),
            item_id INTEGER NOT NULL,
            session_id INTEGER REFERENCES respondent_sessions(id) ON DELETE CASCADE,
            question_id TEXT,
            statement_id TEXT,
            text TEXT NOT NULL DEFAULT '',  -- the original words, for the review team only
            media_description TEXT NOT NULL DEFAULT '',
            -- Items without a session (group notes, media) carry their own consent and hold.
            consent_quote INTEGER,
            consent_media INTEGER,
            held_for_safeguarding INTEGER NOT NULL DEFAULT 0,
            included INTEGER NOT NULL DEFAULT 1,
            suggested_at TEXT,                        -- NULL until redactions were suggested
            reviewed_by TEXT,
            reviewed_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (item_kind, item_id)
        );
        CREATE INDEX review_items_campaign ON review_items(campaign_id, item_kind);
        CREATE INDEX review_items_session ON review_items(session_id);
        CREATE TABLE redactions (
            id INTEGER PRIMARY KEY,
            review_item_id INTEGER NOT NULL REFERENCES review_items(id) ON DELETE CASCADE,
            start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
            end_offset INTEGER NOT NULL CHECK (end_offset > start_offset),
            kind TEXT NOT NULL CHECK (kind IN
                ('name', 'phone', 'email', 'postcode', 'date', 'address', 'other')),
            source TEXT NOT NULL CHECK (source IN ('suggested', 'reviewer')),
            status TEXT NOT NULL DEFAULT 'suggested'
                CHECK (status IN ('suggested', 'confirmed', 'rejected')),
            decided_by TEXT,
            decided_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX redactions_item ON redactions(review_item_id, status);
        CREATE TABLE evidence_ref_counters (
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            statement_id TEXT NOT NULL,
            last_number INTEGER NOT NULL,
            PRIMARY KEY (campaign_id, statement_id)
        );
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            review_item_id INTEGER NOT NULL REFERENCES review_items(id) ON DELETE CASCADE,
            evidence_ref TEXT NOT NULL,
            statement_id TEXT NOT NULL,              -- the statement its reference is under
            start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
            end_offset INTEGER NOT NULL CHECK (end_offset > start_offset),
            original_text TEXT NOT NULL,             -- the span as marked, for the review team only
            english_translation TEXT NOT NULL DEFAULT '',
            strength TEXT CHECK (strength IN ('strength', 'improve')),
            created_by TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            withdrawn_at TEXT,
            withdrawn_reason TEXT,
            UNIQUE (campaign_id, evidence_ref)
        );
        CREATE INDEX quotes_item ON quotes(review_item_id);
        CREATE INDEX quotes_campaign ON quotes(campaign_id, statement_id);
        CREATE TABLE quote_statements (
            quote_id INTEGER NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
            statement_id TEXT NOT NULL,
            PRIMARY KEY (quote_id, statement_id)
        );
        CREATE TABLE campaign_redaction_names (
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            PRIMARY KEY (campaign_id, name)
        );
        CREATE TABLE we_will (
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            statement_id TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_by TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (campaign_id, statement_id)
        );
        CREATE TABLE export_log (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
            format TEXT NOT NULL,
            file_name TEXT NOT NULL,
            quotes INTEGER NOT NULL,
            media INTEGER NOT NULL,
            requested_by TEXT,
            created_at TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE review_items_fts USING fts5(
            text, media_description, content='review_items', content_rowid='id',
            tokenize='trigram'
        );
        """,
    )
    for trigger in _TRIGGERS:
        db.execute(trigger)
    # Answers saved before this migration join the review queue too.
    db.execute(
        """
        INSERT INTO review_items (campaign_id, item_kind, item_id, session_id, question_id,
                                  statement_id, text, created_at, updated_at)
        SELECT s.campaign_id, 'answer', a.id, a.session_id, a.question_id, q.statement_id,
               a.free_text, a.updated_at, a.updated_at
        FROM answers a
        JOIN respondent_sessions s ON s.id = a.session_id
        LEFT JOIN campaign_questions q
               ON q.campaign_id = s.campaign_id AND q.question_id = a.question_id
        WHERE a.free_text <> ''
        """
    )


_ANSWER_REMOVAL = """
        CREATE TRIGGER answers_review_delete AFTER DELETE ON answers BEGIN
            DELETE FROM review_items WHERE item_kind = 'answer' AND item_id = OLD.id;
        END;
        """

# Triggers hold semicolons inside BEGIN ... END, so each is run whole rather than split.
_TRIGGERS = (
    """
        CREATE TRIGGER review_items_fts_insert AFTER INSERT ON review_items BEGIN
            INSERT INTO review_items_fts (rowid, text, media_description)
            VALUES (NEW.id, NEW.text, NEW.media_description);
        END;
        """,
    """
        CREATE TRIGGER review_items_fts_delete AFTER DELETE ON review_items BEGIN
            INSERT INTO review_items_fts (review_items_fts, rowid, text, media_description)
            VALUES ('delete', OLD.id, OLD.text, OLD.media_description);
        END;
        """,
    """
        CREATE TRIGGER review_items_fts_update AFTER UPDATE OF text, media_description
        ON review_items BEGIN
            INSERT INTO review_items_fts (review_items_fts, rowid, text, media_description)
            VALUES ('delete', OLD.id, OLD.text, OLD.media_description);
            INSERT INTO review_items_fts (rowid, text, media_description)
            VALUES (NEW.id, NEW.text, NEW.media_description);
        END;
        """,
    f"""
        CREATE TRIGGER answers_review_insert AFTER INSERT ON answers
        WHEN NEW.free_text <> '' BEGIN
            {_ITEM_FOR_ANSWER};
        END;
        """,
    f"""
        CREATE TRIGGER answers_review_update AFTER UPDATE OF free_text ON answers
        WHEN NEW.free_text IS NOT OLD.free_text BEGIN
            DELETE FROM review_items
            WHERE item_kind = 'answer' AND item_id = NEW.id AND NEW.free_text = '';
            UPDATE quotes SET withdrawn_at = NEW.updated_at, withdrawn_reason = 'words changed'
            WHERE withdrawn_at IS NULL
              AND review_item_id IN (SELECT id FROM review_items
                                     WHERE item_kind = 'answer' AND item_id = NEW.id)
              AND substr(NEW.free_text, start_offset + 1, end_offset - start_offset)
                  IS NOT original_text;
            DELETE FROM redactions WHERE review_item_id IN
                (SELECT id FROM review_items WHERE item_kind = 'answer' AND item_id = NEW.id);
            UPDATE review_items SET text = NEW.free_text, suggested_at = NULL,
                                    updated_at = NEW.updated_at
            WHERE item_kind = 'answer' AND item_id = NEW.id;
            {_ITEM_FOR_ANSWER}
              AND NEW.free_text <> ''
              AND NOT EXISTS (SELECT 1 FROM review_items
                              WHERE item_kind = 'answer' AND item_id = NEW.id);
        END;
        """,  # noqa: S608 - only constant SQL is interpolated
    _ANSWER_REMOVAL,
)


@evidence(name="0002_export_sign_off")
def _export_sign_off(db: SqliteDatabase) -> None:
    # A lead approves an export for filing as they take it; the approval stays with its log.
    run_script(
        db,
        """
        ALTER TABLE export_log ADD COLUMN approved_by TEXT;
        ALTER TABLE export_log ADD COLUMN approved_role TEXT;
        ALTER TABLE export_log ADD COLUMN approved_at TEXT;
        """,
    )


# --- Migrations: engage.review ---

# Review: media answers and group notes in the review queue, and the "you said" page.
#
# Media answers and group notes join the review queue through triggers, as free-text answers
# do: saving one adds its review item, changing its words or consent updates the item, and
# removing or erasing it (so erasing a session) removes the item, its quotes and redactions.

review = Migrations("engage.review")

# A media answer's consent: 'report' lets the picture be shown, 'words' only what the person
# said about it, 'private' (or not chosen yet) neither. The session's own consent still applies.
_MEDIA_QUOTE = "CASE WHEN {m}.consent IN ('report', 'words') THEN 1 ELSE 0 END"
_MEDIA_SHOW = "CASE WHEN {m}.consent = 'report' THEN 1 ELSE 0 END"


def _media_item_sql(m: str, source: str) -> str:
    return f"""
    INSERT INTO review_items (campaign_id, item_kind, item_id, session_id, question_id,
                              statement_id, text, consent_quote, consent_media,
                              created_at, updated_at)
    SELECT s.campaign_id, 'media', {m}.id, {m}.session_id, {m}.question_id, q.statement_id,
           {m}.description, {_MEDIA_QUOTE.format(m=m)}, {_MEDIA_SHOW.format(m=m)},
           {m}.created_at, {m}.updated_at
    FROM {source}
    LEFT JOIN campaign_questions q
           ON q.campaign_id = s.campaign_id AND q.question_id = {m}.question_id
    """  # noqa: S608 - only constant SQL is interpolated


def _note_item_sql(n: str, source: str) -> str:
    # A group agreed to notes being taken; a note keeps only a speaker role, so its words may
    # be quoted once redaction is decided. A note is never media.
    return f"""
    INSERT INTO review_items (campaign_id, item_kind, item_id, session_id, question_id,
                              statement_id, text, consent_quote, consent_media,
                              created_at, updated_at)
    SELECT g.campaign_id, 'group_note', {n}.id, NULL, {n}.question_id, q.statement_id,
           {n}.note, 1, CASE WHEN {n}.photo_sha256 IS NULL THEN 0 ELSE 1 END,
           {n}.created_at, {n}.created_at
    FROM {source}
    LEFT JOIN campaign_questions q
           ON q.campaign_id = g.campaign_id AND q.question_id = {n}.question_id
    """  # noqa: S608 - only constant SQL is interpolated


_NEW_MEDIA = "respondent_sessions s"
_NEW_NOTE = "group_sessions g"
_MEDIA_REMOVAL = """
    CREATE TRIGGER media_items_review_delete AFTER DELETE ON media_items BEGIN
        DELETE FROM review_items WHERE item_kind = 'media' AND item_id = OLD.id;
    END;
    """
_NOTE_REMOVAL = """
    CREATE TRIGGER group_notes_review_delete AFTER DELETE ON group_notes BEGIN
        DELETE FROM review_items WHERE item_kind = 'group_note' AND item_id = OLD.id;
    END;
    """
_MEDIA_AND_NOTE_TRIGGERS = (
    f"""
    CREATE TRIGGER media_items_review_insert AFTER INSERT ON media_items BEGIN
        {_media_item_sql("NEW", _NEW_MEDIA)} WHERE s.id = NEW.session_id;
    END;
    """,
    f"""
    CREATE TRIGGER media_items_review_update AFTER UPDATE OF consent, description
    ON media_items BEGIN
        UPDATE quotes SET withdrawn_at = NEW.updated_at, withdrawn_reason = 'words changed'
        WHERE withdrawn_at IS NULL AND NEW.description IS NOT OLD.description
          AND review_item_id IN (SELECT id FROM review_items
                                 WHERE item_kind = 'media' AND item_id = NEW.id)
          AND substr(NEW.description, start_offset + 1, end_offset - start_offset)
              IS NOT original_text;
        DELETE FROM redactions WHERE NEW.description IS NOT OLD.description
          AND review_item_id IN (SELECT id FROM review_items
                                 WHERE item_kind = 'media' AND item_id = NEW.id);
        UPDATE review_items
           SET text = NEW.description,
               suggested_at = CASE WHEN NEW.description IS NOT OLD.description
                                   THEN NULL ELSE suggested_at END,
               consent_quote = {_MEDIA_QUOTE.format(m="NEW")},
               consent_media = {_MEDIA_SHOW.format(m="NEW")},
               updated_at = NEW.updated_at
         WHERE item_kind = 'media' AND item_id = NEW.id;
    END;
    """,  # noqa: S608 - only constant SQL is interpolated
    _MEDIA_REMOVAL,
    f"""
    CREATE TRIGGER group_notes_review_insert AFTER INSERT ON group_notes BEGIN
        {_note_item_sql("NEW", _NEW_NOTE)} WHERE g.id = NEW.group_session_id;
    END;
    """,
    _NOTE_REMOVAL,
)


@review(name="0001_media_notes_you_said_pictures")
def _media_notes_you_said_pictures(db: SqliteDatabase) -> None:
    run_script(
        db,
        """
        ALTER TABLE campaigns ADD COLUMN you_said_published_at TEXT;
        -- A flip-chart photo from a group session is a note whose words describe it.
        ALTER TABLE group_notes ADD COLUMN photo_sha256 TEXT;
        ALTER TABLE group_notes ADD COLUMN photo_thumb_sha256 TEXT;
        ALTER TABLE group_notes ADD COLUMN photo_mime TEXT;
        -- A lead's own picture for a question: two sizes in the blob store, with alt text.
        CREATE TABLE campaign_pictures (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            alt TEXT NOT NULL CHECK (alt <> ''),
            large_sha256 TEXT NOT NULL,
            small_sha256 TEXT NOT NULL,
            mime TEXT NOT NULL,
            uploaded_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX campaign_pictures_campaign ON campaign_pictures(campaign_id);
        """,
    )
    for trigger in _MEDIA_AND_NOTE_TRIGGERS:
        db.execute(trigger)
    # Media answers and notes saved before this migration join the review queue too.
    db.execute(
        _media_item_sql("m", "media_items m JOIN respondent_sessions s ON s.id = m.session_id")
    )
    db.execute(
        _note_item_sql("n", "group_notes n JOIN group_sessions g ON g.id = n.group_session_id")
    )


# --- the words of an item change: redactions and quotes follow the words ---
#
# A redaction or a quote points at offsets in an item's words. When a person edits an answer or
# a media description, or an advocate edits a note, the same words may sit somewhere else now,
# or be gone. The triggers below carry every confirmed redaction (a lead's own ones are
# confirmed when made) to each place its words appear in the new text, and move each quote to
# where its words still are. A redaction whose words are gone is dropped and a quote whose words
# are gone is withdrawn. An item that had a quote, or lost a redaction, is marked "the words
# changed: decide again" (`words_changed_at`): none of its quotes leaves the review team until a
# lead has looked again. Undecided and rejected suggestions go; new ones are suggested for the
# new words, as for any new item.

_PACK = 10_000_000  # more than any item's length in characters

# The SQL function the triggers find words with. Every connection that writes words must
# have it (engage.store.connect registers it); without it such a write fails instead of
# leaving redactions behind.
WORD_OFFSETS = "engage_word_offsets"


def word_offsets(text: str | None, words: str | None, whole_words: int) -> str:
    """Return, as a JSON list, every offset at which `words` occur in `text`.

    With `whole_words`, words that begin or end with a letter or digit must not run on into
    a longer word, so a redacted "Al" is not carried into "Also" (but is into "Al's").
    Offsets count characters, as SQLite's substr() and Python's str do.
    """
    found: list[int] = []
    if not text or not words:
        return "[]"
    at = text.find(words)
    while at >= 0:
        end = at + len(words)
        starts_clear = at == 0 or not (words[0].isalnum() and text[at - 1].isalnum())
        ends_clear = end == len(text) or not (words[-1].isalnum() and text[end].isalnum())
        if not whole_words or (starts_clear and ends_clear):
            found.append(at)
        at = text.find(words, at + 1)
    return json.dumps(found)


def _words_change_sql(kind: str, new_text: str, stamp: str, engine: str = SQLITE) -> str:
    """Return the statements that carry an item's redactions and quotes to its new words.

    They run before the review item's own text is replaced, so `review_items.text` is still
    the old text the stored offsets refer to.
    """
    item = (
        f"(SELECT id FROM review_items WHERE item_kind = '{kind}' "  # noqa: S608 - constant SQL
        "AND item_id = NEW.id)"
    )
    old_text = f"(SELECT text FROM review_items WHERE id = {item})"  # noqa: S608

    def words(text: str, r: str) -> str:
        return f"substr({text}, {r}.start_offset + 1, {r}.end_offset - {r}.start_offset)"

    def offsets(found: str, whole_words: int = 1) -> str:
        # SQLite's function gives a JSON list; PostgreSQL's gives a set of rows.
        found_at = f"{WORD_OFFSETS}({new_text}, {found}, {whole_words})"
        return f"json_each({found_at})" if engine == SQLITE else found_at

    def still_there(r: str) -> str:
        return f"EXISTS (SELECT 1 FROM {offsets(words(old_text, r))})"  # noqa: S608

    def nearest(found: str, start: str, whole_words: int) -> str:
        # The offset closest to where the words were. SQLite cannot ORDER BY an outer column
        # in a subquery, so distance and offset are packed into one number to take MIN of.
        return (
            f"(SELECT MIN(abs(p.value - {start}) * {_PACK} + p.value) % {_PACK} "  # noqa: S608
            f"FROM {offsets(found, whole_words)} p)"
        )

    redaction_nearest = nearest(words(old_text, "redactions"), "redactions.start_offset", 1)
    quote_nearest = nearest("original_text", "start_offset", 0)
    # Two redactions of the same words find the same new places: one copy of each place is
    # added, with the earliest redaction's details. SQLite takes them from a group's first row
    # and PostgreSQL, which has no bare columns in a GROUP BY, from DISTINCT ON.
    span = "p.value, p.value + r.end_offset - r.start_offset"
    first, each_place = "", f"GROUP BY {span}"
    if engine != SQLITE:
        first, each_place = f"DISTINCT ON ({span}) ", f"ORDER BY {span}, r.id"
    return f"""
        UPDATE review_items
           SET words_changed_at = {stamp}, previous_text = COALESCE(previous_text, text)
         WHERE id = {item}
           AND (EXISTS (SELECT 1 FROM quotes q
                        WHERE q.review_item_id = review_items.id AND q.withdrawn_at IS NULL)
                OR EXISTS (SELECT 1 FROM redactions r
                           WHERE r.review_item_id = review_items.id AND r.status = 'confirmed'
                             AND NOT {still_there("r")}));
        DELETE FROM redactions WHERE review_item_id = {item} AND status <> 'confirmed';
        DELETE FROM redactions
         WHERE review_item_id = {item} AND NOT {still_there("redactions")};
        UPDATE redactions
           SET start_offset = {redaction_nearest},
               end_offset = {redaction_nearest} + end_offset - start_offset
         WHERE review_item_id = {item};
        DELETE FROM redactions WHERE review_item_id = {item} AND id NOT IN
            (SELECT MIN(id) FROM redactions WHERE review_item_id = {item}
             GROUP BY start_offset, end_offset);
        INSERT INTO redactions (review_item_id, start_offset, end_offset, kind, source, status,
                                decided_by, decided_at, created_at)
        SELECT {first}r.review_item_id, p.value, p.value + r.end_offset - r.start_offset, r.kind,
               r.source, r.status, r.decided_by, r.decided_at, r.created_at
          FROM redactions r, {offsets(words(new_text, "r"))} p
         WHERE r.review_item_id = {item}
           AND NOT EXISTS (SELECT 1 FROM redactions x
                           WHERE x.review_item_id = r.review_item_id AND x.start_offset = p.value
                             AND x.end_offset = p.value + r.end_offset - r.start_offset)
         {each_place};
        UPDATE quotes SET withdrawn_at = {stamp}, withdrawn_reason = 'words changed',
                          updated_at = {stamp}
         WHERE withdrawn_at IS NULL AND review_item_id = {item}
           AND {position(engine, new_text, "original_text")} = 0;
        UPDATE quotes SET start_offset = {quote_nearest},
                          end_offset = {quote_nearest} + length(original_text)
         WHERE withdrawn_at IS NULL AND review_item_id = {item};
    """  # noqa: S608 - only constant SQL is interpolated


def _language_sql(kind: str) -> str:
    return f"""
        UPDATE review_items SET language = NEW.language
         WHERE item_kind = '{kind}' AND item_id = NEW.id;
    """  # noqa: S608 - only constant SQL is interpolated


_ANSWER_ITEM = """
    INSERT INTO review_items (campaign_id, item_kind, item_id, session_id, question_id,
                              statement_id, text, language, created_at, updated_at)
    SELECT s.campaign_id, 'answer', NEW.id, NEW.session_id, NEW.question_id, q.statement_id,
           NEW.free_text, NEW.language, NEW.updated_at, NEW.updated_at
    FROM respondent_sessions s
    LEFT JOIN campaign_questions q
           ON q.campaign_id = s.campaign_id AND q.question_id = NEW.question_id
    WHERE s.id = NEW.session_id
"""


def following_triggers(engine: str) -> tuple[str, ...]:
    """Return the triggers that keep review items in step with the words, in SQLite's form.

    Saving words adds their item; changing them carries the item's redactions and quotes
    along (see above). `trigger_statements` makes them on either engine.
    """
    # Notes saved before they had updated_at carry none; a change must still be dated, or a
    # withdrawn quote and a "decide again" mark would be lost.
    note_stamp = f"COALESCE(NEW.updated_at, {now_utc(engine)})"
    return (
        f"""
    CREATE TRIGGER answers_review_insert AFTER INSERT ON answers
    WHEN NEW.free_text <> '' BEGIN
        {_ANSWER_ITEM};
    END;
        """,
        f"""
    CREATE TRIGGER answers_review_update AFTER UPDATE OF free_text, language ON answers
    WHEN {differs(engine, "NEW.free_text", "OLD.free_text")} BEGIN
        DELETE FROM review_items
         WHERE item_kind = 'answer' AND item_id = NEW.id AND NEW.free_text = '';
        {_words_change_sql("answer", "NEW.free_text", "NEW.updated_at", engine)}
        UPDATE review_items SET text = NEW.free_text, language = NEW.language,
                                suggested_at = NULL, updated_at = NEW.updated_at
         WHERE item_kind = 'answer' AND item_id = NEW.id;
        {_ANSWER_ITEM}
          AND NEW.free_text <> ''
          AND NOT EXISTS (SELECT 1 FROM review_items
                          WHERE item_kind = 'answer' AND item_id = NEW.id);
    END;
        """,  # noqa: S608 - only constant SQL is interpolated
        f"""
    CREATE TRIGGER media_items_review_insert AFTER INSERT ON media_items BEGIN
        {_media_item_sql("NEW", _NEW_MEDIA)} WHERE s.id = NEW.session_id;
        {_language_sql("media")}
    END;
        """,
        f"""
    CREATE TRIGGER media_items_review_words AFTER UPDATE OF description, language
    ON media_items WHEN {differs(engine, "NEW.description", "OLD.description")} BEGIN
        {_words_change_sql("media", "NEW.description", "NEW.updated_at", engine)}
        UPDATE review_items SET text = NEW.description, language = NEW.language,
                                suggested_at = NULL, updated_at = NEW.updated_at
         WHERE item_kind = 'media' AND item_id = NEW.id;
    END;
        """,  # noqa: S608 - only constant SQL is interpolated
        f"""
    CREATE TRIGGER media_items_review_update AFTER UPDATE OF consent ON media_items BEGIN
        UPDATE review_items
           SET consent_quote = {_MEDIA_QUOTE.format(m="NEW")},
               consent_media = {_MEDIA_SHOW.format(m="NEW")},
               updated_at = NEW.updated_at
         WHERE item_kind = 'media' AND item_id = NEW.id;
    END;
        """,  # noqa: S608 - only constant SQL is interpolated
        f"""
    CREATE TRIGGER group_notes_review_insert AFTER INSERT ON group_notes BEGIN
        {_note_item_sql("NEW", _NEW_NOTE)} WHERE g.id = NEW.group_session_id;
        {_language_sql("group_note")}
    END;
        """,
        f"""
    CREATE TRIGGER group_notes_review_update AFTER UPDATE OF note, language ON group_notes
    WHEN {differs(engine, "NEW.note", "OLD.note")} BEGIN
        {_words_change_sql("group_note", "NEW.note", note_stamp, engine)}
        UPDATE review_items SET text = NEW.note, language = NEW.language, suggested_at = NULL,
                                updated_at = {note_stamp}
         WHERE item_kind = 'group_note' AND item_id = NEW.id;
    END;
        """,  # noqa: S608 - only constant SQL is interpolated
    )


def removal_triggers() -> tuple[str, ...]:
    """Return the triggers that remove a review item with its words, in SQLite's form."""
    return (_ANSWER_REMOVAL, _MEDIA_REMOVAL, _NOTE_REMOVAL)


@review(name="0002_redactions_follow_the_words")
def _redactions_follow_the_words(db: SqliteDatabase) -> None:
    run_script(
        db,
        """
        -- Set while an item's words changed under a quote or a redaction, until a lead decides
        -- again; previous_text keeps the words as they were when the lead last decided.
        ALTER TABLE review_items ADD COLUMN words_changed_at TEXT;
        ALTER TABLE review_items ADD COLUMN previous_text TEXT;
        -- The language the words were written in: the person's language when they wrote them,
        -- not the language their pages are in now.
        ALTER TABLE review_items ADD COLUMN language TEXT;
        ALTER TABLE answers ADD COLUMN language TEXT;
        ALTER TABLE media_items ADD COLUMN language TEXT;
        ALTER TABLE group_notes ADD COLUMN language TEXT;
        ALTER TABLE group_notes ADD COLUMN updated_at TEXT;
        DROP TRIGGER answers_review_insert;
        DROP TRIGGER answers_review_update;
        DROP TRIGGER media_items_review_insert;
        DROP TRIGGER media_items_review_update;
        DROP TRIGGER group_notes_review_insert;
        -- Words written before now: the best record of their language is the session's.
        UPDATE answers SET language = (SELECT language FROM respondent_sessions s
                                       WHERE s.id = answers.session_id);
        UPDATE media_items SET language = (SELECT language FROM respondent_sessions s
                                           WHERE s.id = media_items.session_id);
        UPDATE group_notes SET updated_at = created_at,
            language = (SELECT json_extract(c.languages, '$[0]') FROM group_sessions g
                        JOIN campaigns c ON c.id = g.campaign_id
                        WHERE g.id = group_notes.group_session_id);
        UPDATE review_items SET language = CASE item_kind
            WHEN 'answer' THEN (SELECT language FROM answers WHERE id = review_items.item_id)
            WHEN 'media' THEN (SELECT language FROM media_items WHERE id = review_items.item_id)
            ELSE (SELECT language FROM group_notes WHERE id = review_items.item_id) END;
        """,
    )
    for trigger in following_triggers(SQLITE):
        db.execute(trigger)
