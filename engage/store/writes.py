"""Every write to the database goes through this module."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlite_utils import Database

# No I, L, O, 0 or 1, and since B, S and Z look like 8, 5 and 2, new codes use only the
# digits; codes made before that still work (see reads.session_by_resume_code).
RESUME_ALPHABET = "ACDEFGHJKMNPQRTUVWXY23456789"
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
                    "supporter_id": supporter_id,
                    "answered_how": answered_how,
                    "help_detail": help_detail,
                }
            )
            .last_pk
        )
        # Read back inside the same transaction: a restore between commit and read would
        # otherwise leave the person's first page without its own new session.
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
    with transaction(db):
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
    Its words carry the language the person is using as they write them; words left as they
    were keep the language they were written in.
    """
    stamp = now()
    with transaction(db):
        held = db.execute(
            "SELECT answered_how, supporter_id, language FROM respondent_sessions WHERE id = ?",
            [session_id],
        ).fetchone()
        language = None
        if held is not None:
            answered_how = answered_how or held["answered_how"]
            supporter_id = supporter_id or held["supporter_id"]
            language = held["language"]
        db.execute(
            "INSERT INTO answers (session_id, question_id, value, free_text, created_at, "
            "updated_at, answered_how, supporter_id, language) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (session_id, question_id) DO UPDATE SET value = excluded.value, "
            "free_text = excluded.free_text, updated_at = excluded.updated_at, "
            "answered_how = excluded.answered_how, supporter_id = excluded.supporter_id, "
            "language = CASE WHEN free_text IS excluded.free_text THEN language "
            "ELSE excluded.language END",
            [
                session_id,
                question_id,
                value,
                free_text,
                stamp,
                stamp,
                answered_how,
                supporter_id,
                language,
            ],
        )
        db.execute(
            "DELETE FROM answer_drafts WHERE session_id = ? AND question_id = ?",
            [session_id, question_id],
        )
        db.execute(
            "UPDATE respondent_sessions SET updated_at = ? WHERE id = ?", [stamp, session_id]
        )


def keep_draft(
    db: Database, session_id: int, question_id: str, value: str | None, free_text: str
) -> None:
    """Keep what a person chose or typed on a question they left before saving it."""
    db.execute(
        "INSERT INTO answer_drafts (session_id, question_id, value, free_text, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, question_id) DO UPDATE SET "
        "value = excluded.value, free_text = excluded.free_text, updated_at = excluded.updated_at",
        [session_id, question_id, value, free_text, now()],
    )


def finish_session(db: Database, session_id: int) -> None:
    """Mark a session as sent; words never saved as an answer are not kept past it."""
    stamp = now()
    with transaction(db):
        db.execute(
            "UPDATE respondent_sessions SET finished_at = COALESCE(finished_at, ?), "
            "updated_at = ? WHERE id = ?",
            [stamp, stamp, session_id],
        )
        db.execute("DELETE FROM answer_drafts WHERE session_id = ?", [session_id])


def erase_session(db: Database, session_id: int) -> None:
    """Remove a respondent session and everything it holds."""
    with transaction(db):
        db.execute("DELETE FROM answers WHERE session_id = ?", [session_id])
        db.execute("DELETE FROM respondent_sessions WHERE id = ?", [session_id])


def scrub_erased(db: Database) -> None:
    """Leave no copy of erased words in the search index's old segments or the WAL.

    A full-text delete only marks entries deleted until the index is merged, and the WAL keeps
    the pages a transaction wrote until a checkpoint; with secure_delete on, the merge and the
    checkpoint overwrite what they free. Rare and costly, so only after an erasure.
    """
    db.execute("INSERT INTO review_items_fts (review_items_fts) VALUES ('optimize')")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


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


