"""Queries the app reads through; none of them write."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database


def _one(db: Database, sql: str, params: list | dict) -> dict | None:
    row = db.execute(sql, params).fetchone()
    return dict(row) if row else None


def campaign_by_code(db: Database, code: str) -> dict | None:
    """Return the campaign with this link code, or None."""
    campaign = _one(db, "SELECT * FROM campaigns WHERE code = ?", [code])
    if campaign:
        for key in ("statement_ids", "respondent_groups", "languages"):
            campaign[key] = json.loads(campaign[key])
    return campaign


def content_generation(db: Database) -> int:
    """Return the number that changes whenever anything a respondent page shows changes."""
    return db.execute("SELECT value FROM content_generation").fetchone()[0]


def campaign_questions(db: Database, campaign_id: int) -> list[dict]:
    """Return the campaign's questions in order, with their content decoded."""
    rows = db.execute(
        "SELECT * FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
        [campaign_id],
    ).fetchall()
    return [_question(row) for row in rows]


def _question(row) -> dict:
    question = dict(row)
    question["content"] = json.loads(question["content"])
    return question


def respondent_session(db: Database, session_id: int) -> dict | None:
    """Return a respondent session by id."""
    return _session(_one(db, "SELECT * FROM respondent_sessions WHERE id = ?", [session_id]))


# A typed B, S or Z may be the 8, 5 or 2 of a code, and codes made before those letters left
# the alphabet may hold the letters: both sides are compared with each look-alike read as
# its digit, after an exact match is tried.
def _look_alikes_as_digits(expression: str) -> str:
    return f"REPLACE(REPLACE(REPLACE({expression}, 'B', '8'), 'S', '5'), 'Z', '2')"


def resume_code_key(resume_code: str) -> str:
    """Return a code with its look-alike letters read as digits (B as 8, S as 5, Z as 2)."""
    return resume_code.replace("B", "8").replace("S", "5").replace("Z", "2")


def session_by_resume_code(db: Database, campaign_id: int, resume_code: str) -> dict | None:
    """Return the campaign's session with this resume code (look-alikes allowed), or None."""
    exact = _one(
        db,
        "SELECT * FROM respondent_sessions WHERE campaign_id = ? AND resume_code = ?",
        [campaign_id, resume_code],
    )
    if exact is not None:
        return _session(exact)
    rows = db.execute(
        "SELECT * FROM respondent_sessions WHERE campaign_id = ? "  # noqa: S608
        f"AND {_look_alikes_as_digits('resume_code')} = ? LIMIT 2",
        [campaign_id, resume_code_key(resume_code)],
    ).fetchall()
    # Two old codes that differ only by a look-alike: ask for the code as written instead.
    return _session(dict(rows[0])) if len(rows) == 1 else None


def _session(row: dict | None) -> dict | None:
    if row:
        row["settings"] = json.loads(row["settings"])
    return row


def answers_for_session(db: Database, session_id: int) -> dict[str, dict]:
    """Return a session's answers keyed by question id."""
    rows = db.execute("SELECT * FROM answers WHERE session_id = ?", [session_id]).fetchall()
    return {row["question_id"]: dict(row) for row in rows}


def answer_to(db: Database, session_id: int, question_id: str) -> dict | None:
    """Return a session's answer to one question, with whether it has media answers too.

    A draft, left when the person went elsewhere before saving, wins over the saved answer.
    """
    return _one(
        db,
        "SELECT COALESCE(d.value, a.value) AS value, "
        "CASE WHEN d.session_id IS NULL THEN a.free_text ELSE d.free_text END AS free_text, "
        "EXISTS (SELECT 1 FROM media_items m "
        "WHERE m.session_id = :session AND m.question_id = :question) AS has_media "
        "FROM (SELECT 1) LEFT JOIN answers a "
        "ON a.session_id = :session AND a.question_id = :question "
        "LEFT JOIN answer_drafts d ON d.session_id = :session AND d.question_id = :question",
        {"session": session_id, "question": question_id},
    )


def campaign_responses(db: Database, campaign_id: int) -> list[dict]:
    """Return every saved answer of a campaign with who gave it and how.

    `language` is the language the answer's words were written in. `redactions` lists the
    spans of the words that are redacted or still waiting for a lead's decision, as
    (start, end, kind): everything but what a lead chose to keep.
    """
    rows = db.execute(
        """
        SELECT a.question_id, q.statement_id, a.value, a.free_text,
               s.id AS session_id, s.respondent_group, s.answered_how, s.answered_offline,
               COALESCE(a.language, s.language) AS language,
               a.created_at, a.updated_at, s.finished_at,
               (SELECT json_group_array(json_array(r.start_offset, r.end_offset, r.kind))
                  FROM review_items ri JOIN redactions r ON r.review_item_id = ri.id
                 WHERE ri.item_kind = 'answer' AND ri.item_id = a.id
                   AND r.status <> 'rejected') AS redactions
        FROM answers a
        JOIN respondent_sessions s ON s.id = a.session_id
        JOIN campaign_questions q ON q.campaign_id = s.campaign_id AND q.question_id = a.question_id
        WHERE s.campaign_id = ?
        ORDER BY s.id, q.position
        """,
        [campaign_id],
    ).fetchall()
    responses = []
    for row in rows:
        response = dict(row)
        response["redactions"] = [tuple(r) for r in json.loads(response["redactions"])]
        responses.append(response)
    return responses


