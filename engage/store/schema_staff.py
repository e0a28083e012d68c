"""Staff accounts, invitations, sign-in attempts and the append-only audit log."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from engage.store.schema import run_script

staff = Migrations("engage.staff")


@staff(name="0001_users_invitations_audit")
def _users_invitations_audit(db: Database) -> None:
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
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log can only be appended to'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log can only be appended to'); END
        """,
    )


@staff(name="0002_server_sessions_attempts_handovers")
def _server_sessions_attempts_handovers(db: Database) -> None:
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
