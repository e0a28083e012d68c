"""Media: drawings, photos, video and voice given as answers, their uploads, and pictures."""

from __future__ import annotations

from sqlite_utils import Database as SqliteDatabase
from sqlite_utils import Migrations

from engage.store import Database, fetch_all, fetch_one, now, run_script, transaction

# --- Reads ---


def media_upload(db: Database, upload_id: str) -> dict | None:
    """Return a resumable upload by its token, or None."""
    return fetch_one(db, "SELECT * FROM media_uploads WHERE id = ?", [upload_id])


def media_item(db: Database, item_id: int) -> dict | None:
    """Return one media answer, or None."""
    return fetch_one(db, "SELECT * FROM media_items WHERE id = ?", [item_id])


def media_items_for(db: Database, session_id: int, question_id: str | None) -> list[dict]:
    """Return a session's media answers to one question (None: the "tell us anything" page)."""
    return fetch_all(
        db,
        "SELECT * FROM media_items WHERE session_id = ? AND question_id IS NOT DISTINCT FROM ? "
        "ORDER BY id",
        [session_id, question_id],
    )


def media_digests_in_use(db: Database) -> set[str]:
    """Return every blob digest a media answer, flip-chart photo or lead's picture uses."""
    rows = db.execute(
        "SELECT sha256 FROM media_items UNION SELECT thumb_sha256 FROM media_items "
        "WHERE thumb_sha256 IS NOT NULL UNION SELECT poster_sha256 FROM media_items "
        "WHERE poster_sha256 IS NOT NULL "
        # Flip-chart photos and leads' own pictures live in the same store.
        "UNION SELECT photo_sha256 FROM group_notes WHERE photo_sha256 IS NOT NULL "
        "UNION SELECT photo_thumb_sha256 FROM group_notes WHERE photo_thumb_sha256 IS NOT NULL "
        "UNION SELECT large_sha256 FROM campaign_pictures "
        "UNION SELECT small_sha256 FROM campaign_pictures"
    ).fetchall()
    return {row[0] for row in rows}


def media_upload_ids(db: Database) -> set[str]:
    """Return the token of every upload still in progress."""
    return {row[0] for row in db.execute("SELECT id FROM media_uploads").fetchall()}


def media_uploads_untouched_since(
    db: Database, cutoff: str, session_id: int | None = None
) -> list[str]:
    """Return the tokens of uploads (of one session, if given) not moved on since the cutoff."""
    rows = db.execute(
        "SELECT id FROM media_uploads WHERE updated_at < ? AND (? IS NULL OR session_id = ?) "
        "ORDER BY updated_at",
        [cutoff, session_id, session_id],
    ).fetchall()
    return [row[0] for row in rows]


def media_bytes_held(db: Database, session_id: int) -> tuple[int, int]:
    """Return a session's unfinished uploads and the bytes it holds, finished and unfinished."""
    row = db.execute(
        "SELECT (SELECT COUNT(*) FROM media_uploads WHERE session_id = ?), "
        "(SELECT COALESCE(SUM(size), 0) FROM media_uploads WHERE session_id = ?) "
        "+ (SELECT COALESCE(SUM(size_bytes), 0) FROM media_items WHERE session_id = ?)",
        [session_id, session_id, session_id],
    ).fetchone()
    return int(row[0]), int(row[1])


def session_personal_files(db: Database, session_id: int) -> dict:
    """Return what a session left outside its rows: blob digests, upload ids and its words."""
    digests = set()
    for row in db.execute(
        "SELECT sha256, thumb_sha256, poster_sha256 FROM media_items WHERE session_id = ?",
        [session_id],
    ):
        digests.update(digest for digest in row if digest)
    uploads = [
        row[0]
        for row in db.execute("SELECT id FROM media_uploads WHERE session_id = ?", [session_id])
    ]
    words = {
        row[0]
        for row in db.execute(
            "SELECT free_text FROM answers WHERE session_id = ? AND free_text != '' "
            "UNION SELECT description FROM media_items WHERE session_id = ? AND description != ''",
            [session_id, session_id],
        )
    }
    return {"digests": digests, "uploads": uploads, "words": words}


def campaign_pictures(db: Database, campaign_id: int) -> list[dict]:
    """Return a campaign's own pictures, newest first."""
    return fetch_all(
        db, "SELECT * FROM campaign_pictures WHERE campaign_id = ? ORDER BY id DESC", [campaign_id]
    )


def campaign_picture(db: Database, picture_id: int) -> dict | None:
    """Return one of the campaigns' own pictures, or None."""
    return fetch_one(db, "SELECT * FROM campaign_pictures WHERE id = ?", [picture_id])


# --- Writes ---


