"""Narration tables: the texts a clip can be rendered from, and recorded voices."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from engage.store.schema import run_script

narration = Migrations("engage.narration")


@narration(name="0001_narration_texts_recordings")
def _texts_recordings(db: Database) -> None:
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
