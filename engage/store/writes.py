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


def start_session(db: Database, campaign_id: int, consent: dict[str, bool], language: str) -> dict:
    """Start a respondent session once the person has agreed to take part."""
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
    with db.atomic():
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
    with db.atomic():
        db.execute("DELETE FROM answers WHERE session_id = ?", [session_id])
        db.execute("DELETE FROM respondent_sessions WHERE id = ?", [session_id])


# --- media ---


def create_media_upload(
    db: Database,
    upload_id: str,
    session_id: int,
    kind: str,
    question_id: str | None,
    size: int,
) -> None:
    """Record a resumable upload that has been started."""
    stamp = now()
    db["media_uploads"].insert(
        {
            "id": upload_id,
            "session_id": session_id,
            "kind": kind,
            "question_id": question_id,
            "size": size,
            "received": 0,
            "created_at": stamp,
            "updated_at": stamp,
        }
    )


def advance_media_upload(db: Database, upload_id: str, offset: int, received: int) -> bool:
    """Move an upload on from offset to received; False if another chunk got there first."""
    cursor = db.execute(
        "UPDATE media_uploads SET received = ?, updated_at = ? WHERE id = ? AND received = ?",
        [received, now(), upload_id, offset],
    )
    return cursor.rowcount == 1


def delete_media_upload(db: Database, upload_id: str) -> None:
    """Forget an upload once it is finished or refused."""
    db.execute("DELETE FROM media_uploads WHERE id = ?", [upload_id])


def add_media_item(db: Database, item: dict) -> int:
    """Record a cleaned media answer whose files are already in the blob store."""
    stamp = now()
    with db.atomic():
        item_id = (
            db["media_items"].insert({**item, "created_at": stamp, "updated_at": stamp}).last_pk
        )
        db.execute(
            "UPDATE respondent_sessions SET updated_at = ? WHERE id = ?",
            [stamp, item["session_id"]],
        )
    return item_id


def set_media_consent(db: Database, item_id: int, consent: str, description: str) -> None:
    """Record how a person lets us use one media answer, and what they say it shows."""
    db.execute(
        "UPDATE media_items SET consent = ?, description = ?, updated_at = ? WHERE id = ?",
        [consent, description, now(), item_id],
    )


def delete_media_item(db: Database, item_id: int) -> None:
    """Remove one media answer (its files go when nothing else refers to them)."""
    db.execute("DELETE FROM media_items WHERE id = ?", [item_id])
