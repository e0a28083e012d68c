"""Every write to the database goes through this module."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlite_utils import Database

RESUME_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CAMPAIGN_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Group writes, taking the write lock at the start.

    A deferred transaction that reads before it writes fails at once with "database is locked"
    when another connection wrote in between; BEGIN IMMEDIATE waits its turn instead.
    Nested use becomes a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def now() -> str:
    """Return the current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _random_code(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def create_campaign(
    db: Database,
    *,
    title: str,
    framework_id: str,
    statement_ids: list[str],
    questions: list[dict],
    respondent_groups: list[str],
    scale_points: int = 3,
    languages: list[str] | None = None,
    code: str | None = None,
    is_demo: bool = False,
) -> dict:
    """Create a campaign with its own copy of each question's wording."""
    with transaction(db):
        campaign_id = (
            db["campaigns"]
            .insert(
                {
                    "code": code or _unused_campaign_code(db),
                    "title": title,
                    "framework_id": framework_id,
                    "statement_ids": json.dumps(statement_ids),
                    "scale_points": scale_points,
                    "respondent_groups": json.dumps(respondent_groups),
                    "languages": json.dumps(languages or ["en"]),
                    "is_demo": int(is_demo),
                    "created_at": now(),
                }
            )
            .last_pk
        )
        db["campaign_questions"].insert_all(
            {
                "campaign_id": campaign_id,
                "question_id": question["id"],
                "statement_id": question["statement_id"],
                "position": position,
                "content": json.dumps(question, ensure_ascii=False),
            }
            for position, question in enumerate(questions, start=1)
        )
    return dict(db["campaigns"].get(campaign_id))


def _unused_campaign_code(db: Database) -> str:
    while True:
        code = _random_code(CAMPAIGN_CODE_ALPHABET, 8)
        if not db.execute("SELECT 1 FROM campaigns WHERE code = ?", [code]).fetchone():
            return code


def set_campaign_status(db: Database, campaign_id: int, status: str) -> None:
    """Open or close a campaign."""
    db.execute("UPDATE campaigns SET status = ? WHERE id = ?", [status, campaign_id])


def start_session(db: Database, campaign_id: int, consent: dict[str, bool], language: str) -> dict:
    """Start a respondent session once the person has agreed to take part."""
    stamp = now()
    with transaction(db):
        session_id = (
            db["respondent_sessions"]
            .insert(
                {
                    "campaign_id": campaign_id,
                    "resume_code": _unused_resume_code(db),
                    "language": language,
                    "consent_take_part": int(consent["take_part"]),
                    "consent_quote": int(consent["quote"]),
                    "consent_media": int(consent["media"]),
                    "started_at": stamp,
                    "updated_at": stamp,
                }
            )
            .last_pk
        )
    return dict(db["respondent_sessions"].get(session_id))


def _unused_resume_code(db: Database) -> str:
    while True:
        code = _random_code(RESUME_ALPHABET, 8)
        if not db.execute(
            "SELECT 1 FROM respondent_sessions WHERE resume_code = ?", [code]
        ).fetchone():
            return code


def update_consent(db: Database, session_id: int, consent: dict[str, bool]) -> None:
    """Record a person's changed consent choices."""
    db.execute(
        "UPDATE respondent_sessions SET consent_quote = ?, consent_media = ?, updated_at = ? "
        "WHERE id = ?",
        [int(consent["quote"]), int(consent["media"]), now(), session_id],
    )


def set_who(db: Database, session_id: int, respondent_group: str, answered_how: str) -> None:
    """Record who is answering and how."""
    db.execute(
        "UPDATE respondent_sessions SET respondent_group = ?, answered_how = ?, updated_at = ? "
        "WHERE id = ?",
        [respondent_group, answered_how, now(), session_id],
    )


def save_answer(
    db: Database, session_id: int, question_id: str, value: str, free_text: str
) -> None:
    """Save one answer, replacing an earlier answer to the same question."""
    stamp = now()
    with transaction(db):
        db.execute(
            "INSERT INTO answers (session_id, question_id, value, free_text, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (session_id, question_id) DO UPDATE SET value = excluded.value, "
            "free_text = excluded.free_text, updated_at = excluded.updated_at",
            [session_id, question_id, value, free_text, stamp, stamp],
        )
        db.execute(
            "UPDATE respondent_sessions SET updated_at = ? WHERE id = ?", [stamp, session_id]
        )


def finish_session(db: Database, session_id: int) -> None:
    """Mark a session as sent."""
    stamp = now()
    db.execute(
        "UPDATE respondent_sessions SET finished_at = COALESCE(finished_at, ?), updated_at = ? "
        "WHERE id = ?",
        [stamp, stamp, session_id],
    )


def erase_session(db: Database, session_id: int) -> None:
    """Remove a respondent session and everything it holds."""
    with transaction(db):
        db.execute("DELETE FROM answers WHERE session_id = ?", [session_id])
        db.execute("DELETE FROM respondent_sessions WHERE id = ?", [session_id])


# --- staff ---


def create_user(
    db: Database,
    *,
    email: str,
    name: str,
    role: str,
    password_hash: str,
    invited_by: int | None = None,
) -> int:
    """Create a staff account and return its id."""
    return (
        db["users"]
        .insert(
            {
                "email": email.strip(),
                "name": name.strip(),
                "role": role,
                "password_hash": password_hash,
                "invited_by": invited_by,
                "created_at": now(),
            }
        )
        .last_pk
    )


def set_password_hash(db: Database, user_id: int, password_hash: str) -> None:
    """Store a new password hash (after a rehash or a change)."""
    db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])


def bump_session_generation(db: Database, user_id: int) -> None:
    """Invalidate every signed-in session of a user ("sign out everywhere")."""
    db.execute(
        "UPDATE users SET session_generation = session_generation + 1 WHERE id = ?", [user_id]
    )


def record_sign_in_attempt(db: Database, subjects: list[str], at: float) -> None:
    """Remember a failed sign-in against each subject (account and address)."""
    db["sign_in_attempts"].insert_all({"subject": s, "attempted_at": at} for s in subjects)


def clear_sign_in_attempts(db: Database, subject: str, before: float | None = None) -> None:
    """Forget a subject's failed attempts, or everyone's older than a time."""
    if before is None:
        db.execute("DELETE FROM sign_in_attempts WHERE subject = ?", [subject])
    else:
        db.execute("DELETE FROM sign_in_attempts WHERE attempted_at < ?", [before])


def audit(
    db: Database, user_id: int | None, action: str, subject: str = "", detail: str = ""
) -> None:
    """Append one staff action to the audit log."""
    db["audit_log"].insert(
        {"at": now(), "user_id": user_id, "action": action, "subject": subject, "detail": detail}
    )
