"""Frozen copies of what a campaign's evidence is published from.

Exports and the leads' evidence pages read a campaign's answers and who took part from its
latest snapshot, never the live tables, so two exports can never differ by one person
(see engage/snapshots.py for when one is taken).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from engage.store.schema import run_script

snapshots = Migrations("engage.snapshots")


@snapshots(name="0001_published_snapshots")
def _published_snapshots(db: Database) -> None:
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
        -- Erasing a person erases every copy of their answers: the campaign's snapshots go,
        -- and the next export takes a fresh one.
        CREATE TRIGGER respondent_sessions_delete_snapshots
        AFTER DELETE ON respondent_sessions
        BEGIN
            DELETE FROM published_snapshots WHERE campaign_id = OLD.campaign_id;
        END;
        """,
    )