# --- staff ---


def user_by_id(db: Database, user_id: int) -> dict | None:
    """Return a staff account by id."""
    return _one(db, "SELECT * FROM users WHERE id = ?", [user_id])


def user_by_email(db: Database, email: str) -> dict | None:
    """Return a staff account by e-mail address (any case)."""
    return _one(db, "SELECT * FROM users WHERE email = ?", [email.strip()])


def staff_session_by_token_hash(db: Database, token_hash: str) -> dict | None:
    """Return the staff session whose cookie token has this hash, or None."""
    return _one(db, "SELECT * FROM staff_sessions WHERE token_hash = ?", [token_hash])


def handover_by_token_hash(db: Database, token_hash: str) -> dict | None:
    """Return the tablet hand-over whose token has this hash, or None."""
    return _one(db, "SELECT * FROM assist_handovers WHERE token_hash = ?", [token_hash])


def count_users(db: Database, role: str | None = None) -> int:
    """Count staff accounts, optionally of one role."""
    if role:
        return db.execute("SELECT COUNT(*) FROM users WHERE role = ?", [role]).fetchone()[0]
    return db.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def audit_entries(db: Database, limit: int = 200, offset: int = 0) -> list[dict]:
    """Return audit entries, newest first, with the staff member's name."""
    rows = db.execute(
        "SELECT a.*, u.name AS user_name FROM audit_log a LEFT JOIN users u ON u.id = a.user_id "
        "ORDER BY a.id DESC LIMIT ? OFFSET ?",
        [limit, offset],
    ).fetchall()
    return [dict(row) for row in rows]


def campaign_overview(db: Database) -> list[dict]:
    """Return every campaign with counts of people who started and finished."""
    rows = db.execute(
        """
        SELECT c.*, COUNT(s.id) AS started, COUNT(s.finished_at) AS finished
        FROM campaigns c LEFT JOIN respondent_sessions s ON s.campaign_id = c.id
        GROUP BY c.id ORDER BY c.created_at DESC, c.id DESC
        """
    ).fetchall()
    return [dict(row) for row in rows]


# --- setup ---


def users_all(db: Database) -> list[dict]:
    """Return every staff account, leads first, then by name."""
    rows = db.execute(
        "SELECT id, email, name, role, active, created_at FROM users "
        "ORDER BY active DESC, CASE role WHEN 'lead' THEN 0 ELSE 1 END, name COLLATE NOCASE"
    ).fetchall()
    return [dict(row) for row in rows]


def invitation_by_id(db: Database, invitation_id: int) -> dict | None:
    """Return an invitation by id, or None."""
    return _one(db, "SELECT * FROM invitations WHERE id = ?", [invitation_id])


def invitation_by_token_hash(db: Database, token_hash: str) -> dict | None:
    """Return the invitation whose token has this hash, or None."""
    return _one(db, "SELECT * FROM invitations WHERE token_hash = ?", [token_hash])


def pending_invitations(db: Database, at: str) -> list[dict]:
    """Return invitations not yet used and not expired at a time, newest first."""
    rows = db.execute(
        "SELECT i.id, i.email, i.role, i.created_at, i.expires_at, u.name AS invited_by_name "
        "FROM invitations i JOIN users u ON u.id = i.invited_by "
        "WHERE i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ? "
        "AND u.active = 1 AND u.role = 'lead' ORDER BY i.id DESC",
        [at],
    ).fetchall()
    return [dict(row) for row in rows]


def campaign_question(db: Database, campaign_id: int, question_id: str) -> dict | None:
    """Return one of the campaign's questions with its content decoded, or None."""
    row = db.execute(
        "SELECT * FROM campaign_questions WHERE campaign_id = ? AND question_id = ?",
        [campaign_id, question_id],
    ).fetchone()
    return _question(row) if row else None


def answered_statements(db: Database, campaign_id: int) -> set[str]:
    """Return the statements of a campaign that already have answers."""
    rows = db.execute(
        """
        SELECT DISTINCT q.statement_id FROM answers a
        JOIN respondent_sessions s ON s.id = a.session_id
        JOIN campaign_questions q ON q.campaign_id = s.campaign_id AND q.question_id = a.question_id
        WHERE s.campaign_id = ?
        """,
        [campaign_id],
    ).fetchall()
    return {row[0] for row in rows}


def extra_terms(db: Database, campaign_id: int | None = None) -> list[dict]:
    """Return the words to avoid: every campaign's, plus one campaign's own when asked."""
    rows = db.execute(
        "SELECT t.*, c.title AS campaign_title FROM extra_terms t "
        "LEFT JOIN campaigns c ON c.id = t.campaign_id "
        "WHERE t.campaign_id IS NULL OR t.campaign_id = ? ORDER BY t.term COLLATE NOCASE",
        [campaign_id],
    ).fetchall()
    return [dict(row) for row in rows]


def all_extra_terms(db: Database) -> list[dict]:
    """Return every word to avoid, whichever campaign it belongs to."""
    rows = db.execute(
        "SELECT t.*, c.title AS campaign_title FROM extra_terms t "
        "LEFT JOIN campaigns c ON c.id = t.campaign_id ORDER BY t.term COLLATE NOCASE"
    ).fetchall()
    return [dict(row) for row in rows]


