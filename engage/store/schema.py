"""The core tables: campaigns, their questions, respondent sessions and answers."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database, Migrations

core = Migrations("engage.core")


@core(name="0001_campaigns_sessions_answers")
def _campaigns_sessions_answers(db: Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE campaigns (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            framework_id TEXT NOT NULL,
            statement_ids TEXT NOT NULL,          -- JSON list, in campaign order
            scale_points INTEGER NOT NULL DEFAULT 3 CHECK (scale_points IN (3, 5)),
            respondent_groups TEXT NOT NULL,      -- JSON list of invited groups
            languages TEXT NOT NULL DEFAULT '["en"]',
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            opens_at TEXT,
            closes_at TEXT,
            min_group_size INTEGER NOT NULL DEFAULT 10,
            min_cell_count INTEGER NOT NULL DEFAULT 5,
            is_demo INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE campaign_questions (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            statement_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            content TEXT NOT NULL,                -- JSON: the campaign's own copy of the wording
            UNIQUE (campaign_id, question_id)
        );
        CREATE TABLE respondent_sessions (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            resume_code TEXT NOT NULL UNIQUE,
            respondent_group TEXT,
            answered_how TEXT,
            language TEXT NOT NULL DEFAULT 'en',
            consent_take_part INTEGER NOT NULL,
            consent_quote INTEGER NOT NULL,
            consent_media INTEGER NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}',
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX respondent_sessions_campaign ON respondent_sessions(campaign_id);
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES respondent_sessions(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            value TEXT NOT NULL,
            free_text TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (session_id, question_id)
        );
        """,
    )


@core(name="0002_answer_drafts")
def _answer_drafts(db: Database) -> None:
    # What a person chose or typed on a question they left by Back, settings or "I am worried"
    # before saving it: shown again when they come back, never exported or counted.
    run_script(
        db,
        """
        CREATE TABLE answer_drafts (
            session_id INTEGER NOT NULL REFERENCES respondent_sessions(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            value TEXT,
            free_text TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (session_id, question_id)
        );
        """,
    )


def run_script(db: Database, script: str) -> None:
    """Run each statement of a script inside the migration's transaction.

    sqlite3's executescript() would commit first and so escape the transaction. Pieces are
    joined until SQLite calls them complete, so triggers with inner semicolons stay whole.
    """
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                db.execute(pending)
            pending = ""
    if pending.strip(" \n;"):
        db.execute(pending)
