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


# --- setup ---


def users_all(db: Database) -> list[dict]:
    """Return every staff account, leads first, then by name."""
    rows = db.execute(
        "SELECT id, email, name, role, active, created_at FROM users "
        "ORDER BY active DESC, CASE role WHEN 'lead' THEN 0 ELSE 1 END, name COLLATE NOCASE"
    ).fetchall()
    return [dict(row) for row in rows]


def invitation_by_token_hash(db: Database, token_hash: str) -> dict | None:
    """Return the invitation whose token has this hash, or None."""
    return _one(db, "SELECT * FROM invitations WHERE token_hash = ?", [token_hash])


def pending_invitations(db: Database, at: str) -> list[dict]:
    """Return invitations not yet used and not expired at a time, newest first."""
    rows = db.execute(
        "SELECT i.id, i.email, i.role, i.created_at, i.expires_at, u.name AS invited_by_name "
        "FROM invitations i JOIN users u ON u.id = i.invited_by "
        "WHERE i.used_at IS NULL AND i.expires_at > ? ORDER BY i.id DESC",
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
