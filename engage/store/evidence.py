"""Evidence: what exports read (answers, quotes, tallies, media), the export log, sign-off,
"we will" responses and the published snapshots.
"""

from __future__ import annotations

import json

from sqlite_utils import Database as SqliteDatabase
from sqlite_utils import Migrations

from engage.store import Database, fetch_all, fetch_one, now, run_script, transaction
from engage.store.engine import json_array, json_list
from engage.store.review import ITEM_CONSENT, ITEM_WHO, item_context, item_from_row
from engage.store.staff import audit

# --- Reads ---


def we_will(db: Database, campaign_id: int) -> dict[str, str]:
    """Return the campaign's "we will" text for each statement that has one."""
    rows = db.execute(
        "SELECT statement_id, text FROM we_will WHERE campaign_id = ?", [campaign_id]
    ).fetchall()
    return {row["statement_id"]: row["text"] for row in rows}


def export_log(db: Database, campaign_id: int) -> list[dict]:
    """Return the campaign's exports, newest first."""
    return fetch_all(
        db, "SELECT * FROM export_log WHERE campaign_id = ? ORDER BY id DESC", [campaign_id]
    )


def evidence_answers(db: Database, campaign_id: int):
    """Yield every scale answer of a campaign with who gave it and how."""
    yield from db.execute(
        """
        SELECT s.id AS session_id, q.statement_id, a.question_id, a.value,
               s.respondent_group, s.answered_how, s.language
        FROM answers a
        JOIN respondent_sessions s ON s.id = a.session_id
        JOIN campaign_questions q ON q.campaign_id = s.campaign_id AND q.question_id = a.question_id
        WHERE s.campaign_id = ?
        """,
        [campaign_id],
    )


def evidence_answer_dates(db: Database, campaign_id: int) -> tuple[str, str]:
    """Return the first and last time anyone answered, people or group tallies ("" if none)."""
    row = db.execute(
        """
        SELECT MIN(at) AS first, MAX(at) AS last FROM (
            SELECT a.updated_at AS at FROM answers a
            JOIN respondent_sessions s ON s.id = a.session_id WHERE s.campaign_id = ?
            UNION ALL
            SELECT t.updated_at FROM group_tallies t
            JOIN group_sessions g ON g.id = t.group_session_id WHERE g.campaign_id = ?
        ) AS dated
        """,
        [campaign_id, campaign_id],
    ).fetchone()
    return row["first"] or "", row["last"] or ""


def evidence_group_tallies(db: Database, campaign_id: int):
    """Yield every group tally of a campaign: one row per question, counts as JSON.

    Each row is a whole group's record (answered_how 'group'), with its group session.
    """
    yield from db.execute(
        """
        SELECT t.group_session_id, q.statement_id, t.question_id, t.counts, t.total,
               t.answered_how, t.updated_at, g.respondent_group
        FROM group_tallies t
        JOIN group_sessions g ON g.id = t.group_session_id
        JOIN campaign_questions q ON q.campaign_id = g.campaign_id AND q.question_id = t.question_id
        WHERE g.campaign_id = ?
        ORDER BY t.group_session_id, q.position
        """,
        [campaign_id],
    )


def evidence_quotes(db: Database, campaign_id: int):
    """Yield every quote of a campaign with its item's words, redactions and context."""
    statements = json_list(db.engine, "statement_id", order="statement_id")
    spans = json_list(
        db.engine, json_array(db.engine, "r.start_offset", "r.end_offset", "r.kind"), order="r.id"
    )
    yield from db.execute(
        f"""
        SELECT qt.evidence_ref, qt.start_offset, qt.end_offset, qt.strength,
               qt.english_translation, qt.withdrawn_at,
               ri.text AS item_text, ri.included, ri.suggested_at, ri.created_at AS item_date,
               ri.words_changed_at, COALESCE(ri.language, s.language) AS language,
               {ITEM_WHO}, {ITEM_CONSENT},
               ri.session_id, ri.held_for_safeguarding AS item_held,
               COALESCE(s.answered_offline, 0) AS answered_offline,
               (SELECT {statements} FROM quote_statements t
                 WHERE t.quote_id = qt.id) AS statement_ids,
               (SELECT {spans} FROM redactions r
                 WHERE r.review_item_id = ri.id AND r.status = 'confirmed')
                 AS confirmed_redactions,
               (SELECT COUNT(*) FROM redactions r
                 WHERE r.review_item_id = ri.id AND r.status = 'suggested')
                 AS pending_redactions
        FROM quotes qt
        JOIN review_items ri ON ri.id = qt.review_item_id
        LEFT JOIN respondent_sessions s ON s.id = ri.session_id
        WHERE qt.campaign_id = ?
        ORDER BY qt.statement_id, qt.id
        """,  # noqa: S608 - constant SQL
        [campaign_id],
    )


