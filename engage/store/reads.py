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


# --- staff ---


def user_by_id(db: Database, user_id: int) -> dict | None:
    """Return a staff account by id."""
    return _one(db, "SELECT * FROM users WHERE id = ?", [user_id])


def user_by_email(db: Database, email: str) -> dict | None:
    """Return a staff account by e-mail address (any case)."""
    return _one(db, "SELECT * FROM users WHERE email = ?", [email.strip()])


def count_users(db: Database, role: str | None = None) -> int:
    """Count staff accounts, optionally of one role."""
    if role:
        return db.execute("SELECT COUNT(*) FROM users WHERE role = ?", [role]).fetchone()[0]
    return db.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def recent_sign_in_failures(db: Database, subject: str, since: float) -> int:
    """Count a subject's failed sign-ins since a time."""
    return db.execute(
        "SELECT COUNT(*) FROM sign_in_attempts WHERE subject = ? AND attempted_at >= ?",
        [subject, since],
    ).fetchone()[0]


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


def supporter_sessions(db: Database, supporter_id: int, limit: int = 50) -> list[dict]:
    """Return the respondent sessions a supporter helped with, newest first."""
    rows = db.execute(
        "SELECT s.id, s.resume_code, s.help_detail, s.answered_how, s.started_at, s.finished_at, "
        "c.title, c.code, (SELECT COUNT(*) FROM answers a WHERE a.session_id = s.id) AS answered "
        "FROM respondent_sessions s JOIN campaigns c ON c.id = s.campaign_id "
        "WHERE s.supporter_id = ? ORDER BY s.id DESC LIMIT ?",
        [supporter_id, limit],
    ).fetchall()
    return [dict(row) for row in rows]


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


def held_session_ids(db: Database, campaign_id: int) -> set[int]:
    """Return the respondent sessions that no export may include.

    A session is held while any flag on it awaits a lead's decision, and for good once a
    lead referred it: a disclosure of harm is not feedback. "No concern" releases it.
    """
    rows = db.execute(
        "SELECT DISTINCT session_id FROM safeguarding_flags WHERE campaign_id = ? "
        "AND session_id IS NOT NULL AND status IN ('open', 'referred')",
        [campaign_id],
    ).fetchall()
    return {row[0] for row in rows}


def held_group_session_ids(db: Database, campaign_id: int) -> set[int]:
    """Return the group sessions that no export may include (same rule as for people)."""
    rows = db.execute(
        "SELECT DISTINCT group_session_id FROM safeguarding_flags WHERE campaign_id = ? "
        "AND group_session_id IS NOT NULL AND status IN ('open', 'referred')",
        [campaign_id],
    ).fetchall()
    return {row[0] for row in rows}


def flags(db: Database) -> list[dict]:
    """Return every flag, awaiting a decision first, without the flagged words themselves."""
    rows = db.execute(
        "SELECT f.id, f.campaign_id, f.session_id, f.group_session_id, f.reason, f.status, "
        "f.created_at, f.decided_at, f.lead_id, c.title, u.name AS lead_name "
        "FROM safeguarding_flags f JOIN campaigns c ON c.id = f.campaign_id "
        "LEFT JOIN users u ON u.id = f.lead_id "
        "ORDER BY f.status != 'open', f.id DESC"
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
