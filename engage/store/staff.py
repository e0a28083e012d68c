"""Staff: accounts, invitations, sign-in (sessions, attempts, handovers) and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database as SqliteDatabase
from sqlite_utils import Migrations

from engage.store import Database, fetch_all, fetch_one, now, run_script, transaction
from engage.store.triggers import SQLITE, refuse

# --- Reads ---


def user_by_id(db: Database, user_id: int) -> dict | None:
    """Return a staff account by id."""
    return fetch_one(db, "SELECT * FROM users WHERE id = ?", [user_id])


def user_by_email(db: Database, email: str) -> dict | None:
    """Return a staff account by e-mail address (any case)."""
    return fetch_one(db, "SELECT * FROM users WHERE lower(email) = lower(?)", [email.strip()])


def staff_session_by_token_hash(db: Database, token_hash: str) -> dict | None:
    """Return the staff session whose cookie token has this hash, or None."""
    return fetch_one(db, "SELECT * FROM staff_sessions WHERE token_hash = ?", [token_hash])


def handover_by_token_hash(db: Database, token_hash: str) -> dict | None:
    """Return the tablet hand-over whose token has this hash, or None."""
    return fetch_one(db, "SELECT * FROM assist_handovers WHERE token_hash = ?", [token_hash])


def count_users(db: Database, role: str | None = None) -> int:
    """Count staff accounts, optionally of one role."""
    if role:
        return db.execute("SELECT COUNT(*) FROM users WHERE role = ?", [role]).fetchone()[0]
    return db.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def audit_entries(db: Database, limit: int = 200, offset: int = 0) -> list[dict]:
    """Return audit entries, newest first, with the staff member's name."""
    return fetch_all(
        db,
        "SELECT a.*, u.name AS user_name FROM audit_log a LEFT JOIN users u ON u.id = a.user_id "
        "ORDER BY a.id DESC LIMIT ? OFFSET ?",
        [limit, offset],
    )


def users_all(db: Database) -> list[dict]:
    """Return every staff account, leads first, then by name."""
    return fetch_all(
        db,
        "SELECT id, email, name, role, active, created_at FROM users "
        "ORDER BY active DESC, CASE role WHEN 'lead' THEN 0 ELSE 1 END, lower(name), name",
    )


def invitation_by_id(db: Database, invitation_id: int) -> dict | None:
    """Return an invitation by id, or None."""
    return fetch_one(db, "SELECT * FROM invitations WHERE id = ?", [invitation_id])


def invitation_by_token_hash(db: Database, token_hash: str) -> dict | None:
    """Return the invitation whose token has this hash, or None."""
    return fetch_one(db, "SELECT * FROM invitations WHERE token_hash = ?", [token_hash])


def pending_invitations(db: Database, at: str) -> list[dict]:
    """Return invitations not yet used and not expired at a time, newest first."""
    return fetch_all(
        db,
        "SELECT i.id, i.email, i.role, i.created_at, i.expires_at, u.name AS invited_by_name "
        "FROM invitations i JOIN users u ON u.id = i.invited_by "
        "WHERE i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ? "
        "AND u.active = 1 AND u.role = 'lead' ORDER BY i.id DESC",
        [at],
    )


def active_users(db: Database, role: str) -> list[dict]:
    """Return the active staff of one role, by name."""
    return fetch_all(
        db,
        "SELECT id, name, email FROM users WHERE role = ? AND active = 1 ORDER BY name, id",
        [role],
    )


def supporter_sessions(
    db: Database, supporter_id: int, *, now: float, open_after: float, limit: int = 50
) -> list[dict]:
    """Return the sessions a supporter may still open, newest first.

    That is a session their own hand-over is live for, or was taken back from after
    `open_after`, and that no safeguarding flag was ever raised on.
    """
    return fetch_all(
        db,
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
    )


def latest_handover(db: Database, supporter_id: int, session_id: int) -> dict | None:
    """Return a supporter's most recent hand-over of a respondent session."""
    return fetch_one(
        db,
        "SELECT * FROM assist_handovers WHERE supporter_id = ? AND respondent_session_id = ? "
        "ORDER BY id DESC LIMIT 1",
        [supporter_id, session_id],
    )


