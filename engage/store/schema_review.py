"""Review: media answers and group notes in the review queue, and the "you said" page.

Media answers and group notes join the review queue through triggers, as free-text answers
do: saving one adds its review item, changing its words or consent updates the item, and
removing or erasing it (so erasing a session) removes the item, its quotes and redactions.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from engage.store.schema import run_script

review = Migrations("engage.review")

# A media answer's consent: 'report' lets the picture be shown, 'words' only what the person
# said about it, 'private' (or not chosen yet) neither. The session's own consent still applies.
_MEDIA_QUOTE = "CASE WHEN {m}.consent IN ('report', 'words') THEN 1 ELSE 0 END"
_MEDIA_SHOW = "CASE WHEN {m}.consent = 'report' THEN 1 ELSE 0 END"


def _media_item_sql(m: str, source: str) -> str:
    return f"""
    INSERT INTO review_items (campaign_id, item_kind, item_id, session_id, question_id,
                              statement_id, text, consent_quote, consent_media,
                              created_at, updated_at)
    SELECT s.campaign_id, 'media', {m}.id, {m}.session_id, {m}.question_id, q.statement_id,
           {m}.description, {_MEDIA_QUOTE.format(m=m)}, {_MEDIA_SHOW.format(m=m)},
           {m}.created_at, {m}.updated_at
    FROM {source}
    LEFT JOIN campaign_questions q
           ON q.campaign_id = s.campaign_id AND q.question_id = {m}.question_id
    """  # noqa: S608 - only constant SQL is interpolated


def _note_item_sql(n: str, source: str) -> str:
    # A group agreed to notes being taken; a note keeps only a speaker role, so its words may
    # be quoted once redaction is decided. A note is never media.
    return f"""
    INSERT INTO review_items (campaign_id, item_kind, item_id, session_id, question_id,
                              statement_id, text, consent_quote, consent_media,
                              created_at, updated_at)
    SELECT g.campaign_id, 'group_note', {n}.id, NULL, {n}.question_id, q.statement_id,
           {n}.note, 1, CASE WHEN {n}.photo_sha256 IS NULL THEN 0 ELSE 1 END,
           {n}.created_at, {n}.created_at
    FROM {source}
    LEFT JOIN campaign_questions q
           ON q.campaign_id = g.campaign_id AND q.question_id = {n}.question_id
    """  # noqa: S608 - only constant SQL is interpolated


_NEW_MEDIA = "respondent_sessions s"
_NEW_NOTE = "group_sessions g"
_TRIGGERS = (
    f"""
    CREATE TRIGGER media_items_review_insert AFTER INSERT ON media_items BEGIN
        {_media_item_sql("NEW", _NEW_MEDIA)} WHERE s.id = NEW.session_id;
    END;
    """,
    f"""
    CREATE TRIGGER media_items_review_update AFTER UPDATE OF consent, description
    ON media_items BEGIN
        UPDATE quotes SET withdrawn_at = NEW.updated_at, withdrawn_reason = 'words changed'
        WHERE withdrawn_at IS NULL AND NEW.description IS NOT OLD.description
          AND review_item_id IN (SELECT id FROM review_items
                                 WHERE item_kind = 'media' AND item_id = NEW.id)
          AND substr(NEW.description, start_offset + 1, end_offset - start_offset)
              IS NOT original_text;
        DELETE FROM redactions WHERE NEW.description IS NOT OLD.description
          AND review_item_id IN (SELECT id FROM review_items
                                 WHERE item_kind = 'media' AND item_id = NEW.id);
        UPDATE review_items
           SET text = NEW.description,
               suggested_at = CASE WHEN NEW.description IS NOT OLD.description
                                   THEN NULL ELSE suggested_at END,
               consent_quote = {_MEDIA_QUOTE.format(m="NEW")},
               consent_media = {_MEDIA_SHOW.format(m="NEW")},
               updated_at = NEW.updated_at
         WHERE item_kind = 'media' AND item_id = NEW.id;
    END;
    """,  # noqa: S608 - only constant SQL is interpolated
    """
    CREATE TRIGGER media_items_review_delete AFTER DELETE ON media_items BEGIN
        DELETE FROM review_items WHERE item_kind = 'media' AND item_id = OLD.id;
    END;
    """,
    f"""
    CREATE TRIGGER group_notes_review_insert AFTER INSERT ON group_notes BEGIN
        {_note_item_sql("NEW", _NEW_NOTE)} WHERE g.id = NEW.group_session_id;
    END;
    """,
    """
    CREATE TRIGGER group_notes_review_delete AFTER DELETE ON group_notes BEGIN
        DELETE FROM review_items WHERE item_kind = 'group_note' AND item_id = OLD.id;
    END;
    """,
)


@review(name="0001_media_notes_you_said_pictures")
def _media_notes_you_said_pictures(db: Database) -> None:
    run_script(
        db,
        """
        ALTER TABLE campaigns ADD COLUMN you_said_published_at TEXT;
        -- A flip-chart photo from a group session is a note whose words describe it.
        ALTER TABLE group_notes ADD COLUMN photo_sha256 TEXT;
        ALTER TABLE group_notes ADD COLUMN photo_thumb_sha256 TEXT;
        ALTER TABLE group_notes ADD COLUMN photo_mime TEXT;
        -- A lead's own picture for a question: two sizes in the blob store, with alt text.
        CREATE TABLE campaign_pictures (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            alt TEXT NOT NULL CHECK (alt <> ''),
            large_sha256 TEXT NOT NULL,
            small_sha256 TEXT NOT NULL,
            mime TEXT NOT NULL,
            uploaded_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX campaign_pictures_campaign ON campaign_pictures(campaign_id);
        """,
    )
    for trigger in _TRIGGERS:
        db.execute(trigger)
    # Media answers and notes saved before this migration join the review queue too.
    db.execute(
        _media_item_sql("m", "media_items m JOIN respondent_sessions s ON s.id = m.session_id")
    )
    db.execute(
        _note_item_sql("n", "group_notes n JOIN group_sessions g ON g.id = n.group_session_id")
    )
