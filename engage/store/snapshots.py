"""Read and write a campaign's published snapshots (see schema_snapshots)."""

from __future__ import annotations

from sqlite_utils import Database

from engage.store import writes


def latest(db: Database, campaign_id: int) -> dict | None:
    """Return the campaign's newest snapshot, or None if none has been taken."""
    row = db.execute(
        "SELECT id, taken_at, taken_on, at_close, people, answers, participants "
        "FROM published_snapshots WHERE campaign_id = ? ORDER BY id DESC LIMIT 1",
        [campaign_id],
    ).fetchone()
    return dict(row) if row else None


def take(
    db: Database,
    campaign_id: int,
    *,
    at_close: bool,
    people: int,
    answers: bytes,
    participants: bytes,
) -> dict:
    """Store a new snapshot in place of the campaign's older ones, and return it."""
    taken_at = writes.now()
    with writes.transaction(db):
        db.execute("DELETE FROM published_snapshots WHERE campaign_id = ?", [campaign_id])
        cursor = db.execute(
            "INSERT INTO published_snapshots "
            "(campaign_id, taken_at, taken_on, at_close, people, answers, participants) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [campaign_id, taken_at, taken_at[:10], int(at_close), people, answers, participants],
        )
    return {
        "id": cursor.lastrowid,
        "taken_at": taken_at,
        "taken_on": taken_at[:10],
        "at_close": int(at_close),
        "people": people,
        "answers": answers,
        "participants": participants,
    }