def extra_term_exists(db: Database, campaign_id: int | None, term: str) -> bool:
    """Say whether a word is already on the list for the same campaign (or for all)."""
    return bool(
        db.execute(
            "SELECT 1 FROM extra_terms WHERE IFNULL(campaign_id, 0) = ? AND term = ?",
            [campaign_id or 0, term],
        ).fetchone()
    )


# --- evidence ---

# The one rule for what safeguarding keeps out of evidence. A session (a person's, or an
# advocate's group session) is held while any flag on it awaits a lead's decision, and for
# good once a lead referred it: a disclosure of harm is not feedback. "Could not contact" is
# a decision that leaves the flag open for another: the session stays held until a lead
# records "no concern", which releases it. Every path that lets evidence out asks
# `held_for_safeguarding`; the review pages test the same subqueries inside their own SQL.
_HOLDING = "status IN ('open', 'referred', 'could_not_contact')"
_HELD_SESSIONS = (
    f"SELECT session_id FROM safeguarding_flags WHERE session_id IS NOT NULL AND {_HOLDING}"
)
_HELD_GROUP_SESSIONS = (
    "SELECT group_session_id FROM safeguarding_flags "
    f"WHERE group_session_id IS NOT NULL AND {_HOLDING}"
)
# A left join finds no session for a group note: NULL IN (...) is NULL, so say 0.
_SESSION_HELD = f"COALESCE(s.id IN ({_HELD_SESSIONS}), 0)"
# A group note is held while its group session is.
_NOTE_HELD = (
    "EXISTS (SELECT 1 FROM group_notes n WHERE ri.item_kind = 'group_note' "
    f"AND n.id = ri.item_id AND n.group_session_id IN ({_HELD_GROUP_SESSIONS}))"
)
# Group notes have no respondent session: their group comes from the group session.
_ITEM_WHO = (
    "COALESCE(s.respondent_group, (SELECT g.respondent_group FROM group_notes n "
    "JOIN group_sessions g ON g.id = n.group_session_id WHERE ri.item_kind = 'group_note' "
    "AND n.id = ri.item_id)) AS respondent_group, "
    "COALESCE(s.answered_how, CASE WHEN ri.item_kind = 'group_note' THEN 'group' END) "
    "AS answered_how, "
    "(SELECT n.group_session_id FROM group_notes n WHERE ri.item_kind = 'group_note' "
    "AND n.id = ri.item_id) AS group_session_id"
)
# An item may be quoted or shown only if both the session and the item itself allow it (a
# media answer has its own consent as well as the session's).
_ITEM_CONSENT = (
    "COALESCE(MIN(s.consent_quote, ri.consent_quote), s.consent_quote, ri.consent_quote, 0) "
    "AS quote_consent, "
    "COALESCE(MIN(s.consent_media, ri.consent_media), s.consent_media, ri.consent_media, 0) "
    "AS media_consent"
)

# The spans a lead redacted in an item's words, as a JSON list of [start, end, kind].
_CONFIRMED_REDACTIONS = (
    "(SELECT json_group_array(json_array(r.start_offset, r.end_offset, r.kind)) "
    "FROM redactions r WHERE r.review_item_id = ri.id AND r.status = 'confirmed') "
    "AS confirmed_redactions"
)

_ITEM_CONTEXT = (
    """
    SELECT ri.*, """
    + _ITEM_WHO
    + """, s.is_synthetic, COALESCE(ri.language, s.language) AS language,
           """
    + _ITEM_CONSENT
    + """,
           MAX("""
    + _SESSION_HELD
    + ", "
    + _NOTE_HELD
    + """, ri.held_for_safeguarding) AS held,
           q.content AS question_content,
           (SELECT COUNT(*) FROM redactions r
             WHERE r.review_item_id = ri.id AND r.status = 'suggested') AS pending_redactions,
           (SELECT COUNT(*) FROM quotes x
             WHERE x.review_item_id = ri.id AND x.withdrawn_at IS NULL) AS quotes,
           """
    + _CONFIRMED_REDACTIONS
    + """
    FROM review_items ri
    LEFT JOIN respondent_sessions s ON s.id = ri.session_id
    LEFT JOIN campaign_questions q
           ON q.campaign_id = ri.campaign_id AND q.question_id = ri.question_id
"""
)


def _item(row) -> dict:
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
        f"{_ITEM_CONTEXT} WHERE {' AND '.join(where)} ORDER BY ri.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return [_item(row) for row in rows]


def next_review_item_id(db: Database, campaign_id: int, after_id: int) -> int | None:
    """Return the id of the campaign's review item after this one in the queue, if any."""
    row = db.execute(
        "SELECT MIN(id) FROM review_items WHERE campaign_id = ? AND id > ?", [campaign_id, after_id]
    ).fetchone()
    return row[0]


def review_item(db: Database, review_item_id: int) -> dict | None:
    """Return one review item with its context, redactions and quotes."""
    row = db.execute(f"{_ITEM_CONTEXT} WHERE ri.id = ?", [review_item_id]).fetchone()
    if row is None:
        return None
    item = _item(row)
    item["redactions"] = item_redactions(db, review_item_id)
    item["quote_list"] = item_quotes(db, review_item_id)
    return item