def create_media_upload(
    db: Database,
    upload_id: str,
    session_id: int,
    kind: str,
    question_id: str | None,
    size: int,
    *,
    max_open: int,
    quota: int,
) -> bool:
    """Record a resumable upload that has been started; False if the session may not start it.

    One statement in a write transaction under the session's lock, so two uploads started at
    once cannot both slip under the limits: the session may have fewer than max_open unfinished
    uploads, and what it holds (finished and unfinished) plus this one's size may not pass
    quota bytes.
    """
    stamp = now()
    with transaction(db):
        # PostgreSQL: a second upload of the session waits here until the first is counted.
        db.lock(f"media-uploads:{session_id}")
        cursor = db.execute(
            "INSERT INTO media_uploads "
            "(id, session_id, kind, question_id, size, received, created_at, updated_at) "
            "SELECT ?, ?, ?, ?, ?, 0, ?, ? "
            "WHERE (SELECT COUNT(*) FROM media_uploads WHERE session_id = ?) < ? "
            "AND (SELECT COALESCE(SUM(size), 0) FROM media_uploads WHERE session_id = ?) "
            "+ (SELECT COALESCE(SUM(size_bytes), 0) FROM media_items WHERE session_id = ?) "
            "+ ? <= ?",
            [
                upload_id,
                session_id,
                kind,
                question_id,
                size,
                stamp,
                stamp,
                session_id,
                max_open,
                session_id,
                session_id,
                size,
                quota,
            ],
        )
    return cursor.rowcount == 1


def advance_media_upload(db: Database, upload_id: str, offset: int, received: int) -> bool:
    """Move an upload on from offset to received; False if another chunk got there first."""
    cursor = db.execute(
        "UPDATE media_uploads SET received = ?, updated_at = ? WHERE id = ? AND received = ?",
        [received, now(), upload_id, offset],
    )
    return cursor.rowcount == 1


def delete_media_upload(db: Database, upload_id: str) -> None:
    """Forget an upload once it is finished or refused."""
    db.execute("DELETE FROM media_uploads WHERE id = ?", [upload_id])


def add_media_item(db: Database, item: dict) -> int:
    """Record a cleaned media answer whose files are already in the blob store."""
    stamp = now()
    with transaction(db):
        language = db.execute(
            "SELECT language FROM respondent_sessions WHERE id = ?", [item["session_id"]]
        ).fetchone()
        item_id = db.insert(
            "media_items",
            {
                **item,
                "language": language[0] if language else None,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        db.execute(
            "UPDATE respondent_sessions SET updated_at = ? WHERE id = ?",
            [stamp, item["session_id"]],
        )
    return item_id


def set_media_consent(db: Database, item_id: int, consent: str, description: str) -> None:
    """Record how a person lets us use one media answer, and what they say it shows.

    Changed words carry the language the person is using now, as answers do.
    """
    db.execute(
        "UPDATE media_items SET consent = ?, description = ?, updated_at = ?, "
        "language = CASE WHEN description IS NOT DISTINCT FROM ? THEN language ELSE "
        "(SELECT s.language FROM respondent_sessions s WHERE s.id = media_items.session_id) "
        "END WHERE id = ?",
        [consent, description, now(), description, item_id],
    )


def delete_media_item(db: Database, item_id: int) -> None:
    """Remove one media answer (its files go when nothing else refers to them)."""
    db.execute("DELETE FROM media_items WHERE id = ?", [item_id])


def add_group_photo(
    db: Database,
    group_session_id: int,
    description: str,
    *,
    sha256: str,
    thumb_sha256: str,
    mime: str,
    language: str | None = None,
) -> int:
    """Keep a flip-chart photo from a group session as a note whose words describe it."""
    stamp = now()
    return db.insert(
        "group_notes",
        {
            "group_session_id": group_session_id,
            "question_id": None,
            "speaker_role": "flipchart",
            "note": description,
            "photo_sha256": sha256,
            "photo_thumb_sha256": thumb_sha256,
            "photo_mime": mime,
            "language": language,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )


def add_campaign_picture(
    db: Database,
    campaign_id: int,
    alt: str,
    *,
    large_sha256: str,
    small_sha256: str,
    mime: str,
    by: int | None,
) -> int:
    """Keep a lead's own picture for a campaign's questions, with its alt text."""
    return db.insert(
        "campaign_pictures",
        {
            "campaign_id": campaign_id,
            "alt": alt,
            "large_sha256": large_sha256,
            "small_sha256": small_sha256,
            "mime": mime,
            "uploaded_by": by,
            "created_at": now(),
        },
    )


# --- Migrations: engage.media ---

# Tables for drawings, photos, video and voice given as answers, and their uploads.

media = Migrations("engage.media")


@media(name="0001_media_items_uploads_limits")
def _media_items_uploads_limits(db: SqliteDatabase) -> None:
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