def claim_attempt(
    db: Database, limits: list[tuple[str, int, float]], at: float, claim: str
) -> tuple[bool, list[str]]:
    """Record an attempt before it is checked, unless a limit is already reached.

    `limits` holds (subject, most attempts, window in seconds); a subject may appear with
    several windows (stepped backoff). Counting and inserting happen in one write
    transaction, so a burst of parallel requests cannot all pass the count before any is
    recorded. Return whether the attempt may go ahead, and the subjects whose limit this
    attempt filled (for the audit log: once per burst, not once per refused request).
    """
    with transaction(db):
        reached = []
        refused = False
        for subject, most, window in limits:
            count = db.execute(
                "SELECT COUNT(*) FROM sign_in_attempts WHERE subject = ? AND attempted_at >= ?",
                [subject, at - window],
            ).fetchone()[0]
            if count >= most:
                refused = True
            elif count + 1 == most:
                reached.append(subject)
        if refused:
            return False, []
        db["sign_in_attempts"].insert_all(
            {"subject": subject, "attempted_at": at, "claim": claim}
            for subject in dict.fromkeys(subject for subject, _, _ in limits)
        )
    return True, sorted(set(reached))


def settle_attempt(db: Database, claim: str) -> None:
    """Forget an attempt that succeeded, so only failures count against a limit."""
    db.execute("DELETE FROM sign_in_attempts WHERE claim = ?", [claim])


def forget_old_attempts(db: Database, before: float) -> None:
    """Forget every attempt older than a time (the longest window)."""
    db.execute("DELETE FROM sign_in_attempts WHERE attempted_at < ?", [before])


def clear_sign_in_attempts(db: Database, subject: str) -> None:
    """Forget a subject's failed attempts."""
    db.execute("DELETE FROM sign_in_attempts WHERE subject = ?", [subject])


def start_handover(
    db: Database,
    *,
    token_hash: str,
    supporter_id: int,
    campaign_code: str,
    respondent_session_id: int | None,
    at: float,
    expires_at: float,
) -> int:
    """Record that a supporter handed a tablet over; only the hash of its token is kept."""
    return (
        db["assist_handovers"]
        .insert(
            {
                "token_hash": token_hash,
                "supporter_id": supporter_id,
                "campaign_code": campaign_code,
                "respondent_session_id": respondent_session_id,
                "created_at": at,
                "expires_at": expires_at,
            }
        )
        .last_pk
    )


def note_handover_session(db: Database, handover_id: int, respondent_session_id: int) -> None:
    """Record which respondent session a hand-over's person started."""
    db.execute(
        "UPDATE assist_handovers SET respondent_session_id = ? WHERE id = ?",
        [respondent_session_id, handover_id],
    )


def end_handover(db: Database, handover_id: int, at: float) -> bool:
    """Mark a hand-over taken back; return False if it already was (it works once)."""
    ended = db.execute(
        "UPDATE assist_handovers SET taken_back_at = ? WHERE id = ? AND taken_back_at IS NULL",
        [at, handover_id],
    )
    return ended.rowcount == 1


# --- staff sessions ---


def start_staff_session(
    db: Database, *, token_hash: str, user_id: int, generation: int, at: float
) -> None:
    """Record a staff session; only the hash of the cookie's token is kept."""
    db["staff_sessions"].insert(
        {
            "token_hash": token_hash,
            "user_id": user_id,
            "generation": generation,
            "started_at": at,
            "seen_at": at,
        }
    )


def touch_staff_session(db: Database, session_id: int, at: float) -> None:
    """Move a staff session's last activity to a time."""
    db.execute("UPDATE staff_sessions SET seen_at = ? WHERE id = ?", [at, session_id])


def end_staff_session(db: Database, session_id: int, at: float) -> None:
    """End one staff session."""
    db.execute(
        "UPDATE staff_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
        [at, session_id],
    )


def end_staff_sessions_of(db: Database, user_id: int, at: float) -> None:
    """End every staff session of an account."""
    db.execute(
        "UPDATE staff_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
        [at, user_id],
    )