def item_redactions(db: Database, review_item_id: int) -> list[dict]:
    """Return an item's redactions in text order, with the words each covers."""
    rows = db.execute(
        "SELECT r.*, substr(ri.text, r.start_offset + 1, r.end_offset - r.start_offset) "
        "AS words FROM redactions r JOIN review_items ri ON ri.id = r.review_item_id "
        "WHERE r.review_item_id = ? ORDER BY r.start_offset, r.id",
        [review_item_id],
    ).fetchall()
    return [dict(row) for row in rows]


def item_quotes(db: Database, review_item_id: int) -> list[dict]:
    """Return an item's quotes, withdrawn ones too, each with its statement_ids."""
    rows = db.execute(
        "SELECT q.*, (SELECT json_group_array(statement_id) FROM quote_statements t "
        "WHERE t.quote_id = q.id) AS statement_ids FROM quotes q "
        "WHERE q.review_item_id = ? ORDER BY q.start_offset, q.id",
        [review_item_id],
    ).fetchall()
    return [_quote(row) for row in rows]


def _quote(row) -> dict:
    quote = dict(row)
    quote["statement_ids"] = json.loads(quote["statement_ids"] or "[]")
    return quote


def quote_by_ref(db: Database, campaign_id: int, evidence_ref: str) -> dict | None:
    """Return the campaign's quote with this evidence reference, or None."""
    row = db.execute(
        "SELECT q.*, (SELECT json_group_array(statement_id) FROM quote_statements t "
        "WHERE t.quote_id = q.id) AS statement_ids FROM quotes q "
        "WHERE q.campaign_id = ? AND q.evidence_ref = ?",
        [campaign_id, evidence_ref],
    ).fetchone()
    return _quote(row) if row else None


def items_needing_suggestions(db: Database, campaign_id: int) -> list[dict]:
    """Return the id and words of each item whose redactions have not been suggested."""
    rows = db.execute(
        "SELECT id, text FROM review_items WHERE campaign_id = ? AND suggested_at IS NULL "
        "AND text <> '' ORDER BY id",
        [campaign_id],
    ).fetchall()
    return [dict(row) for row in rows]


def redaction_names(db: Database, campaign_id: int) -> list[str]:
    """Return the names a campaign's redaction suggestions always look for."""
    rows = db.execute(
        "SELECT name FROM campaign_redaction_names WHERE campaign_id = ? ORDER BY name",
        [campaign_id],
    ).fetchall()
    return [row["name"] for row in rows]


def suggested_item_texts(db: Database, campaign_id: int) -> list[dict]:
    """Return the id and words of each item of a campaign whose redactions were suggested."""
    rows = db.execute(
        "SELECT id, text FROM review_items WHERE campaign_id = ? AND suggested_at IS NOT NULL "
        "AND text <> '' ORDER BY id",
        [campaign_id],
    ).fetchall()
    return [dict(row) for row in rows]


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search_items(db: Database, campaign_id: int, query: str, limit: int = 50) -> list[dict]:
    """Return the campaign's review items whose words contain every term of `query`.

    Terms match anywhere inside a word (a trigram index), so "gofal" finds "ngofal". Each
    term is quoted, so punctuation and FTS or SQL syntax in a query are only searched for.
    Terms shorter than three characters, which a trigram index cannot look up, are matched
    by a plain scan of the items the longer terms found.
    """
    terms = query.split()
    if not terms:
        return []
    long_terms = [t for t in terms if len(t) >= 3]
    short_terms = [t for t in terms if len(t) < 3]
    sql = _ITEM_CONTEXT
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
    return [_item(row) for row in rows]


def we_will(db: Database, campaign_id: int) -> dict[str, str]:
    """Return the campaign's "we will" text for each statement that has one."""
    rows = db.execute(
        "SELECT statement_id, text FROM we_will WHERE campaign_id = ?", [campaign_id]
    ).fetchall()
    return {row["statement_id"]: row["text"] for row in rows}


def export_log(db: Database, campaign_id: int) -> list[dict]:
    """Return the campaign's exports, newest first."""
    rows = db.execute(
        "SELECT * FROM export_log WHERE campaign_id = ? ORDER BY id DESC", [campaign_id]
    ).fetchall()
    return [dict(row) for row in rows]


def evidence_answers(db: Database, campaign_id: int):
    """Yield every scale answer of a campaign with who gave it and how."""
    yield from db.execute(
        """
        SELECT s.id AS session_id, q.statement_id, a.question_id, a.value,
               s.respondent_group, s.answered_how, s.language
        FROM answers a
        JOIN respondent_sessions s ON s.id = a.session_id
        JOIN campaign_questions q ON q.campaign_id = s.campaign_id AND q.question_id = a.question_id
        WHERE s.campaign_id = ?
        """,
        [campaign_id],
    )


def evidence_answer_dates(db: Database, campaign_id: int) -> tuple[str, str]:
    """Return the first and last time anyone answered, people or group tallies ("" if none)."""
    row = db.execute(
        """
        SELECT MIN(at) AS first, MAX(at) AS last FROM (
            SELECT a.updated_at AS at FROM answers a
            JOIN respondent_sessions s ON s.id = a.session_id WHERE s.campaign_id = ?
            UNION ALL
            SELECT t.updated_at FROM group_tallies t
            JOIN group_sessions g ON g.id = t.group_session_id WHERE g.campaign_id = ?
        )
        """,
        [campaign_id, campaign_id],
    ).fetchone()
    return row["first"] or "", row["last"] or ""


