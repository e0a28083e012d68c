"""Group sessions run by advocates: their tallies and notes.

Their tables are made by the `engage.assist` migrations in `safeguarding`.
"""

from __future__ import annotations

import json

from engage.store import Database, fetch_all, fetch_one, now

# --- Reads ---


def group_session(db: Database, group_session_id: int) -> dict | None:
    """Return a group session with its question ids decoded."""
    row = fetch_one(db, "SELECT * FROM group_sessions WHERE id = ?", [group_session_id])
    if row:
        row["question_ids"] = json.loads(row["question_ids"])
    return row


def advocate_group_sessions(db: Database, advocate_id: int) -> list[dict]:
    """Return an advocate's group sessions, newest first, with their campaign's title."""
    return fetch_all(
        db,
        "SELECT g.*, c.title, c.code FROM group_sessions g "
        "JOIN campaigns c ON c.id = g.campaign_id WHERE g.advocate_id = ? ORDER BY g.id DESC",
        [advocate_id],
    )


def recent_group_details(db: Database, advocate_id: int) -> dict:
    """Return the places and sizes an advocate entered before, newest first, to offer again."""
    rows = db.execute(
        "SELECT place, group_size, respondent_group FROM group_sessions WHERE advocate_id = ? "
        "ORDER BY id DESC LIMIT 50",
        [advocate_id],
    ).fetchall()
    places = list(dict.fromkeys(row["place"] for row in rows))[:10]
    return {"places": places, "last": dict(rows[0]) if rows else None}


def group_tallies(db: Database, group_session_id: int) -> dict[str, dict]:
    """Return a group session's tallies keyed by question id, counts decoded."""
    rows = db.execute(
        "SELECT * FROM group_tallies WHERE group_session_id = ?", [group_session_id]
    ).fetchall()
    tallies = {}
    for row in rows:
        tally = dict(row)
        tally["counts"] = json.loads(tally["counts"])
        tallies[tally["question_id"]] = tally
    return tallies


def group_notes(db: Database, group_session_id: int) -> list[dict]:
    """Return the notes of a group session, oldest first."""
    return fetch_all(
        db, "SELECT * FROM group_notes WHERE group_session_id = ? ORDER BY id", [group_session_id]
    )


def group_note(db: Database, note_id: int) -> dict | None:
    """Return one group note with its group session's place and campaign, or None."""
    return fetch_one(
        db,
        "SELECT n.*, g.campaign_id, g.place, g.respondent_group FROM group_notes n "
        "JOIN group_sessions g ON g.id = n.group_session_id WHERE n.id = ?",
        [note_id],
    )


# --- Writes ---


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
    return db.insert(
        "group_sessions",
        {
            "campaign_id": campaign_id,
            "advocate_id": advocate_id,
            "place": place,
            "group_size": group_size,
            "respondent_group": respondent_group,
            "question_ids": json.dumps(question_ids),
            "created_at": now(),
        },
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
    return db.insert(
        "group_notes",
        {
            "group_session_id": group_session_id,
            "question_id": question_id,
            "speaker_role": speaker_role,
            "note": note,
            "language": language,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )


def update_group_note(db: Database, note_id: int, note: str, language: str | None) -> None:
    """Change the words of a group note; its redactions and quotes follow the words.

    The review item keeps every confirmed redaction where its words still are, and goes back
    to the lead to decide again if it had a quote or lost a redaction (see the review migrations).
    """
    db.execute(
        "UPDATE group_notes SET note = ?, "
        "language = CASE WHEN note IS NOT DISTINCT FROM ? THEN language "
        "ELSE ? END, updated_at = ? WHERE id = ?",
        [note, note, language, now(), note_id],
    )


def finish_group_session(db: Database, group_session_id: int) -> None:
    """Mark a group session as finished."""
    db.execute(
        "UPDATE group_sessions SET finished_at = COALESCE(finished_at, ?) WHERE id = ?",
        [now(), group_session_id],
    )