def forget_old_staff_sessions(db: Database, before: float) -> None:
    """Remove sessions that ended, or went idle, before a time."""
    db.execute(
        "DELETE FROM staff_sessions WHERE COALESCE(ended_at, seen_at) < ?",
        [before],
    )


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
    """Turn an unused invitation into an account.

    Return None if it was used or cancelled meanwhile, or its lead lost their access: an
    invitation is only as good as the lead who made it, at the moment it is used.
    """
    with transaction(db):
        used = db.execute(
            "UPDATE invitations SET used_at = ? WHERE id = ? AND used_at IS NULL "
            "AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM users u "
            "WHERE u.id = invitations.invited_by AND u.active = 1 AND u.role = 'lead')",
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


def revoke_invitation(db: Database, invitation_id: int) -> bool:
    """Cancel an unused invitation; return False if it was already used or cancelled."""
    revoked = db.execute(
        "UPDATE invitations SET revoked_at = ? "
        "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
        [now(), invitation_id],
    )
    return revoked.rowcount == 1


def _revoke_invitations_by(db: Database, user_id: int) -> None:
    db.execute(
        "UPDATE invitations SET revoked_at = ? "
        "WHERE invited_by = ? AND used_at IS NULL AND revoked_at IS NULL",
        [now(), user_id],
    )


def _other_active_leads(db: Database, user_id: int) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM users WHERE role = 'lead' AND active = 1 AND id != ?", [user_id]
    ).fetchone()[0]


def set_user_role(db: Database, user_id: int, role: str) -> bool:
    """Change an account's role; refuse (False) to demote the last active lead."""
    with transaction(db):
        user = db.execute("SELECT role, active FROM users WHERE id = ?", [user_id]).fetchone()
        if user is None:
            return False
        losing_a_lead = user["role"] == "lead" and user["active"] and role != "lead"
        if losing_a_lead and _other_active_leads(db, user_id) == 0:
            return False
        db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])
        if role != "lead":
            # Their invitations die with their access to make accounts.
            _revoke_invitations_by(db, user_id)
    return True


def set_user_active(db: Database, user_id: int, active: bool) -> bool:
    """Deactivate or reactivate an account; deactivating ends every session it holds.

    Refuse (False) to deactivate the last active lead, so someone can always manage accounts.
    """
    with transaction(db):
        user = db.execute("SELECT role, active FROM users WHERE id = ?", [user_id]).fetchone()
        if user is None:
            return False
        if not active and user["role"] == "lead" and _other_active_leads(db, user_id) == 0:
            return False
        db.execute(
            "UPDATE users SET active = ?, session_generation = session_generation + ? WHERE id = ?",
            [int(active), 0 if active else 1, user_id],
        )
        if not active:
            _revoke_invitations_by(db, user_id)
            db.execute(
                "UPDATE staff_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
                [datetime.now(UTC).timestamp(), user_id],
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
    "safeguarding_number",
    "max_photo_bytes",
    "max_video_bytes",
    "max_audio_bytes",
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
    with transaction(db):
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
    with transaction(db):
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


# --- evidence ---


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
    return (
        db["review_items"]
        .insert(
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
            }
        )
        .last_pk
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
        db["redactions"].insert_all(
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
    return (
        db["redactions"]
        .insert(
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
            }
        )
        .last_pk
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
            "DO UPDATE SET last_number = last_number + 1",
            [item["campaign_id"], statement_id],
        )
        number = db.execute(
            "SELECT last_number FROM evidence_ref_counters "
            "WHERE campaign_id = ? AND statement_id = ?",
            [item["campaign_id"], statement_id],
        ).fetchone()[0]
        quote_id = (
            db["quotes"]
            .insert(
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
                }
            )
            .last_pk
        )
        db["quote_statements"].insert_all(
            {"quote_id": quote_id, "statement_id": s} for s in statements
        )
    return dict(db["quotes"].get(quote_id))


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
        db["quote_statements"].insert_all({"quote_id": quote_id, "statement_id": s} for s in wanted)
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
            "INSERT OR IGNORE INTO campaign_redaction_names (campaign_id, name) VALUES (?, ?)",
            [campaign_id, name.strip()],
        )


def remove_redaction_name(db: Database, campaign_id: int, name: str) -> bool:
    """Take a name off a campaign's always-redact list; say whether it was there."""
    cursor = db.execute(
        "DELETE FROM campaign_redaction_names WHERE campaign_id = ? AND name = ?",
        [campaign_id, name],
    )
    return cursor.rowcount == 1