def evidence_media(db: Database, campaign_id: int) -> list[dict]:
    """Return the campaign's media items with their descriptions and consent."""
    rows = db.execute(
        f"{item_context(db.engine)} WHERE ri.campaign_id = ? AND ri.item_kind = 'media' "
        "ORDER BY ri.id",
        [campaign_id],
    ).fetchall()
    return [item_from_row(row) for row in rows]


def evidence_participants(db: Database, campaign_id: int):
    """Yield each session of a campaign: who, how, in which language, finished, offline."""
    yield from db.execute(
        "SELECT s.id, s.respondent_group, s.answered_how, s.language, s.finished_at, "
        "s.answered_offline "
        "FROM respondent_sessions s WHERE s.campaign_id = ?",
        [campaign_id],
    )


def evidence_group_sessions(db: Database, campaign_id: int):
    """Yield each group session of a campaign that counted anyone, oldest first.

    `people` is the most people who answered any one of its questions: those present who
    chose no answer at all are not counted as taking part.
    """
    yield from db.execute(
        """
        SELECT g.id, g.place, g.respondent_group, g.group_size, g.created_at, g.finished_at,
               MAX(t.total) AS people
        FROM group_sessions g JOIN group_tallies t ON t.group_session_id = g.id
        WHERE g.campaign_id = ?
        GROUP BY g.id HAVING MAX(t.total) > 0
        ORDER BY g.created_at, g.id
        """,
        [campaign_id],
    )


# --- Writes ---


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
    return db.insert(
        "export_log",
        {
            "campaign_id": campaign_id,
            "format": export_format,
            "file_name": file_name,
            "quotes": quotes,
            "media": media,
            "requested_by": by,
            "created_at": now(),
        },
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
        entry = db.get("export_log", export_log_id)
        db.update(
            "export_log",
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


def latest_snapshot(db: Database, campaign_id: int) -> dict | None:
    """Return the campaign's newest snapshot, or None if none has been taken."""
    return fetch_one(
        db,
        "SELECT id, taken_at, taken_on, at_close, people, answers, participants "
        "FROM published_snapshots WHERE campaign_id = ? ORDER BY id DESC LIMIT 1",
        [campaign_id],
    )


def take_snapshot(
    db: Database,
    campaign_id: int,
    *,
    at_close: bool,
    people: int,
    answers: bytes,
    participants: bytes,
) -> dict:
    """Store a new snapshot in place of the campaign's older ones, and return it."""
    taken_at = now()
    with transaction(db):
        db.execute("DELETE FROM published_snapshots WHERE campaign_id = ?", [campaign_id])
        record = {
            "campaign_id": campaign_id,
            "taken_at": taken_at,
            "taken_on": taken_at[:10],
            "at_close": int(at_close),
            "people": people,
            "answers": answers,
            "participants": participants,
        }
        snapshot_id = db.insert("published_snapshots", record)
    return {"id": snapshot_id, **record}


# --- Migrations: engage.snapshots ---

# Frozen copies of what a campaign's evidence is published from.
#
# Exports and the leads' evidence pages read a campaign's answers and who took part from its
# latest snapshot, never the live tables, so two exports can never differ by one person
# (see engage/snapshots.py for when one is taken).

snapshots = Migrations("engage.snapshots")


@snapshots(name="0001_published_snapshots")
def _published_snapshots(db: SqliteDatabase) -> None:
    run_script(
        db,
        """
        CREATE TABLE published_snapshots (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            taken_at TEXT NOT NULL,
            taken_on TEXT NOT NULL,           -- the UTC day, for "at most once a day"
            at_close INTEGER NOT NULL DEFAULT 0,
            people INTEGER NOT NULL,          -- respondents and group sessions held in it
            answers BLOB NOT NULL,            -- zlib-compressed JSON list of answer records
            participants BLOB NOT NULL        -- the same for who took part
        );
        CREATE INDEX published_snapshots_campaign ON published_snapshots(campaign_id, id);
        """,
    )
    for trigger in snapshot_triggers():
        db.execute(trigger)


def snapshot_triggers() -> list[str]:
    """Return the trigger that erases a campaign's snapshots with a person, in SQLite's form.

    Erasing a person erases every copy of their answers: the campaign's snapshots go, and
    the next export takes a fresh one. It is written the same for both engines.
    """
    return [
        """CREATE TRIGGER respondent_sessions_delete_snapshots
        AFTER DELETE ON respondent_sessions
        BEGIN
            DELETE FROM published_snapshots WHERE campaign_id = OLD.campaign_id;
        END"""
    ]