def evidence_group_tallies(db: Database, campaign_id: int):
    """Yield every group tally of a campaign: one row per question, counts as JSON.

    Each row is a whole group's record (answered_how 'group'), with its group session.
    """
    yield from db.execute(
        """
        SELECT t.group_session_id, q.statement_id, t.question_id, t.counts, t.total,
               t.answered_how, t.updated_at, g.respondent_group
        FROM group_tallies t
        JOIN group_sessions g ON g.id = t.group_session_id
        JOIN campaign_questions q ON q.campaign_id = g.campaign_id AND q.question_id = t.question_id
        WHERE g.campaign_id = ?
        ORDER BY t.group_session_id, q.position
        """,
        [campaign_id],
    )


def evidence_quotes(db: Database, campaign_id: int):
    """Yield every quote of a campaign with its item's words, redactions and context."""
    yield from db.execute(
        """
        SELECT qt.evidence_ref, qt.start_offset, qt.end_offset, qt.strength,
               qt.english_translation, qt.withdrawn_at,
               ri.text AS item_text, ri.included, ri.suggested_at, ri.created_at AS item_date,
               ri.words_changed_at, COALESCE(ri.language, s.language) AS language,
               """
        + _ITEM_WHO
        + """,
               """
        + _ITEM_CONSENT
        + """,
               ri.session_id, ri.held_for_safeguarding AS item_held,
               (SELECT json_group_array(statement_id) FROM quote_statements t
                 WHERE t.quote_id = qt.id) AS statement_ids,
               (SELECT json_group_array(json_array(r.start_offset, r.end_offset, r.kind))
                  FROM redactions r
                 WHERE r.review_item_id = ri.id AND r.status = 'confirmed')
                 AS confirmed_redactions,
               (SELECT COUNT(*) FROM redactions r
                 WHERE r.review_item_id = ri.id AND r.status = 'suggested')
                 AS pending_redactions
        FROM quotes qt
        JOIN review_items ri ON ri.id = qt.review_item_id
        LEFT JOIN respondent_sessions s ON s.id = ri.session_id
        WHERE qt.campaign_id = ?
        ORDER BY qt.statement_id, qt.id
        """,
        [campaign_id],
    )


def evidence_media(db: Database, campaign_id: int) -> list[dict]:
    """Return the campaign's media items with their descriptions and consent."""
    rows = db.execute(
        f"{_ITEM_CONTEXT} WHERE ri.campaign_id = ? AND ri.item_kind = 'media' ORDER BY ri.id",
        [campaign_id],
    ).fetchall()
    return [_item(row) for row in rows]


def evidence_participants(db: Database, campaign_id: int):
    """Yield each session of a campaign: who, how, in which language, finished."""
    yield from db.execute(
        "SELECT s.id, s.respondent_group, s.answered_how, s.language, s.finished_at "
        "FROM respondent_sessions s WHERE s.campaign_id = ?",
        [campaign_id],
    )


def evidence_group_sessions(db: Database, campaign_id: int):
    """Yield each group session of a campaign that counted anyone, oldest first.

    `people` is the most people who answered any one of its questions: those present who
    chose no answer at all are not counted as taking part.
    """
    yield from db.execute(
        """
        SELECT g.id, g.place, g.respondent_group, g.group_size, g.created_at, g.finished_at,
               MAX(t.total) AS people
        FROM group_sessions g JOIN group_tallies t ON t.group_session_id = g.id
        WHERE g.campaign_id = ?
        GROUP BY g.id HAVING MAX(t.total) > 0
        ORDER BY g.created_at, g.id
        """,
        [campaign_id],
    )


# --- assist ---


def open_campaigns(db: Database) -> list[dict]:
    """Return the campaigns taking answers, newest first."""
    rows = db.execute(
        "SELECT id, code, title, safeguarding_lead_id FROM campaigns WHERE status = 'open' "
        "ORDER BY created_at DESC, id DESC"
    ).fetchall()
    return [dict(row) for row in rows]


def campaign_by_id(db: Database, campaign_id: int) -> dict | None:
    """Return a campaign by id, lists decoded as in campaign_by_code."""
    row = _one(db, "SELECT code FROM campaigns WHERE id = ?", [campaign_id])
    return campaign_by_code(db, row["code"]) if row else None


def all_campaigns(db: Database) -> list[dict]:
    """Return every campaign with the name of its safeguarding lead."""
    rows = db.execute(
        "SELECT c.id, c.code, c.title, c.status, c.safeguarding_lead_id, u.name AS lead_name "
        "FROM campaigns c LEFT JOIN users u ON u.id = c.safeguarding_lead_id "
        "ORDER BY c.created_at DESC, c.id DESC"
    ).fetchall()
    return [dict(row) for row in rows]


def active_users(db: Database, role: str) -> list[dict]:
    """Return the active staff of one role, by name."""
    rows = db.execute(
        "SELECT id, name, email FROM users WHERE role = ? AND active = 1 ORDER BY name, id",
        [role],
    ).fetchall()
    return [dict(row) for row in rows]