def set_we_will(
    db: Database, campaign_id: int, statement_id: str, text: str, by: str | None
) -> None:
    """Save what the organisation will do about a statement, for the "you said" page."""
    db.execute(
        "INSERT INTO we_will (campaign_id, statement_id, text, updated_by, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign_id, statement_id) DO UPDATE SET "
        "text = excluded.text, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        [campaign_id, statement_id, text.strip(), by, now()],
    )


def log_export(
    db: Database,
    campaign_id: int,
    export_format: str,
    file_name: str,
    *,
    quotes: int,
    media: int,
    by: str | None,
) -> int:
    """Record that an export was made, what it held and who asked for it."""
    return (
        db["export_log"]
        .insert(
            {
                "campaign_id": campaign_id,
                "format": export_format,
                "file_name": file_name,
                "quotes": quotes,
                "media": media,
                "requested_by": by,
                "created_at": now(),
            }
        )
        .last_pk
    )


def sign_off_export(
    db: Database,
    export_log_id: int,
    *,
    approved_by: str,
    role: str,
    approved_at: str,
    user_id: int | None,
) -> None:
    """Record that a lead approved a logged export for filing, with an audit entry."""
    with transaction(db):
        entry = db["export_log"].get(export_log_id)
        db["export_log"].update(
            export_log_id,
            {"approved_by": approved_by, "approved_role": role, "approved_at": approved_at},
        )
        campaign = db.execute(
            "SELECT code FROM campaigns WHERE id = ?", [entry["campaign_id"]]
        ).fetchone()
        audit(
            db,
            user_id,
            "export_sign_off",
            campaign["code"] if campaign else "",
            json.dumps(
                {
                    "export": export_log_id,
                    "format": entry["format"],
                    "approved_by": approved_by,
                    "role": role,
                    "approved_at": approved_at,
                }
            ),
        )


