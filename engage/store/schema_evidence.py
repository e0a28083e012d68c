"""Evidence tables: review items, quotes, redactions, searching, "we will" and the export log.

A review item is one thing a lead reviews: a free-text answer now, later a group note or a
piece of media; `item_kind` with `item_id` points at it. Items for answers are kept in step
with the answers by triggers, so saving, changing and erasing an answer (and so erasing a
session) update the review queue and the search index in the same transaction.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from engage.store.schema import run_script

evidence = Migrations("engage.evidence")

_ITEM_FOR_ANSWER = """
    INSERT INTO review_items (campaign_id, item_kind, item_id, session_id, question_id,
                              statement_id, text, created_at, updated_at)
    SELECT s.campaign_id, 'answer', NEW.id, NEW.session_id, NEW.question_id, q.statement_id,
           NEW.free_text, NEW.updated_at, NEW.updated_at
    FROM respondent_sessions s
    LEFT JOIN campaign_questions q
           ON q.campaign_id = s.campaign_id AND q.question_id = NEW.question_id
    WHERE s.id = NEW.session_id
"""


@evidence(name="0001_review_quotes_redactions")
def _review_quotes_redactions(db: Database) -> None:
    run_script(
        db,
        """
        ALTER TABLE respondent_sessions ADD COLUMN is_synthetic INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE review_items (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            item_kind TEXT NOT NULL CHECK (item_kind IN ('answer', 'group_note', 'media')),
            item_id INTEGER NOT NULL,
            session_id INTEGER REFERENCES respondent_sessions(id) ON DELETE CASCADE,
            question_id TEXT,
            statement_id TEXT,
            text TEXT NOT NULL DEFAULT '',  -- the original words, for the review team only
            media_description TEXT NOT NULL DEFAULT '',
            -- Items without a session (group notes, media) carry their own consent and hold.
            consent_quote INTEGER,
            consent_media INTEGER,
            held_for_safeguarding INTEGER NOT NULL DEFAULT 0,
            included INTEGER NOT NULL DEFAULT 1,
            suggested_at TEXT,                        -- NULL until redactions were suggested
            reviewed_by TEXT,
            reviewed_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (item_kind, item_id)
        );
        CREATE INDEX review_items_campaign ON review_items(campaign_id, item_kind);
        CREATE INDEX review_items_session ON review_items(session_id);
        CREATE TABLE redactions (
            id INTEGER PRIMARY KEY,
            review_item_id INTEGER NOT NULL REFERENCES review_items(id) ON DELETE CASCADE,
            start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
            end_offset INTEGER NOT NULL CHECK (end_offset > start_offset),
            kind TEXT NOT NULL CHECK (kind IN
                ('name', 'phone', 'email', 'postcode', 'date', 'address', 'other')),
            source TEXT NOT NULL CHECK (source IN ('suggested', 'reviewer')),
            status TEXT NOT NULL DEFAULT 'suggested'
                CHECK (status IN ('suggested', 'confirmed', 'rejected')),
            decided_by TEXT,
            decided_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX redactions_item ON redactions(review_item_id, status);
        CREATE TABLE evidence_ref_counters (
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            statement_id TEXT NOT NULL,
            last_number INTEGER NOT NULL,
            PRIMARY KEY (campaign_id, statement_id)
        );
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            review_item_id INTEGER NOT NULL REFERENCES review_items(id) ON DELETE CASCADE,
            evidence_ref TEXT NOT NULL,
            statement_id TEXT NOT NULL,              -- the statement its reference is under
            start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
            end_offset INTEGER NOT NULL CHECK (end_offset > start_offset),
            original_text TEXT NOT NULL,             -- the span as marked, for the review team only
            english_translation TEXT NOT NULL DEFAULT '',
            strength TEXT CHECK (strength IN ('strength', 'improve')),
            created_by TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            withdrawn_at TEXT,
            withdrawn_reason TEXT,
            UNIQUE (campaign_id, evidence_ref)
        );
        CREATE INDEX quotes_item ON quotes(review_item_id);
        CREATE INDEX quotes_campaign ON quotes(campaign_id, statement_id);
        CREATE TABLE quote_statements (
            quote_id INTEGER NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
            statement_id TEXT NOT NULL,
            PRIMARY KEY (quote_id, statement_id)
        );
        CREATE TABLE campaign_redaction_names (
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            PRIMARY KEY (campaign_id, name)
        );
        CREATE TABLE we_will (
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            statement_id TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_by TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (campaign_id, statement_id)
        );
        CREATE TABLE export_log (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
            format TEXT NOT NULL,
            file_name TEXT NOT NULL,
            quotes INTEGER NOT NULL,
            media INTEGER NOT NULL,
            requested_by TEXT,
            created_at TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE review_items_fts USING fts5(
            text, media_description, content='review_items', content_rowid='id',
            tokenize='trigram'
        );
        """,
    )
    for trigger in _TRIGGERS:
        db.execute(trigger)
    # Answers saved before this migration join the review queue too.
    db.execute(
        """
        INSERT INTO review_items (campaign_id, item_kind, item_id, session_id, question_id,
                                  statement_id, text, created_at, updated_at)
        SELECT s.campaign_id, 'answer', a.id, a.session_id, a.question_id, q.statement_id,
               a.free_text, a.updated_at, a.updated_at
        FROM answers a
        JOIN respondent_sessions s ON s.id = a.session_id
        LEFT JOIN campaign_questions q
               ON q.campaign_id = s.campaign_id AND q.question_id = a.question_id
        WHERE a.free_text <> ''
        """
    )


# Triggers hold semicolons inside BEGIN ... END, so each is run whole rather than split.
_TRIGGERS = (
    """
        CREATE TRIGGER review_items_fts_insert AFTER INSERT ON review_items BEGIN
            INSERT INTO review_items_fts (rowid, text, media_description)
            VALUES (NEW.id, NEW.text, NEW.media_description);
        END;
        """,
    """
        CREATE TRIGGER review_items_fts_delete AFTER DELETE ON review_items BEGIN
            INSERT INTO review_items_fts (review_items_fts, rowid, text, media_description)
            VALUES ('delete', OLD.id, OLD.text, OLD.media_description);
        END;
        """,
    """
        CREATE TRIGGER review_items_fts_update AFTER UPDATE OF text, media_description
        ON review_items BEGIN
            INSERT INTO review_items_fts (review_items_fts, rowid, text, media_description)
            VALUES ('delete', OLD.id, OLD.text, OLD.media_description);
            INSERT INTO review_items_fts (rowid, text, media_description)
            VALUES (NEW.id, NEW.text, NEW.media_description);
        END;
        """,
    f"""
        CREATE TRIGGER answers_review_insert AFTER INSERT ON answers
        WHEN NEW.free_text <> '' BEGIN
            {_ITEM_FOR_ANSWER};
        END;
        """,
    f"""
        CREATE TRIGGER answers_review_update AFTER UPDATE OF free_text ON answers
        WHEN NEW.free_text IS NOT OLD.free_text BEGIN
            DELETE FROM review_items
            WHERE item_kind = 'answer' AND item_id = NEW.id AND NEW.free_text = '';
            UPDATE quotes SET withdrawn_at = NEW.updated_at, withdrawn_reason = 'words changed'
            WHERE withdrawn_at IS NULL
              AND review_item_id IN (SELECT id FROM review_items
                                     WHERE item_kind = 'answer' AND item_id = NEW.id)
              AND substr(NEW.free_text, start_offset + 1, end_offset - start_offset)
                  IS NOT original_text;
            DELETE FROM redactions WHERE review_item_id IN
                (SELECT id FROM review_items WHERE item_kind = 'answer' AND item_id = NEW.id);
            UPDATE review_items SET text = NEW.free_text, suggested_at = NULL,
                                    updated_at = NEW.updated_at
            WHERE item_kind = 'answer' AND item_id = NEW.id;
            {_ITEM_FOR_ANSWER}
              AND NEW.free_text <> ''
              AND NOT EXISTS (SELECT 1 FROM review_items
                              WHERE item_kind = 'answer' AND item_id = NEW.id);
        END;
        """,  # noqa: S608 - only constant SQL is interpolated
    """
        CREATE TRIGGER answers_review_delete AFTER DELETE ON answers BEGIN
            DELETE FROM review_items WHERE item_kind = 'answer' AND item_id = OLD.id;
        END;
        """,
)


@evidence(name="0002_export_sign_off")
def _export_sign_off(db: Database) -> None:
    # A lead approves an export for filing as they take it; the approval stays with its log.
    run_script(
        db,
        """
        ALTER TABLE export_log ADD COLUMN approved_by TEXT;
        ALTER TABLE export_log ADD COLUMN approved_role TEXT;
        ALTER TABLE export_log ADD COLUMN approved_at TEXT;
        """,
    )