def supporter_sessions(
    db: Database, supporter_id: int, *, now: float, open_after: float, limit: int = 50
) -> list[dict]:
    """Return the sessions a supporter may still open, newest first.

    That is a session their own hand-over is live for, or was taken back from after
    `open_after`, and that no safeguarding flag was ever raised on.
    """
    rows = db.execute(
        "SELECT s.id, s.resume_code, s.help_detail, s.answered_how, s.started_at, s.finished_at, "
        "c.title, c.code, (SELECT COUNT(*) FROM answers a WHERE a.session_id = s.id) AS answered "
        "FROM respondent_sessions s JOIN campaigns c ON c.id = s.campaign_id "
        "WHERE s.supporter_id = ? "
        "AND s.id NOT IN (SELECT session_id FROM safeguarding_flags WHERE session_id IS NOT NULL) "
        "AND EXISTS (SELECT 1 FROM assist_handovers h WHERE h.respondent_session_id = s.id "
        "AND h.supporter_id = s.supporter_id AND (h.taken_back_at > ? "
        "OR (h.taken_back_at IS NULL AND h.expires_at > ?))) "
        "ORDER BY s.id DESC LIMIT ?",
        [supporter_id, open_after, now, limit],
    ).fetchall()
    return [dict(row) for row in rows]


def latest_handover(db: Database, supporter_id: int, session_id: int) -> dict | None:
    """Return a supporter's most recent hand-over of a respondent session."""
    return _one(
        db,
        "SELECT * FROM assist_handovers WHERE supporter_id = ? AND respondent_session_id = ? "
        "ORDER BY id DESC LIMIT 1",
        [supporter_id, session_id],
    )


def session_ever_flagged(db: Database, session_id: int) -> bool:
    """Say whether any safeguarding flag was raised on a respondent session, whatever its state."""
    return (
        db.execute("SELECT 1 FROM safeguarding_flags WHERE session_id = ?", [session_id]).fetchone()
        is not None
    )


def group_session(db: Database, group_session_id: int) -> dict | None:
    """Return a group session with its question ids decoded."""
    row = _one(db, "SELECT * FROM group_sessions WHERE id = ?", [group_session_id])
    if row:
        row["question_ids"] = json.loads(row["question_ids"])
    return row


def advocate_group_sessions(db: Database, advocate_id: int) -> list[dict]:
    """Return an advocate's group sessions, newest first, with their campaign's title."""
    rows = db.execute(
        "SELECT g.*, c.title, c.code FROM group_sessions g "
        "JOIN campaigns c ON c.id = g.campaign_id WHERE g.advocate_id = ? ORDER BY g.id DESC",
        [advocate_id],
    ).fetchall()
    return [dict(row) for row in rows]


def recent_group_details(db: Database, advocate_id: int) -> dict:
    """Return the places and sizes an advocate entered before, newest first, to offer again."""
    rows = db.execute(
        "SELECT place, group_size, respondent_group FROM group_sessions WHERE advocate_id = ? "
        "ORDER BY id DESC LIMIT 50",
        [advocate_id],
    ).fetchall()
    places = list(dict.fromkeys(row["place"] for row in rows))[:10]
    return {"places": places, "last": dict(rows[0]) if rows else None}


def group_tallies(db: Database, group_session_id: int) -> dict[str, dict]:
    """Return a group session's tallies keyed by question id, counts decoded."""
    rows = db.execute(
        "SELECT * FROM group_tallies WHERE group_session_id = ?", [group_session_id]
    ).fetchall()
    tallies = {}
    for row in rows:
        tally = dict(row)
        tally["counts"] = json.loads(tally["counts"])
        tallies[tally["question_id"]] = tally
    return tallies


def group_notes(db: Database, group_session_id: int) -> list[dict]:
    """Return the notes of a group session, oldest first."""
    rows = db.execute(
        "SELECT * FROM group_notes WHERE group_session_id = ? ORDER BY id", [group_session_id]
    ).fetchall()
    return [dict(row) for row in rows]


def concern_phrases(db: Database) -> list[dict]:
    """Return the words and phrases that flag free text, in alphabetical order."""
    rows = db.execute("SELECT * FROM concern_phrases ORDER BY phrase COLLATE NOCASE").fetchall()
    return [dict(row) for row in rows]


@dataclass(frozen=True)
class Held:
    """The sessions and group sessions safeguarding keeps out of evidence."""

    sessions: frozenset[int]
    group_sessions: frozenset[int]

    def holds(self, session_id: int | None = None, group_session_id: int | None = None) -> bool:
        """Say whether a record from this session or group session must stay out."""
        return session_id in self.sessions or group_session_id in self.group_sessions


def held_for_safeguarding(db: Database, campaign_id: int) -> Held:
    """Return what no export, "you said" page or listing of answers may include.

    This is the one check: see `_HOLDING` for the rule.
    """
    sessions = db.execute(f"{_HELD_SESSIONS} AND campaign_id = ?", [campaign_id]).fetchall()
    groups = db.execute(f"{_HELD_GROUP_SESSIONS} AND campaign_id = ?", [campaign_id]).fetchall()
    return Held(frozenset(row[0] for row in sessions), frozenset(row[0] for row in groups))


def flags(db: Database) -> list[dict]:
    """Return every flag, awaiting a decision first, without the flagged words themselves."""
    rows = db.execute(
        "SELECT f.id, f.campaign_id, f.session_id, f.group_session_id, f.reason, f.status, "
        "f.created_at, f.decided_at, f.lead_id, c.title, u.name AS lead_name "
        "FROM safeguarding_flags f JOIN campaigns c ON c.id = f.campaign_id "
        "LEFT JOIN users u ON u.id = f.lead_id "
        "ORDER BY f.status NOT IN ('open', 'could_not_contact'), f.id DESC"
    ).fetchall()
    return [dict(row) for row in rows]


