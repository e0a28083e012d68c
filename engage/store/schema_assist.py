"""Assisted answering, group sessions and safeguarding flags."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from engage.store.schema import run_script

assist = Migrations("engage.assist")

# A first list the leads can change on a staff page. Words are matched whole, in any case.
DEFAULT_CONCERN_PHRASES = (
    "abuse",
    "abused",
    "afraid",
    "beat me",
    "bruise",
    "bruises",
    "bullied",
    "bully",
    "bullying",
    "end my life",
    "frightened",
    "hit me",
    "hits me",
    "hurt me",
    "hurt myself",
    "hurting me",
    "hurts me",
    "kick me",
    "kicked me",
    "kill myself",
    "locked in",
    "locks me in",
    "no food",
    "not safe",
    "punched me",
    "rough with me",
    "scared",
    "shouts at me",
    "slapped me",
    "steals",
    "stole",
    "suicide",
    "take my money",
    "takes my money",
    "threatened",
    "threatens me",
    "touched me",
    "touches me",
    "unsafe",
    "want to die",
)


@assist(name="0001_assisted_group_safeguarding")
def _assisted_group_safeguarding(db: Database) -> None:
    run_script(
        db,
        """
        ALTER TABLE respondent_sessions ADD COLUMN supporter_id INTEGER REFERENCES users(id);
        ALTER TABLE respondent_sessions ADD COLUMN help_detail TEXT;
        ALTER TABLE answers ADD COLUMN answered_how TEXT;
        ALTER TABLE answers ADD COLUMN supporter_id INTEGER REFERENCES users(id);
        ALTER TABLE campaigns ADD COLUMN safeguarding_lead_id INTEGER REFERENCES users(id);
        CREATE INDEX respondent_sessions_supporter ON respondent_sessions(supporter_id);

        CREATE TABLE group_sessions (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            advocate_id INTEGER NOT NULL REFERENCES users(id),
            place TEXT NOT NULL,
            group_size INTEGER NOT NULL CHECK (group_size BETWEEN 1 AND 500),
            respondent_group TEXT NOT NULL,
            question_ids TEXT NOT NULL,           -- JSON list, in campaign order
            created_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX group_sessions_advocate ON group_sessions(advocate_id);
        -- One record per question for the whole group: counts, never made-up individuals.
        CREATE TABLE group_tallies (
            id INTEGER PRIMARY KEY,
            group_session_id INTEGER NOT NULL REFERENCES group_sessions(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            answered_how TEXT NOT NULL DEFAULT 'group' CHECK (answered_how = 'group'),
            counts TEXT NOT NULL,                 -- JSON: answer value -> number of people
            total INTEGER NOT NULL CHECK (total >= 0),
            recorded_by INTEGER NOT NULL REFERENCES users(id),
            updated_at TEXT NOT NULL,
            UNIQUE (group_session_id, question_id)
        );
        CREATE TABLE group_notes (
            id INTEGER PRIMARY KEY,
            group_session_id INTEGER NOT NULL REFERENCES group_sessions(id) ON DELETE CASCADE,
            question_id TEXT,
            speaker_role TEXT NOT NULL,
            note TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        -- The source of truth for what is held back from exports.
        CREATE TABLE safeguarding_flags (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            -- SET NULL: a concern outlives a withdrawn answer; the excerpt keeps what was said.
            session_id INTEGER REFERENCES respondent_sessions(id) ON DELETE SET NULL,
            group_session_id INTEGER REFERENCES group_sessions(id) ON DELETE SET NULL,
            reason TEXT NOT NULL CHECK (reason IN ('worried', 'concern_words')),
            question_id TEXT,
            matched TEXT NOT NULL DEFAULT '',
            excerpt TEXT NOT NULL DEFAULT '',
            lead_id INTEGER REFERENCES users(id),
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'no_concern', 'referred')),
            decision_note TEXT NOT NULL DEFAULT '',
            decided_by INTEGER REFERENCES users(id),
            decided_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX safeguarding_flags_campaign ON safeguarding_flags(campaign_id, status);
        CREATE TABLE concern_phrases (
            id INTEGER PRIMARY KEY,
            phrase TEXT NOT NULL UNIQUE COLLATE NOCASE,
            added_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL
        )
        """,
    )
    db["concern_phrases"].insert_all(
        {"phrase": phrase, "created_at": "2026-11-23T00:00:00+00:00"}
        for phrase in DEFAULT_CONCERN_PHRASES
    )


@assist(name="0002_worry_contact_and_could_not_contact")
def _worry_contact_and_could_not_contact(db: Database) -> None:
    # SQLite cannot change a CHECK in place, so the flags table is rebuilt with the new
    # decision and the contact a worried person may leave; nothing refers to it by key.
    run_script(
        db,
        """
        ALTER TABLE campaigns ADD COLUMN safeguarding_number TEXT NOT NULL DEFAULT '';
        CREATE TABLE safeguarding_flags_new (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            session_id INTEGER REFERENCES respondent_sessions(id) ON DELETE SET NULL,
            group_session_id INTEGER REFERENCES group_sessions(id) ON DELETE SET NULL,
            reason TEXT NOT NULL CHECK (reason IN ('worried', 'concern_words')),
            question_id TEXT,
            matched TEXT NOT NULL DEFAULT '',
            excerpt TEXT NOT NULL DEFAULT '',
            lead_id INTEGER REFERENCES users(id),
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'no_concern', 'referred', 'could_not_contact')),
            decision_note TEXT NOT NULL DEFAULT '',
            decided_by INTEGER REFERENCES users(id),
            decided_at TEXT,
            created_at TEXT NOT NULL,
            -- What a worried person chose to leave so someone can reach them; all optional.
            contact_name TEXT NOT NULL DEFAULT '',
            contact_way TEXT NOT NULL DEFAULT ''
                CHECK (contact_way IN ('', 'phone', 'email', 'other', 'supporter')),
            contact_details TEXT NOT NULL DEFAULT ''
        );
        INSERT INTO safeguarding_flags_new (
            id, campaign_id, session_id, group_session_id, reason, question_id, matched,
            excerpt, lead_id, status, decision_note, decided_by, decided_at, created_at
        )
        SELECT id, campaign_id, session_id, group_session_id, reason, question_id, matched,
            excerpt, lead_id, status, decision_note, decided_by, decided_at, created_at
        FROM safeguarding_flags;
        DROP TABLE safeguarding_flags;
        ALTER TABLE safeguarding_flags_new RENAME TO safeguarding_flags;
        CREATE INDEX safeguarding_flags_campaign ON safeguarding_flags(campaign_id, status);
        """,
    )
