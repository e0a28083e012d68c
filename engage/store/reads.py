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
