"""Answers given on a device without a connection, taken in from its outbox exactly once.

A device sends each finished person as one bundle under an id it made itself. The id is the
primary key of `offline_intake`, written in the same transaction as the person's answers, so a
bundle sent again (a retry after a lost reply, a second tab) finds its row and changes nothing.
A bundle the campaign can no longer take (closed, or its questions changed) is kept whole, with
its reason, for the lead to look at: nothing a person gave is thrown away. The rest of a journey
begun online joins the session it began in, when the device can say which one that was.
"""

from __future__ import annotations

import json

from sqlite_utils import Database as SqliteDatabase
from sqlite_utils import Migrations

from engage.store import Database, now, respondents, run_script, transaction

outbox = Migrations("engage.outbox")


@outbox(name="0001_offline_intake")
def _offline_intake(db: SqliteDatabase) -> None:
    run_script(
        db,
        """
        CREATE TABLE offline_intake (
            id TEXT PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            received_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('taken', 'held')),
            reason TEXT,
            session_id INTEGER REFERENCES respondent_sessions(id) ON DELETE SET NULL,
            bundle TEXT
        );
        CREATE INDEX offline_intake_campaign ON offline_intake(campaign_id, status);
        ALTER TABLE respondent_sessions ADD COLUMN answered_offline INTEGER NOT NULL DEFAULT 0;
        """,
    )


def intake_row(db: Database, item_id: str) -> dict | None:
    """Return what became of an outbox item already received, or None."""
    row = db.execute(
        "SELECT id, campaign_id, status, reason, session_id, received_at "
        "FROM offline_intake WHERE id = ?",
        [item_id],
    ).fetchone()
    return dict(row) if row else None


def take_bundle(db: Database, item_id: str, campaign_id: int, bundle: dict) -> dict:
    """Record one person's answers given offline, once; return the intake row.

    The session, its answers and the intake row are one transaction: either all are there or
    none, so a retry after a failure starts again cleanly and a retry after success does nothing.
    Each answer keeps the time it was given on the device.
    """
    with transaction(db):
        # The same bundle sent twice at once: the second waits, then finds the first's row.
        db.lock(f"offline-intake:{item_id}")
        seen = intake_row(db, item_id)
        if seen is not None:
            return seen
        respondent = respondents.start_session(
            db, campaign_id, bundle["consent"], bundle["language"]
        )
        session_id = respondent["id"]
        respondents.set_who(db, session_id, bundle["respondent_group"], bundle["answered_how"])
        for answer in bundle["answers"]:
            respondents.save_answer(
                db, session_id, answer["question_id"], answer["value"], answer["free_text"]
            )
            db.execute(
                "UPDATE answers SET created_at = ?, updated_at = ? "
                "WHERE session_id = ? AND question_id = ?",
                [answer["given_at"], answer["given_at"], session_id, answer["question_id"]],
            )
        respondents.finish_session(db, session_id)
        db.execute(
            "UPDATE respondent_sessions SET answered_offline = 1, started_at = ?, "
            "finished_at = ? WHERE id = ?",
            [bundle["started_at"], bundle["finished_at"], session_id],
        )
        db.execute(
            "INSERT INTO offline_intake (id, campaign_id, received_at, status, session_id) "
            "VALUES (?, ?, ?, 'taken', ?)",
            [item_id, campaign_id, now(), session_id],
        )
        return intake_row(db, item_id)


def join_bundle(
    db: Database, item_id: str, campaign_id: int, session_id: int, bundle: dict
) -> dict:
    """Add the rest of a journey begun online to the session it began in, once; return the row.

    The connection went part-way through: the device kept what came next, and the person's
    session already holds their consent, who they are and their first answers, which stay as
    given. Each answer from the device is later than any online one to the same question, so
    it replaces it. The session is then finished, and marked as answered (in part) offline.
    """
    with transaction(db):
        # The same bundle sent twice at once: the second waits, then finds the first's row.
        db.lock(f"offline-intake:{item_id}")
        seen = intake_row(db, item_id)
        if seen is not None:
            return seen
        for answer in bundle["answers"]:
            respondents.save_answer(
                db, session_id, answer["question_id"], answer["value"], answer["free_text"]
            )
            db.execute(
                "UPDATE answers SET created_at = CASE WHEN created_at < :given THEN created_at "
                "ELSE :given END, updated_at = :given "
                "WHERE session_id = :session AND question_id = :question",
                {
                    "given": answer["given_at"],
                    "session": session_id,
                    "question": answer["question_id"],
                },
            )
        respondents.finish_session(db, session_id)
        db.execute(
            "UPDATE respondent_sessions SET answered_offline = 1, finished_at = ? WHERE id = ?",
            [bundle["finished_at"], session_id],
        )
        db.execute(
            "INSERT INTO offline_intake (id, campaign_id, received_at, status, reason, "
            "session_id) VALUES (?, ?, ?, 'taken', 'joined', ?)",
            [item_id, campaign_id, now(), session_id],
        )
        return intake_row(db, item_id)


def hold_bundle(db: Database, item_id: str, campaign_id: int, bundle: dict, reason: str) -> dict:
    """Keep a bundle the campaign cannot take now, whole, for the lead; return the intake row."""
    with transaction(db):
        # The same bundle sent twice at once: the second waits, then finds the first's row.
        db.lock(f"offline-intake:{item_id}")
        seen = intake_row(db, item_id)
        if seen is not None:
            return seen
        db.execute(
            "INSERT INTO offline_intake (id, campaign_id, received_at, status, reason, bundle) "
            "VALUES (?, ?, ?, 'held', ?, ?)",
            [item_id, campaign_id, now(), reason, json.dumps(bundle, ensure_ascii=False)],
        )
        return intake_row(db, item_id)


def held_bundles(db: Database, campaign_id: int) -> list[dict]:
    """Return the bundles kept for the lead because the campaign could not take them."""
    rows = db.execute(
        "SELECT id, received_at, reason FROM offline_intake "
        "WHERE campaign_id = ? AND status = 'held' ORDER BY received_at",
        [campaign_id],
    ).fetchall()
    return [dict(row) for row in rows]


def offline_count(db: Database, campaign_id: int) -> int:
    """Return how many people's answers for the campaign came in from a device's outbox."""
    return db.execute(
        "SELECT COUNT(*) FROM offline_intake WHERE campaign_id = ? AND status = 'taken'",
        [campaign_id],
    ).fetchone()[0]
