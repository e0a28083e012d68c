"""Queries the app reads through; none of them write."""

from __future__ import annotations

import json

from sqlite_utils import Database


def _one(db: Database, sql: str, params: list) -> dict | None:
    row = db.execute(sql, params).fetchone()
    return dict(row) if row else None


def campaign_by_code(db: Database, code: str) -> dict | None:
    """Return the campaign with this link code, or None."""
    campaign = _one(db, "SELECT * FROM campaigns WHERE code = ?", [code])
    if campaign:
        for key in ("statement_ids", "respondent_groups", "languages"):
            campaign[key] = json.loads(campaign[key])
    return campaign


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


def session_by_resume_code(db: Database, campaign_id: int, resume_code: str) -> dict | None:
    """Return the campaign's session with this resume code, or None."""
    return _session(
        _one(
            db,
            "SELECT * FROM respondent_sessions WHERE campaign_id = ? AND resume_code = ?",
            [campaign_id, resume_code],
        )
    )


def _session(row: dict | None) -> dict | None:
    if row:
        row["settings"] = json.loads(row["settings"])
    return row


def answers_for_session(db: Database, session_id: int) -> dict[str, dict]:
    """Return a session's answers keyed by question id."""
    rows = db.execute("SELECT * FROM answers WHERE session_id = ?", [session_id]).fetchall()
    return {row["question_id"]: dict(row) for row in rows}


def campaign_responses(db: Database, campaign_id: int) -> list[dict]:
    """Return every saved answer of a campaign with who gave it and how."""
    rows = db.execute(
        """
        SELECT a.question_id, q.statement_id, a.value, a.free_text,
               s.id AS session_id, s.respondent_group, s.answered_how, s.language,
               a.created_at, a.updated_at, s.finished_at
        FROM answers a
        JOIN respondent_sessions s ON s.id = a.session_id
        JOIN campaign_questions q ON q.campaign_id = s.campaign_id AND q.question_id = a.question_id
        WHERE s.campaign_id = ?
        ORDER BY s.id, q.position
        """,
        [campaign_id],
    ).fetchall()
    return [dict(row) for row in rows]


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
    """Return every blob digest a media answer still refers to."""
    rows = db.execute(
        "SELECT sha256 FROM media_items UNION SELECT thumb_sha256 FROM media_items "
        "WHERE thumb_sha256 IS NOT NULL UNION SELECT poster_sha256 FROM media_items "
        "WHERE poster_sha256 IS NOT NULL"
    ).fetchall()
    return {row[0] for row in rows}


def media_upload_ids(db: Database) -> set[str]:
    """Return the token of every upload still in progress."""
    return {row[0] for row in db.execute("SELECT id FROM media_uploads").fetchall()}


def media_uploads_untouched_since(db: Database, cutoff: str) -> list[str]:
    """Return the tokens of uploads that have not moved on since the cutoff time."""
    rows = db.execute("SELECT id FROM media_uploads WHERE updated_at < ?", [cutoff]).fetchall()
    return [row[0] for row in rows]
