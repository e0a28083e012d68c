"""Narration: the texts a clip can be rendered from, recorded voices, and claims on work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database as SqliteDatabase
from sqlite_utils import Migrations

from engage.store import Database, fetch_all, fetch_one, now, run_script, transaction

# --- Reads ---


def narration_text(db: Database, clip_key: str) -> dict | None:
    """Return the text, language and speed a clip key stands for, or None."""
    return fetch_one(db, "SELECT * FROM narration_texts WHERE clip_key = ?", [clip_key])


def narration_texts(db: Database) -> list[dict]:
    """Return every text registered for narration."""
    return fetch_all(db, "SELECT * FROM narration_texts ORDER BY created_at")


def narration_clip_keys(db: Database) -> set[str]:
    """Return the clip key of every registered text."""
    return {row[0] for row in db.execute("SELECT clip_key FROM narration_texts")}


def recordings_for_campaign(db: Database, campaign_id: int) -> dict[tuple[str, str], str]:
    """Return (text key, language) -> recorded clip key for a campaign."""
    rows = db.execute(
        "SELECT text_key, language, clip_key FROM narration_recordings WHERE campaign_id = ?",
        [campaign_id],
    ).fetchall()
    return {(row["text_key"], row["language"]): row["clip_key"] for row in rows}


def recorded_clip_in_use(db: Database, clip_key: str) -> bool:
    """Say whether any campaign still uses a recorded clip."""
    return bool(
        db.execute("SELECT 1 FROM narration_recordings WHERE clip_key = ?", [clip_key]).fetchone()
    )


def narration_keys_for_texts(db: Database, texts: set[str]) -> list[str]:
    """Return the clip keys of any narration made from these exact texts."""
    if not texts:
        return []
    marks = ", ".join("?" for _ in texts)
    return [
        row[0]
        for row in db.execute(
            f"SELECT clip_key FROM narration_texts WHERE text IN ({marks})", list(texts)
        )
    ]


# --- Writes ---


def record_narration_texts(db: Database, clips: list[dict]) -> None:
    """Remember the text behind each clip key, so a missing clip can be rendered on demand."""
    stamp = now()
    with transaction(db):
        for clip in clips:
            db.execute(
                "INSERT INTO narration_texts (clip_key, text, language, speed, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
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


def claim_work(db: Database, name: str, holder: str, lease_seconds: int) -> bool:
    """Claim a piece of work (a clip to make, an upload to write) for `holder`; say if it is ours.

    One statement, the same on SQLite and PostgreSQL: a new claim is inserted, and a claim
    already there is taken over only when its lease has run out, which is how the work of a
    server that died is picked up. Two servers asking at once: exactly one gets the row.
    """
    stamp = datetime.now(UTC).replace(microsecond=0)
    expires = (stamp + timedelta(seconds=lease_seconds)).isoformat()
    cursor = db.execute(
        "INSERT INTO work_claims (name, holder, expires_at) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
        "expires_at = excluded.expires_at WHERE work_claims.expires_at < ?",
        [name, holder, expires, stamp.isoformat()],
    )
    return cursor.rowcount == 1


def release_work(db: Database, name: str, holder: str) -> None:
    """Give up a claim, if it is still this holder's (one taken over is the new holder's)."""
    db.execute("DELETE FROM work_claims WHERE name = ? AND holder = ?", [name, holder])


def forget_narration(db: Database, clip_keys: list[str]) -> None:
    """Remove narration texts (their clips are deleted from disk by the caller)."""
    for key in clip_keys:
        db.execute("DELETE FROM narration_texts WHERE clip_key = ?", [key])


# --- Migrations: engage.narration ---

# Narration tables: the texts a clip can be rendered from, and recorded voices.

narration = Migrations("engage.narration")


@narration(name="0001_narration_texts_recordings")
def _texts_recordings(db: SqliteDatabase) -> None:
    run_script(
        db,
        """
        CREATE TABLE narration_texts (
            clip_key TEXT PRIMARY KEY,            -- hash of text, voice, rate and engine
            text TEXT NOT NULL,
            language TEXT NOT NULL,
            speed TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE narration_recordings (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            text_key TEXT NOT NULL,               -- media.narration.text_key(text, language)
            language TEXT NOT NULL,
            clip_key TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (campaign_id, text_key, language)
        );
        """,
    )


@narration(name="0002_work_claims")
def _work_claims(db: SqliteDatabase) -> None:
    # Work that any app server may do but only one should: making a clip, writing an upload's
    # next chunk. A claim is a row; its lease lets another server take over from one that died.
    run_script(
        db,
        """
        CREATE TABLE work_claims (
            name TEXT NOT NULL PRIMARY KEY,       -- 'clip:<clip key>' or 'upload:<upload id>'
            holder TEXT NOT NULL,                 -- a random token of the claimant
            expires_at TEXT NOT NULL              -- ISO 8601 UTC: after it, anyone may take over
        );
        """,
    )
