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


# --- setup ---


def create_invitation(
    db: Database, *, token_hash: str, email: str, role: str, invited_by: int, expires_at: str
) -> int:
    """Store an invitation to make an account; only the token's hash is kept."""
    return (
        db["invitations"]
        .insert(
            {
                "token_hash": token_hash,
                "email": email.strip(),
                "role": role,
                "invited_by": invited_by,
                "created_at": now(),
                "expires_at": expires_at,
            }
        )
        .last_pk
    )


def accept_invitation(
    db: Database, invitation: dict, *, name: str, password_hash: str
) -> int | None:
    """Turn an unused invitation into an account; return None if it was used meanwhile."""
    with db.atomic():
        used = db.execute(
            "UPDATE invitations SET used_at = ? WHERE id = ? AND used_at IS NULL",
            [now(), invitation["id"]],
        )
        if used.rowcount != 1:
            return None
        return create_user(
            db,
            email=invitation["email"],
            name=name,
            role=invitation["role"],
            password_hash=password_hash,
            invited_by=invitation["invited_by"],
        )


def _other_active_leads(db: Database, user_id: int) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM users WHERE role = 'lead' AND active = 1 AND id != ?", [user_id]
    ).fetchone()[0]


def set_user_role(db: Database, user_id: int, role: str) -> bool:
    """Change an account's role; refuse (False) to demote the last active lead."""
    with db.atomic():
        user = db.execute("SELECT role, active FROM users WHERE id = ?", [user_id]).fetchone()
        if user is None:
            return False
        losing_a_lead = user["role"] == "lead" and user["active"] and role != "lead"
        if losing_a_lead and _other_active_leads(db, user_id) == 0:
            return False
        db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])
    return True


def set_user_active(db: Database, user_id: int, active: bool) -> bool:
    """Deactivate or reactivate an account; deactivating ends every session it holds.

    Refuse (False) to deactivate the last active lead, so someone can always manage accounts.
    """
    with db.atomic():
        user = db.execute("SELECT role, active FROM users WHERE id = ?", [user_id]).fetchone()
        if user is None:
            return False
        if not active and user["role"] == "lead" and _other_active_leads(db, user_id) == 0:
            return False
        db.execute(
            "UPDATE users SET active = ?, session_generation = session_generation + ? WHERE id = ?",
            [int(active), 0 if active else 1, user_id],
        )
    return True


CAMPAIGN_SETTING_COLUMNS = (
    "title",
    "scale_points",
    "respondent_groups",
    "languages",
    "opens_at",
    "closes_at",
    "min_group_size",
    "min_cell_count",
    "help_contact",
)


def update_campaign_settings(db: Database, campaign_id: int, settings: dict) -> None:
    """Store a campaign's settings; lists are kept as JSON."""
    unknown = set(settings) - set(CAMPAIGN_SETTING_COLUMNS)
    if unknown:
        raise ValueError(f"not a campaign setting: {', '.join(sorted(unknown))}")
    values = {
        key: json.dumps(value) if isinstance(value, list) else value
        for key, value in settings.items()
    }
    if values:
        db["campaigns"].update(campaign_id, values)


def set_campaign_statements(
    db: Database,
    campaign_id: int,
    statement_ids: list[str],
    added_questions: list[dict],
) -> None:
    """Change a campaign's statements: drop the questions of removed ones, copy in new ones.

    Questions are put back in campaign order (statement order, then their old order).
    """
    with db.atomic():
        marks = ",".join("?" for _ in statement_ids)
        db.execute(
            f"DELETE FROM campaign_questions WHERE campaign_id = ? "  # noqa: S608 - only marks
            f"AND statement_id NOT IN ({marks})",
            [campaign_id, *statement_ids],
        )
        db["campaign_questions"].insert_all(
            {
                "campaign_id": campaign_id,
                "question_id": question["id"],
                "statement_id": question["statement_id"],
                "position": 10_000 + offset,
                "content": json.dumps(question, ensure_ascii=False),
            }
            for offset, question in enumerate(added_questions)
        )
        db["campaigns"].update(campaign_id, {"statement_ids": json.dumps(statement_ids)})
        _renumber_questions(db, campaign_id, statement_ids)


def _renumber_questions(db: Database, campaign_id: int, statement_ids: list[str]) -> None:
    order = {statement_id: index for index, statement_id in enumerate(statement_ids)}
    rows = db.execute(
        "SELECT id, statement_id, position FROM campaign_questions WHERE campaign_id = ?",
        [campaign_id],
    ).fetchall()
    ranked = sorted(rows, key=lambda row: (order.get(row["statement_id"], 999), row["position"]))
    for position, row in enumerate(ranked, start=1):
        db.execute("UPDATE campaign_questions SET position = ? WHERE id = ?", [position, row["id"]])


def update_question_content(db: Database, campaign_id: int, question_id: str, content: dict):
    """Replace the campaign's copy of one question's wording."""
    db.execute(
        "UPDATE campaign_questions SET content = ? WHERE campaign_id = ? AND question_id = ?",
        [json.dumps(content, ensure_ascii=False), campaign_id, question_id],
    )


def add_campaign_question(
    db: Database, campaign_id: int, statement_ids: list[str], content: dict
) -> None:
    """Add a question to a campaign, after the other questions of its statement."""
    with db.atomic():
        db["campaign_questions"].insert(
            {
                "campaign_id": campaign_id,
                "question_id": content["id"],
                "statement_id": content["statement_id"],
                "position": 10_000,
                "content": json.dumps(content, ensure_ascii=False),
            }
        )
        _renumber_questions(db, campaign_id, statement_ids)


def add_extra_term(
    db: Database, *, campaign_id: int | None, term: str, plainer: str, added_by: int
) -> int:
    """Add a word leads want flagged, for one campaign or (campaign_id None) for every one."""
    return (
        db["extra_terms"]
        .insert(
            {
                "campaign_id": campaign_id,
                "term": term,
                "plainer": plainer,
                "added_by": added_by,
                "created_at": now(),
            }
        )
        .last_pk
    )


def remove_extra_term(db: Database, term_id: int) -> None:
    """Remove a word from the list of words to avoid."""
    db.execute("DELETE FROM extra_terms WHERE id = ?", [term_id])