# --- Writes ---


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
    return db.insert(
        "users",
        {
            "email": email.strip(),
            "name": name.strip(),
            "role": role,
            "password_hash": password_hash,
            "invited_by": invited_by,
            "created_at": now(),
        },
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
        for subject in sorted({subject for subject, _, _ in limits}):
            db.lock(f"sign-in-attempts:{subject}")
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
        db.insert_all(
            "sign_in_attempts",
            [
                {"subject": subject, "attempted_at": at, "claim": claim}
                for subject in dict.fromkeys(subject for subject, _, _ in limits)
            ],
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
    return db.insert(
        "assist_handovers",
        {
            "token_hash": token_hash,
            "supporter_id": supporter_id,
            "campaign_code": campaign_code,
            "respondent_session_id": respondent_session_id,
            "created_at": at,
            "expires_at": expires_at,
        },
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


def start_staff_session(
    db: Database, *, token_hash: str, user_id: int, generation: int, at: float
) -> None:
    """Record a staff session; only the hash of the cookie's token is kept."""
    db.insert(
        "staff_sessions",
        {
            "token_hash": token_hash,
            "user_id": user_id,
            "generation": generation,
            "started_at": at,
            "seen_at": at,
        },
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
    db.insert(
        "audit_log",
        {"at": now(), "user_id": user_id, "action": action, "subject": subject, "detail": detail},
    )


def create_invitation(
    db: Database, *, token_hash: str, email: str, role: str, invited_by: int, expires_at: str
) -> int:
    """Store an invitation to make an account; only the token's hash is kept."""
    return db.insert(
        "invitations",
        {
            "token_hash": token_hash,
            "email": email.strip(),
            "role": role,
            "invited_by": invited_by,
            "created_at": now(),
            "expires_at": expires_at,
        },
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
        # Two leads stepping down at once must not both see the other still active.
        db.lock("active-leads")
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
        # Two leads stepping down at once must not both see the other still active.
        db.lock("active-leads")
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


def set_pin_hash(db: Database, user_id: int, pin_hash: str | None) -> None:
    """Store (or clear) the hash of a staff member's tablet PIN."""
    db.execute("UPDATE users SET pin_hash = ? WHERE id = ?", [pin_hash, user_id])


# --- Migrations: engage.staff ---

# Staff accounts, invitations, sign-in attempts and the append-only audit log.

staff = Migrations("engage.staff")


@staff(name="0001_users_invitations_audit")
def _users_invitations_audit(db: SqliteDatabase) -> None:
    run_script(
        db,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('lead', 'supporter', 'advocate')),
            password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            session_generation INTEGER NOT NULL DEFAULT 0,
            pin_hash TEXT,
            invited_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE TABLE invitations (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            email TEXT NOT NULL COLLATE NOCASE,
            role TEXT NOT NULL CHECK (role IN ('lead', 'supporter', 'advocate')),
            invited_by INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE TABLE sign_in_attempts (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            attempted_at REAL NOT NULL
        );
        CREATE INDEX sign_in_attempts_subject ON sign_in_attempts(subject, attempted_at);
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_id INTEGER,
            action TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT ''
        );
        """,
    )
    for trigger in audit_log_triggers(SQLITE):
        db.execute(trigger)


def audit_log_triggers(engine: str) -> list[str]:
    """Return the triggers that let the audit log only be added to, in SQLite's form."""
    refusal = refuse(engine, "the audit log can only be appended to")
    return [
        f"CREATE TRIGGER audit_log_no_{change.lower()} BEFORE {change} ON audit_log\n"
        f"        BEGIN {refusal} END"
        for change in ("UPDATE", "DELETE")
    ]


@staff(name="0002_server_sessions_attempts_handovers")
def _server_sessions_attempts_handovers(db: SqliteDatabase) -> None:
    run_script(
        db,
        """
        CREATE TABLE staff_sessions (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_id INTEGER NOT NULL REFERENCES users(id),
            generation INTEGER NOT NULL,
            started_at REAL NOT NULL,
            seen_at REAL NOT NULL,
            ended_at REAL
        );
        CREATE INDEX staff_sessions_user ON staff_sessions(user_id);
        -- An attempt is written before it is verified (claim), and removed when it succeeds:
        -- what is left are failures and attempts still being checked.
        ALTER TABLE sign_in_attempts ADD COLUMN claim TEXT NOT NULL DEFAULT '';
        CREATE INDEX sign_in_attempts_claim ON sign_in_attempts(claim);
        ALTER TABLE invitations ADD COLUMN revoked_at TEXT;
        CREATE TABLE assist_handovers (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            supporter_id INTEGER NOT NULL REFERENCES users(id),
            campaign_code TEXT NOT NULL,
            respondent_session_id INTEGER,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            taken_back_at REAL
        );
        """,
    )
