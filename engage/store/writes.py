"""Every write to the database goes through this module."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime

from sqlite_utils import Database

RESUME_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CAMPAIGN_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


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
    with db.atomic():
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


def start_session(
    db: Database,
    campaign_id: int,
    consent: dict[str, bool],
    language: str,
    *,
    supporter_id: int | None = None,
    answered_how: str | None = None,
    help_detail: str | None = None,
) -> dict:
    """Start a respondent session once the person has agreed to take part.

    An assisted session also records the supporter and how they are helping.
    """
    stamp = now()
    with db.atomic():
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
                    "supporter_id": supporter_id,
                    "answered_how": answered_how,
                    "help_detail": help_detail,
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
    """Record who is answering and how; answers already given carry the corrected way."""
    with db.atomic():
        db.execute(
            "UPDATE respondent_sessions SET respondent_group = ?, answered_how = ?, "
            "updated_at = ? WHERE id = ?",
            [respondent_group, answered_how, now(), session_id],
        )
        db.execute(
            "UPDATE answers SET answered_how = ? WHERE session_id = ?", [answered_how, session_id]
        )


def save_answer(
    db: Database,
    session_id: int,
    question_id: str,
    value: str,
    free_text: str,
    *,
    answered_how: str | None = None,
    supporter_id: int | None = None,
) -> None:
    """Save one answer, replacing an earlier answer to the same question.

    The answer carries how it was given and by which supporter; both default to the session's.
    """
    stamp = now()
    with db.atomic():
        held = db.execute(
            "SELECT answered_how, supporter_id FROM respondent_sessions WHERE id = ?",
            [session_id],
        ).fetchone()
        if held is not None:
            answered_how = answered_how or held["answered_how"]
            supporter_id = supporter_id or held["supporter_id"]
        db.execute(
            "INSERT INTO answers (session_id, question_id, value, free_text, created_at, "
            "updated_at, answered_how, supporter_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (session_id, question_id) DO UPDATE SET value = excluded.value, "
            "free_text = excluded.free_text, updated_at = excluded.updated_at, "
            "answered_how = excluded.answered_how, supporter_id = excluded.supporter_id",
            [session_id, question_id, value, free_text, stamp, stamp, answered_how, supporter_id],
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
    with db.atomic():
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


# --- assist ---


def set_pin_hash(db: Database, user_id: int, pin_hash: str | None) -> None:
    """Store (or clear) the hash of a staff member's tablet PIN."""
    db.execute("UPDATE users SET pin_hash = ? WHERE id = ?", [pin_hash, user_id])


def create_group_session(
    db: Database,
    *,
    campaign_id: int,
    advocate_id: int,
    place: str,
    group_size: int,
    respondent_group: str,
    question_ids: list[str],
) -> int:
    """Start a group session and return its id."""
    return (
        db["group_sessions"]
        .insert(
            {
                "campaign_id": campaign_id,
                "advocate_id": advocate_id,
                "place": place,
                "group_size": group_size,
                "respondent_group": respondent_group,
                "question_ids": json.dumps(question_ids),
                "created_at": now(),
            }
        )
        .last_pk
    )


def save_group_tally(
    db: Database, group_session_id: int, question_id: str, counts: dict[str, int], user_id: int
) -> None:
    """Save one question's counts for a whole group, replacing earlier counts."""
    db.execute(
        "INSERT INTO group_tallies (group_session_id, question_id, counts, total, recorded_by, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_session_id, question_id) "
        "DO UPDATE SET counts = excluded.counts, total = excluded.total, "
        "recorded_by = excluded.recorded_by, updated_at = excluded.updated_at",
        [
            group_session_id,
            question_id,
            json.dumps(counts),
            sum(counts.values()),
            user_id,
            now(),
        ],
    )


def add_group_note(
    db: Database, group_session_id: int, question_id: str | None, speaker_role: str, note: str
) -> int:
    """Record what someone in a group said, with an anonymous speaker role."""
    return (
        db["group_notes"]
        .insert(
            {
                "group_session_id": group_session_id,
                "question_id": question_id,
                "speaker_role": speaker_role,
                "note": note,
                "created_at": now(),
            }
        )
        .last_pk
    )


def finish_group_session(db: Database, group_session_id: int) -> None:
    """Mark a group session as finished."""
    db.execute(
        "UPDATE group_sessions SET finished_at = COALESCE(finished_at, ?) WHERE id = ?",
        [now(), group_session_id],
    )


def raise_flag(
    db: Database,
    *,
    campaign_id: int,
    reason: str,
    session_id: int | None = None,
    group_session_id: int | None = None,
    question_id: str | None = None,
    matched: str = "",
    excerpt: str = "",
) -> int:
    """Flag a session for the campaign's named safeguarding lead and return the flag's id."""
    lead = db.execute(
        "SELECT safeguarding_lead_id FROM campaigns WHERE id = ?", [campaign_id]
    ).fetchone()
    return (
        db["safeguarding_flags"]
        .insert(
            {
                "campaign_id": campaign_id,
                "session_id": session_id,
                "group_session_id": group_session_id,
                "reason": reason,
                "question_id": question_id,
                "matched": matched,
                "excerpt": excerpt,
                "lead_id": lead[0] if lead else None,
                "created_at": now(),
            }
        )
        .last_pk
    )


def decide_flag(db: Database, flag_id: int, status: str, note: str, user_id: int) -> None:
    """Record a lead's decision on a flag: no concern, or referred."""
    db.execute(
        "UPDATE safeguarding_flags SET status = ?, decision_note = ?, decided_by = ?, "
        "decided_at = ? WHERE id = ?",
        [status, note, user_id, now(), flag_id],
    )


def set_safeguarding_lead(db: Database, campaign_id: int, user_id: int | None) -> None:
    """Name the lead who receives a campaign's flags."""
    db.execute("UPDATE campaigns SET safeguarding_lead_id = ? WHERE id = ?", [user_id, campaign_id])


def add_concern_phrase(db: Database, phrase: str, user_id: int) -> None:
    """Add a word or phrase that flags free text; an existing one is left as it is."""
    db.execute(
        "INSERT INTO concern_phrases (phrase, added_by, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (phrase) DO NOTHING",
        [phrase, user_id, now()],
    )


def remove_concern_phrase(db: Database, phrase_id: int) -> None:
    """Stop a word or phrase flagging free text."""
    db.execute("DELETE FROM concern_phrases WHERE id = ?", [phrase_id])
