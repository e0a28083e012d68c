"""Review: media answers and group notes in the review queue, and the "you said" page.

Media answers and group notes join the review queue through triggers, as free-text answers
do: saving one adds its review item, changing its words or consent updates the item, and
removing or erasing it (so erasing a session) removes the item, its quotes and redactions.
"""

from __future__ import annotations

import json

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


# --- the words of an item change: redactions and quotes follow the words ---
#
# A redaction or a quote points at offsets in an item's words. When a person edits an answer or
# a media description, or an advocate edits a note, the same words may sit somewhere else now,
# or be gone. The triggers below carry every confirmed redaction (a lead's own ones are
# confirmed when made) to each place its words appear in the new text, and move each quote to
# where its words still are. A redaction whose words are gone is dropped and a quote whose words
# are gone is withdrawn. An item that had a quote, or lost a redaction, is marked "the words
# changed: decide again" (`words_changed_at`): none of its quotes leaves the review team until a
# lead has looked again. Undecided and rejected suggestions go; new ones are suggested for the
# new words, as for any new item.

_PACK = 10_000_000  # more than any item's length in characters

# The SQL function the triggers find words with. Every connection that writes words must
# have it (engage.store.connect registers it); without it such a write fails instead of
# leaving redactions behind.
WORD_OFFSETS = "engage_word_offsets"


def word_offsets(text: str | None, words: str | None, whole_words: int) -> str:
    """Return, as a JSON list, every offset at which `words` occur in `text`.

    With `whole_words`, words that begin or end with a letter or digit must not run on into
    a longer word, so a redacted "Al" is not carried into "Also" (but is into "Al's").
    Offsets count characters, as SQLite's substr() and Python's str do.
    """
    found: list[int] = []
    if not text or not words:
        return "[]"
    at = text.find(words)
    while at >= 0:
        end = at + len(words)
        starts_clear = at == 0 or not (words[0].isalnum() and text[at - 1].isalnum())
        ends_clear = end == len(text) or not (words[-1].isalnum() and text[end].isalnum())
        if not whole_words or (starts_clear and ends_clear):
            found.append(at)
        at = text.find(words, at + 1)
    return json.dumps(found)


def _words_change_sql(kind: str, new_text: str, stamp: str) -> str:
    """Return the statements that carry an item's redactions and quotes to its new words.

    They run before the review item's own text is replaced, so `review_items.text` is still
    the old text the stored offsets refer to.
    """
    item = (
        f"(SELECT id FROM review_items WHERE item_kind = '{kind}' "  # noqa: S608 - constant SQL
        "AND item_id = NEW.id)"
    )
    old_text = f"(SELECT text FROM review_items WHERE id = {item})"  # noqa: S608

    def words(text: str, r: str) -> str:
        return f"substr({text}, {r}.start_offset + 1, {r}.end_offset - {r}.start_offset)"

    def offsets(found: str, whole_words: int = 1) -> str:
        return f"json_each({WORD_OFFSETS}({new_text}, {found}, {whole_words}))"

    def still_there(r: str) -> str:
        return f"EXISTS (SELECT 1 FROM {offsets(words(old_text, r))})"  # noqa: S608

    def nearest(found: str, start: str, whole_words: int) -> str:
        # The offset closest to where the words were. SQLite cannot ORDER BY an outer column
        # in a subquery, so distance and offset are packed into one number to take MIN of.
        return (
            f"(SELECT MIN(abs(p.value - {start}) * {_PACK} + p.value) % {_PACK} "  # noqa: S608
            f"FROM {offsets(found, whole_words)} p)"
        )

    redaction_nearest = nearest(words(old_text, "redactions"), "redactions.start_offset", 1)
    quote_nearest = nearest("original_text", "start_offset", 0)
    return f"""
        UPDATE review_items
           SET words_changed_at = {stamp}, previous_text = COALESCE(previous_text, text)
         WHERE id = {item}
           AND (EXISTS (SELECT 1 FROM quotes q
                        WHERE q.review_item_id = review_items.id AND q.withdrawn_at IS NULL)
                OR EXISTS (SELECT 1 FROM redactions r
                           WHERE r.review_item_id = review_items.id AND r.status = 'confirmed'
                             AND NOT {still_there("r")}));
        DELETE FROM redactions WHERE review_item_id = {item} AND status <> 'confirmed';
        DELETE FROM redactions
         WHERE review_item_id = {item} AND NOT {still_there("redactions")};
        UPDATE redactions
           SET start_offset = {redaction_nearest},
               end_offset = {redaction_nearest} + end_offset - start_offset
         WHERE review_item_id = {item};
        DELETE FROM redactions WHERE review_item_id = {item} AND id NOT IN
            (SELECT MIN(id) FROM redactions WHERE review_item_id = {item}
             GROUP BY start_offset, end_offset);
        INSERT INTO redactions (review_item_id, start_offset, end_offset, kind, source, status,
                                decided_by, decided_at, created_at)
        SELECT r.review_item_id, p.value, p.value + r.end_offset - r.start_offset, r.kind,
               r.source, r.status, r.decided_by, r.decided_at, r.created_at
          FROM redactions r, {offsets(words(new_text, "r"))} p
         WHERE r.review_item_id = {item}
           AND NOT EXISTS (SELECT 1 FROM redactions x
                           WHERE x.review_item_id = r.review_item_id AND x.start_offset = p.value
                             AND x.end_offset = p.value + r.end_offset - r.start_offset)
         GROUP BY p.value, p.value + r.end_offset - r.start_offset;
        UPDATE quotes SET withdrawn_at = {stamp}, withdrawn_reason = 'words changed',
                          updated_at = {stamp}
         WHERE withdrawn_at IS NULL AND review_item_id = {item}
           AND instr({new_text}, original_text) = 0;
        UPDATE quotes SET start_offset = {quote_nearest},
                          end_offset = {quote_nearest} + length(original_text)
         WHERE withdrawn_at IS NULL AND review_item_id = {item};
    """  # noqa: S608 - only constant SQL is interpolated


