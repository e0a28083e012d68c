"""Tables for drawings, photos, video and voice given as answers, and their uploads."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from engage.store.schema import run_script

media = Migrations("engage.media")


@media(name="0001_media_items_uploads_limits")
def _media_items_uploads_limits(db: Database) -> None:
    run_script(
        db,
        """
        ALTER TABLE campaigns ADD COLUMN max_video_bytes INTEGER NOT NULL DEFAULT 524288000;
        ALTER TABLE campaigns ADD COLUMN max_photo_bytes INTEGER NOT NULL DEFAULT 20971520;
        ALTER TABLE campaigns ADD COLUMN max_audio_bytes INTEGER NOT NULL DEFAULT 52428800;
        CREATE TABLE media_uploads (
            id TEXT PRIMARY KEY,                  -- random token, which also names the part file
            session_id INTEGER NOT NULL REFERENCES respondent_sessions(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('drawing', 'photo', 'video', 'audio')),
            question_id TEXT,                     -- NULL: the "tell us anything" page
            size INTEGER NOT NULL,
            received INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX media_uploads_session ON media_uploads(session_id);
        CREATE TABLE media_items (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES respondent_sessions(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('drawing', 'photo', 'video', 'audio')),
            question_id TEXT,                     -- NULL: the "tell us anything" page
            sha256 TEXT NOT NULL,                 -- the cleaned file, in the blob store
            mime TEXT NOT NULL,
            ext TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            thumb_sha256 TEXT,                    -- pictures: a small copy
            poster_sha256 TEXT,                   -- video: a frame to show before it plays
            width INTEGER,
            height INTEGER,
            duration_seconds REAL,
            consent TEXT CHECK (consent IN ('report', 'words', 'private')),
            description TEXT NOT NULL DEFAULT '',
            reviewer_description TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX media_items_session ON media_items(session_id, question_id);
        """,
    )