def flag(db: Database, flag_id: int) -> dict | None:
    """Return one flag with its campaign and the names of its lead and decider."""
    return _one(
        db,
        "SELECT f.*, c.title, c.code, u.name AS lead_name, d.name AS decided_by_name "
        "FROM safeguarding_flags f JOIN campaigns c ON c.id = f.campaign_id "
        "LEFT JOIN users u ON u.id = f.lead_id LEFT JOIN users d ON d.id = f.decided_by "
        "WHERE f.id = ?",
        [flag_id],
    )


def open_flag_count(db: Database, lead_id: int | None = None) -> int:
    """Count flags awaiting a decision, optionally only those sent to one lead."""
    if lead_id is None:
        sql, params = "SELECT COUNT(*) FROM safeguarding_flags WHERE status = 'open'", []
    else:
        sql = "SELECT COUNT(*) FROM safeguarding_flags WHERE status = 'open' AND lead_id = ?"
        params = [lead_id]
    return db.execute(sql, params).fetchone()[0]


def flag_exists(
    db: Database,
    session_id: int | None,
    group_session_id: int | None,
    question_id: str | None,
    excerpt: str,
) -> bool:
    """Say whether these exact words were already flagged for this session and question."""
    return (
        db.execute(
            "SELECT 1 FROM safeguarding_flags WHERE session_id IS ? AND group_session_id IS ? "
            "AND question_id IS ? AND excerpt = ? AND reason = 'concern_words'",
            [session_id, group_session_id, question_id, excerpt],
        ).fetchone()
        is not None
    )


def group_flag_ids(db: Database, group_session_id: int) -> dict[str, int]:
    """Return the flagged notes of a group session: the words, and the flag they raised."""
    rows = db.execute(
        "SELECT excerpt, id FROM safeguarding_flags WHERE group_session_id = ?",
        [group_session_id],
    ).fetchall()
    return {row["excerpt"]: row["id"] for row in rows}


# --- narration ---


def narration_text(db: Database, clip_key: str) -> dict | None:
    """Return the text, language and speed a clip key stands for, or None."""
    return _one(db, "SELECT * FROM narration_texts WHERE clip_key = ?", [clip_key])


def narration_texts(db: Database) -> list[dict]:
    """Return every text registered for narration."""
    return [dict(row) for row in db.execute("SELECT * FROM narration_texts ORDER BY created_at")]


def narration_clip_keys(db: Database) -> set[str]:
    """Return the clip key of every registered text."""
    return {row[0] for row in db.execute("SELECT clip_key FROM narration_texts")}


def recordings_for_campaign(db: Database, campaign_id: int) -> dict[tuple[str, str], str]:
    """Return (text key, language) -> recorded clip key for a campaign."""
    rows = db.execute(
        "SELECT text_key, language, clip_key FROM narration_recordings WHERE campaign_id = ?",
        [campaign_id],
    ).fetchall()
    return {(row["text_key"], row["language"]): row["clip_key"] for row in rows}


def recorded_clip_in_use(db: Database, clip_key: str) -> bool:
    """Say whether any campaign still uses a recorded clip."""
    return bool(
        db.execute("SELECT 1 FROM narration_recordings WHERE clip_key = ?", [clip_key]).fetchone()
    )


# --- media ---


def media_upload(db: Database, upload_id: str) -> dict | None:
    """Return a resumable upload by its token, or None."""
    return _one(db, "SELECT * FROM media_uploads WHERE id = ?", [upload_id])


def media_item(db: Database, item_id: int) -> dict | None:
    """Return one media answer, or None."""
    return _one(db, "SELECT * FROM media_items WHERE id = ?", [item_id])


def media_items_for(db: Database, session_id: int, question_id: str | None) -> list[dict]:
    """Return a session's media answers to one question (None: the "tell us anything" page)."""
    rows = db.execute(
        "SELECT * FROM media_items WHERE session_id = ? AND question_id IS ? ORDER BY id",
        [session_id, question_id],
    ).fetchall()
    return [dict(row) for row in rows]


def media_digests_in_use(db: Database) -> set[str]:
    """Return every blob digest a media answer, flip-chart photo or lead's picture uses."""
    rows = db.execute(
        "SELECT sha256 FROM media_items UNION SELECT thumb_sha256 FROM media_items "
        "WHERE thumb_sha256 IS NOT NULL UNION SELECT poster_sha256 FROM media_items "
        "WHERE poster_sha256 IS NOT NULL "
        # Flip-chart photos and leads' own pictures live in the same store.
        "UNION SELECT photo_sha256 FROM group_notes WHERE photo_sha256 IS NOT NULL "
        "UNION SELECT photo_thumb_sha256 FROM group_notes WHERE photo_thumb_sha256 IS NOT NULL "
        "UNION SELECT large_sha256 FROM campaign_pictures "
        "UNION SELECT small_sha256 FROM campaign_pictures"
    ).fetchall()
    return {row[0] for row in rows}


def media_upload_ids(db: Database) -> set[str]:
    """Return the token of every upload still in progress."""
    return {row[0] for row in db.execute("SELECT id FROM media_uploads").fetchall()}