def _language_sql(kind: str) -> str:
    return f"""
        UPDATE review_items SET language = NEW.language
         WHERE item_kind = '{kind}' AND item_id = NEW.id;
    """  # noqa: S608 - only constant SQL is interpolated


_ANSWER_ITEM = """
    INSERT INTO review_items (campaign_id, item_kind, item_id, session_id, question_id,
                              statement_id, text, language, created_at, updated_at)
    SELECT s.campaign_id, 'answer', NEW.id, NEW.session_id, NEW.question_id, q.statement_id,
           NEW.free_text, NEW.language, NEW.updated_at, NEW.updated_at
    FROM respondent_sessions s
    LEFT JOIN campaign_questions q
           ON q.campaign_id = s.campaign_id AND q.question_id = NEW.question_id
    WHERE s.id = NEW.session_id
"""

# Notes saved before they had updated_at carry none; a change must still be dated, or a
# withdrawn quote and a "decide again" mark would be lost.
_NOTE_STAMP = "COALESCE(NEW.updated_at, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))"

_FOLLOWING_TRIGGERS = (
    f"""
    CREATE TRIGGER answers_review_insert AFTER INSERT ON answers
    WHEN NEW.free_text <> '' BEGIN
        {_ANSWER_ITEM};
    END;
    """,
    f"""
    CREATE TRIGGER answers_review_update AFTER UPDATE OF free_text, language ON answers
    WHEN NEW.free_text IS NOT OLD.free_text BEGIN
        DELETE FROM review_items
         WHERE item_kind = 'answer' AND item_id = NEW.id AND NEW.free_text = '';
        {_words_change_sql("answer", "NEW.free_text", "NEW.updated_at")}
        UPDATE review_items SET text = NEW.free_text, language = NEW.language,
                                suggested_at = NULL, updated_at = NEW.updated_at
         WHERE item_kind = 'answer' AND item_id = NEW.id;
        {_ANSWER_ITEM}
          AND NEW.free_text <> ''
          AND NOT EXISTS (SELECT 1 FROM review_items
                          WHERE item_kind = 'answer' AND item_id = NEW.id);
    END;
    """,  # noqa: S608 - only constant SQL is interpolated
    f"""
    CREATE TRIGGER media_items_review_insert AFTER INSERT ON media_items BEGIN
        {_media_item_sql("NEW", _NEW_MEDIA)} WHERE s.id = NEW.session_id;
        {_language_sql("media")}
    END;
    """,
    f"""
    CREATE TRIGGER media_items_review_words AFTER UPDATE OF description, language
    ON media_items WHEN NEW.description IS NOT OLD.description BEGIN
        {_words_change_sql("media", "NEW.description", "NEW.updated_at")}
        UPDATE review_items SET text = NEW.description, language = NEW.language,
                                suggested_at = NULL, updated_at = NEW.updated_at
         WHERE item_kind = 'media' AND item_id = NEW.id;
    END;
    """,  # noqa: S608 - only constant SQL is interpolated
    f"""
    CREATE TRIGGER media_items_review_update AFTER UPDATE OF consent ON media_items BEGIN
        UPDATE review_items
           SET consent_quote = {_MEDIA_QUOTE.format(m="NEW")},
               consent_media = {_MEDIA_SHOW.format(m="NEW")},
               updated_at = NEW.updated_at
         WHERE item_kind = 'media' AND item_id = NEW.id;
    END;
    """,  # noqa: S608 - only constant SQL is interpolated
    f"""
    CREATE TRIGGER group_notes_review_insert AFTER INSERT ON group_notes BEGIN
        {_note_item_sql("NEW", _NEW_NOTE)} WHERE g.id = NEW.group_session_id;
        {_language_sql("group_note")}
    END;
    """,
    f"""
    CREATE TRIGGER group_notes_review_update AFTER UPDATE OF note, language ON group_notes
    WHEN NEW.note IS NOT OLD.note BEGIN
        {_words_change_sql("group_note", "NEW.note", _NOTE_STAMP)}
        UPDATE review_items SET text = NEW.note, language = NEW.language, suggested_at = NULL,
                                updated_at = {_NOTE_STAMP}
         WHERE item_kind = 'group_note' AND item_id = NEW.id;
    END;
    """,  # noqa: S608 - only constant SQL is interpolated
)