def add_synthetic_sessions(db: Database, campaign_id: int, sessions: list[dict]) -> None:
    """Store made-up respondents for a demo campaign, each marked as synthetic.

    Each session is a dict with respondent_group, answered_how, language, consent_quote,
    consent_media and answers: a list of (question_id, value, free_text).
    """
    stamp = now()
    with transaction(db):
        for session in sessions:
            session_id = (
                db["respondent_sessions"]
                .insert(
                    {
                        "campaign_id": campaign_id,
                        "resume_code": _unused_resume_code(db),
                        "respondent_group": session["respondent_group"],
                        "answered_how": session["answered_how"],
                        "language": session["language"],
                        "consent_take_part": 1,
                        "consent_quote": int(session["consent_quote"]),
                        "consent_media": int(session["consent_media"]),
                        "is_synthetic": 1,
                        "started_at": stamp,
                        "updated_at": stamp,
                        "finished_at": stamp,
                    }
                )
                .last_pk
            )
            db.conn.executemany(
                "INSERT INTO answers (session_id, question_id, value, free_text, created_at, "
                "updated_at, language) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (session_id, q, v, t, stamp, stamp, session["language"])
                    for q, v, t in session["answers"]
                ],
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
    db: Database,
    group_session_id: int,
    question_id: str | None,
    speaker_role: str,
    note: str,
    language: str | None = None,
) -> int:
    """Record what someone in a group said, with an anonymous speaker role.

    `language` is the language the note is written in.
    """
    stamp = now()
    return (
        db["group_notes"]
        .insert(
            {
                "group_session_id": group_session_id,
                "question_id": question_id,
                "speaker_role": speaker_role,
                "note": note,
                "language": language,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        .last_pk
    )


def update_group_note(db: Database, note_id: int, note: str, language: str | None) -> None:
    """Change the words of a group note; its redactions and quotes follow the words.

    The review item keeps every confirmed redaction where its words still are, and goes back
    to the lead to decide again if it had a quote or lost a redaction (see schema_review).
    """
    db.execute(
        "UPDATE group_notes SET note = ?, language = CASE WHEN note IS ? THEN language "
        "ELSE ? END, updated_at = ? WHERE id = ?",
        [note, note, language, now(), note_id],
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


def add_worry_contact(db: Database, flag_id: int, name: str, way: str, details: str) -> None:
    """Keep how a worried person asked to be reached, on the flag they raised."""
    db.execute(
        "UPDATE safeguarding_flags SET contact_name = ?, contact_way = ?, contact_details = ? "
        "WHERE id = ? AND reason = 'worried'",
        [name, way, details, flag_id],
    )


def decide_flag(db: Database, flag_id: int, status: str, note: str, user_id: int) -> None:
    """Record a lead's decision on a flag: no concern, referred, or could not contact."""
    db.execute(
        "UPDATE safeguarding_flags SET status = ?, decision_note = ?, decided_by = ?, "
        "decided_at = ? WHERE id = ?",
        [status, note, user_id, now(), flag_id],
    )


def remove_flag(db: Database, flag_id: int) -> None:
    """Delete a flag that holds no one's evidence."""
    db.execute("DELETE FROM safeguarding_flags WHERE id = ?", [flag_id])


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


# --- narration ---


def record_narration_texts(db: Database, clips: list[dict]) -> None:
    """Remember the text behind each clip key, so a missing clip can be rendered on demand."""
    stamp = now()
    with transaction(db):
        for clip in clips:
            db.execute(
                "INSERT OR IGNORE INTO narration_texts (clip_key, text, language, speed, "
                "created_at) VALUES (?, ?, ?, ?, ?)",
                [clip["clip_key"], clip["text"], clip["language"], clip["speed"], stamp],
            )


def set_recording(
    db: Database, campaign_id: int, text_key: str, language: str, clip_key: str
) -> str | None:
    """Attach a recorded clip to a text; return the clip key it replaced, if any."""
    with transaction(db):
        row = db.execute(
            "SELECT clip_key FROM narration_recordings "
            "WHERE campaign_id = ? AND text_key = ? AND language = ?",
            [campaign_id, text_key, language],
        ).fetchone()
        db.execute(
            "INSERT INTO narration_recordings (campaign_id, text_key, language, clip_key, "
            "created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (campaign_id, text_key, language) DO UPDATE SET "
            "clip_key = excluded.clip_key, created_at = excluded.created_at",
            [campaign_id, text_key, language, clip_key, now()],
        )
    return row["clip_key"] if row else None


def remove_recording(db: Database, campaign_id: int, text_key: str, language: str) -> str | None:
    """Detach a recorded clip from a text; return its clip key, or None if there was none."""
    with transaction(db):
        row = db.execute(
            "SELECT clip_key FROM narration_recordings "
            "WHERE campaign_id = ? AND text_key = ? AND language = ?",
            [campaign_id, text_key, language],
        ).fetchone()
        db.execute(
            "DELETE FROM narration_recordings WHERE campaign_id = ? AND text_key = ? "
            "AND language = ?",
            [campaign_id, text_key, language],
        )
    return row["clip_key"] if row else None


def set_session_settings(db: Database, session_id: int, settings: dict) -> None:
    """Store a respondent's personal settings (pictures, narration, text size and so on)."""
    db.execute(
        "UPDATE respondent_sessions SET settings = ?, updated_at = ? WHERE id = ?",
        [json.dumps(settings, sort_keys=True), now(), session_id],
    )


# --- media ---


def create_media_upload(
    db: Database,
    upload_id: str,
    session_id: int,
    kind: str,
    question_id: str | None,
    size: int,
    *,
    max_open: int,
    quota: int,
) -> bool:
    """Record a resumable upload that has been started; False if the session may not start it.

    One statement, so two uploads started at once cannot both slip under the limits: the
    session may have fewer than max_open unfinished uploads, and what it holds (finished and
    unfinished) plus this one's size may not pass quota bytes.
    """
    stamp = now()
    cursor = db.execute(
        "INSERT INTO media_uploads "
        "(id, session_id, kind, question_id, size, received, created_at, updated_at) "
        "SELECT ?, ?, ?, ?, ?, 0, ?, ? "
        "WHERE (SELECT COUNT(*) FROM media_uploads WHERE session_id = ?) < ? "
        "AND (SELECT COALESCE(SUM(size), 0) FROM media_uploads WHERE session_id = ?) "
        "+ (SELECT COALESCE(SUM(size_bytes), 0) FROM media_items WHERE session_id = ?) "
        "+ ? <= ?",
        [
            upload_id,
            session_id,
            kind,
            question_id,
            size,
            stamp,
            stamp,
            session_id,
            max_open,
            session_id,
            session_id,
            size,
            quota,
        ],
    )
    return cursor.rowcount == 1


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
    with transaction(db):
        language = db.execute(
            "SELECT language FROM respondent_sessions WHERE id = ?", [item["session_id"]]
        ).fetchone()
        item_id = (
            db["media_items"]
            .insert(
                {
                    **item,
                    "language": language[0] if language else None,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            .last_pk
        )
        db.execute(
            "UPDATE respondent_sessions SET updated_at = ? WHERE id = ?",
            [stamp, item["session_id"]],
        )
    return item_id


def set_media_consent(db: Database, item_id: int, consent: str, description: str) -> None:
    """Record how a person lets us use one media answer, and what they say it shows.

    Changed words carry the language the person is using now, as answers do.
    """
    db.execute(
        "UPDATE media_items SET consent = ?, description = ?, updated_at = ?, "
        "language = CASE WHEN description IS ? THEN language ELSE "
        "(SELECT s.language FROM respondent_sessions s WHERE s.id = media_items.session_id) "
        "END WHERE id = ?",
        [consent, description, now(), description, item_id],
    )


def delete_media_item(db: Database, item_id: int) -> None:
    """Remove one media answer (its files go when nothing else refers to them)."""
    db.execute("DELETE FROM media_items WHERE id = ?", [item_id])


# --- erasure ---


def forget_narration(db: Database, clip_keys: list[str]) -> None:
    """Remove narration texts (their clips are deleted from disk by the caller)."""
    for key in clip_keys:
        db.execute("DELETE FROM narration_texts WHERE clip_key = ?", [key])


# --- review ---


def set_you_said_published(db: Database, campaign_id: int, published: bool) -> None:
    """Publish the campaign's "you said" page for the people who took part, or take it down."""
    db.execute(
        "UPDATE campaigns SET you_said_published_at = ? WHERE id = ?",
        [now() if published else None, campaign_id],
    )


def add_group_photo(
    db: Database,
    group_session_id: int,
    description: str,
    *,
    sha256: str,
    thumb_sha256: str,
    mime: str,
    language: str | None = None,
) -> int:
    """Keep a flip-chart photo from a group session as a note whose words describe it."""
    stamp = now()
    return (
        db["group_notes"]
        .insert(
            {
                "group_session_id": group_session_id,
                "question_id": None,
                "speaker_role": "flipchart",
                "note": description,
                "photo_sha256": sha256,
                "photo_thumb_sha256": thumb_sha256,
                "photo_mime": mime,
                "language": language,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        .last_pk
    )


def add_campaign_picture(
    db: Database,
    campaign_id: int,
    alt: str,
    *,
    large_sha256: str,
    small_sha256: str,
    mime: str,
    by: int | None,
) -> int:
    """Keep a lead's own picture for a campaign's questions, with its alt text."""
    return (
        db["campaign_pictures"]
        .insert(
            {
                "campaign_id": campaign_id,
                "alt": alt,
                "large_sha256": large_sha256,
                "small_sha256": small_sha256,
                "mime": mime,
                "uploaded_by": by,
                "created_at": now(),
            }
        )
        .last_pk
    )


# --- languages ---


def set_session_language(db: Database, session_id: int, language: str) -> None:
    """Record the language a respondent chose, so it comes back with the resume code."""
    db.execute(
        "UPDATE respondent_sessions SET language = ?, updated_at = ? WHERE id = ?",
        [language, now(), session_id],
    )