def media_uploads_untouched_since(
    db: Database, cutoff: str, session_id: int | None = None
) -> list[str]:
    """Return the tokens of uploads (of one session, if given) not moved on since the cutoff."""
    rows = db.execute(
        "SELECT id FROM media_uploads WHERE updated_at < ? AND (? IS NULL OR session_id = ?) "
        "ORDER BY updated_at",
        [cutoff, session_id, session_id],
    ).fetchall()
    return [row[0] for row in rows]


def media_bytes_held(db: Database, session_id: int) -> tuple[int, int]:
    """Return a session's unfinished uploads and the bytes it holds, finished and unfinished."""
    row = db.execute(
        "SELECT (SELECT COUNT(*) FROM media_uploads WHERE session_id = ?), "
        "(SELECT COALESCE(SUM(size), 0) FROM media_uploads WHERE session_id = ?) "
        "+ (SELECT COALESCE(SUM(size_bytes), 0) FROM media_items WHERE session_id = ?)",
        [session_id, session_id, session_id],
    ).fetchone()
    return int(row[0]), int(row[1])


# --- erasure ---


def session_personal_files(db: Database, session_id: int) -> dict:
    """Return what a session left outside its rows: blob digests, upload ids and its words."""
    digests = set()
    for row in db.execute(
        "SELECT sha256, thumb_sha256, poster_sha256 FROM media_items WHERE session_id = ?",
        [session_id],
    ):
        digests.update(digest for digest in row if digest)
    uploads = [
        row[0]
        for row in db.execute("SELECT id FROM media_uploads WHERE session_id = ?", [session_id])
    ]
    words = {
        row[0]
        for row in db.execute(
            "SELECT free_text FROM answers WHERE session_id = ? AND free_text != '' "
            "UNION SELECT description FROM media_items WHERE session_id = ? AND description != ''",
            [session_id, session_id],
        )
    }
    return {"digests": digests, "uploads": uploads, "words": words}


def narration_keys_for_texts(db: Database, texts: set[str]) -> list[str]:
    """Return the clip keys of any narration made from these exact texts."""
    if not texts:
        return []
    marks = ", ".join("?" for _ in texts)
    return [
        row[0]
        for row in db.execute(
            f"SELECT clip_key FROM narration_texts WHERE text IN ({marks})", list(texts)
        )
    ]


def sessions_by_resume_code(db: Database, resume_code: str) -> list[dict]:
    """Return the sessions with this resume code, with their campaign's code and title."""
    rows = db.execute(
        "SELECT s.id, s.started_at, s.finished_at, c.code AS campaign_code, "
        "c.title AS campaign_title FROM respondent_sessions s "
        "JOIN campaigns c ON c.id = s.campaign_id "  # noqa: S608
        f"WHERE s.resume_code = ? OR {_look_alikes_as_digits('s.resume_code')} = ?",
        [resume_code, resume_code_key(resume_code)],
    ).fetchall()
    return [dict(row) for row in rows]


def sessions_matching(db: Database, phrase: str, day: str, answered_how: str = "") -> list[int]:
    """Return the sessions with typed words holding `phrase`, started or finished on `day`.

    For a lead finding one person's answers from what the person remembers: the caller shows
    only the count unless exactly one matches, so no one else's words are seen.
    """
    rows = db.execute(
        "SELECT DISTINCT s.id FROM respondent_sessions s JOIN answers a ON a.session_id = s.id "
        "WHERE instr(lower(a.free_text), lower(:phrase)) > 0 "
        "AND (substr(s.started_at, 1, 10) = :day OR substr(s.finished_at, 1, 10) = :day) "
        "AND (:how = '' OR s.answered_how = :how) ORDER BY s.id",
        {"phrase": phrase, "day": day, "how": answered_how},
    ).fetchall()
    return [row[0] for row in rows]


def session_for_erasure(db: Database, session_id: int) -> dict | None:
    """Return a session with its campaign's title, for the lead's erase page."""
    return _one(
        db,
        "SELECT s.id, s.started_at, s.finished_at, s.answered_how, c.code AS campaign_code, "
        "c.title AS campaign_title FROM respondent_sessions s "
        "JOIN campaigns c ON c.id = s.campaign_id WHERE s.id = ?",
        [session_id],
    )


# --- review ---


def review_quote(db: Database, quote_id: int) -> dict | None:
    """Return one quote with its statement_ids, or None."""
    row = db.execute(
        "SELECT q.*, (SELECT json_group_array(statement_id) FROM quote_statements t "
        "WHERE t.quote_id = q.id) AS statement_ids FROM quotes q WHERE q.id = ?",
        [quote_id],
    ).fetchone()
    return _quote(row) if row else None


def group_note(db: Database, note_id: int) -> dict | None:
    """Return one group note with its group session's place and campaign, or None."""
    return _one(
        db,
        "SELECT n.*, g.campaign_id, g.place, g.respondent_group FROM group_notes n "
        "JOIN group_sessions g ON g.id = n.group_session_id WHERE n.id = ?",
        [note_id],
    )


def campaign_pictures(db: Database, campaign_id: int) -> list[dict]:
    """Return a campaign's own pictures, newest first."""
    rows = db.execute(
        "SELECT * FROM campaign_pictures WHERE campaign_id = ? ORDER BY id DESC", [campaign_id]
    ).fetchall()
    return [dict(row) for row in rows]


def campaign_picture(db: Database, picture_id: int) -> dict | None:
    """Return one of the campaigns' own pictures, or None."""
    return _one(db, "SELECT * FROM campaign_pictures WHERE id = ?", [picture_id])