@review(name="0002_redactions_follow_the_words")
def _redactions_follow_the_words(db: Database) -> None:
    run_script(
        db,
        """
        -- Set while an item's words changed under a quote or a redaction, until a lead decides
        -- again; previous_text keeps the words as they were when the lead last decided.
        ALTER TABLE review_items ADD COLUMN words_changed_at TEXT;
        ALTER TABLE review_items ADD COLUMN previous_text TEXT;
        -- The language the words were written in: the person's language when they wrote them,
        -- not the language their pages are in now.
        ALTER TABLE review_items ADD COLUMN language TEXT;
        ALTER TABLE answers ADD COLUMN language TEXT;
        ALTER TABLE media_items ADD COLUMN language TEXT;
        ALTER TABLE group_notes ADD COLUMN language TEXT;
        ALTER TABLE group_notes ADD COLUMN updated_at TEXT;
        DROP TRIGGER answers_review_insert;
        DROP TRIGGER answers_review_update;
        DROP TRIGGER media_items_review_insert;
        DROP TRIGGER media_items_review_update;
        DROP TRIGGER group_notes_review_insert;
        -- Words written before now: the best record of their language is the session's.
        UPDATE answers SET language = (SELECT language FROM respondent_sessions s
                                       WHERE s.id = answers.session_id);
        UPDATE media_items SET language = (SELECT language FROM respondent_sessions s
                                           WHERE s.id = media_items.session_id);
        UPDATE group_notes SET updated_at = created_at,
            language = (SELECT json_extract(c.languages, '$[0]') FROM group_sessions g
                        JOIN campaigns c ON c.id = g.campaign_id
                        WHERE g.id = group_notes.group_session_id);
        UPDATE review_items SET language = CASE item_kind
            WHEN 'answer' THEN (SELECT language FROM answers WHERE id = review_items.item_id)
            WHEN 'media' THEN (SELECT language FROM media_items WHERE id = review_items.item_id)
            ELSE (SELECT language FROM group_notes WHERE id = review_items.item_id) END;
        """,
    )
    for trigger in _FOLLOWING_TRIGGERS:
        db.execute(trigger)
