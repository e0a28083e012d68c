"""Safeguarding: flags raised on worrying words, their decisions, and the concern phrases.

The `engage.assist` migrations also make the group-session tables read in `groups`: both came
in one migration, which cannot be split once applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database as SqliteDatabase
from sqlite_utils import Migrations

from engage.store import Database, fetch_all, fetch_one, now, run_script

# --- Reads ---


# The one rule for what safeguarding keeps out of evidence. A session (a person's, or an
# advocate's group session) is held while any flag on it awaits a lead's decision, and for
# good once a lead referred it: a disclosure of harm is not feedback. "Could not contact" is
# a decision that leaves the flag open for another: the session stays held until a lead
# records "no concern", which releases it. Every path that lets evidence out asks
# `held_for_safeguarding`; the review pages test the same subqueries inside their own SQL.
HOLDING = "status IN ('open', 'referred', 'could_not_contact')"
HELD_SESSIONS = (
    f"SELECT session_id FROM safeguarding_flags WHERE session_id IS NOT NULL AND {HOLDING}"
)
HELD_GROUP_SESSIONS = (
    "SELECT group_session_id FROM safeguarding_flags "
    f"WHERE group_session_id IS NOT NULL AND {HOLDING}"
)


def session_ever_flagged(db: Database, session_id: int) -> bool:
    """Say whether any safeguarding flag was raised on a respondent session, whatever its state."""
    return (
        db.execute("SELECT 1 FROM safeguarding_flags WHERE session_id = ?", [session_id]).fetchone()
        is not None
    )


def concern_phrases(db: Database) -> list[dict]:
    """Return the words and phrases that flag free text, in alphabetical order."""
    return fetch_all(db, "SELECT * FROM concern_phrases ORDER BY lower(phrase), phrase")


@dataclass(frozen=True)
class Held:
    """The sessions and group sessions safeguarding keeps out of evidence."""

    sessions: frozenset[int]
    group_sessions: frozenset[int]

    def holds(self, session_id: int | None = None, group_session_id: int | None = None) -> bool:
        """Say whether a record from this session or group session must stay out."""
        return session_id in self.sessions or group_session_id in self.group_sessions


def held_for_safeguarding(db: Database, campaign_id: int) -> Held:
    """Return what no export, "you said" page or listing of answers may include.

    This is the one check: see `HOLDING` for the rule.
    """
    sessions = db.execute(f"{HELD_SESSIONS} AND campaign_id = ?", [campaign_id]).fetchall()
    groups = db.execute(f"{HELD_GROUP_SESSIONS} AND campaign_id = ?", [campaign_id]).fetchall()
    return Held(frozenset(row[0] for row in sessions), frozenset(row[0] for row in groups))


def flags(db: Database) -> list[dict]:
    """Return every flag, awaiting a decision first, without the flagged words themselves."""
    return fetch_all(
        db,
        "SELECT f.id, f.campaign_id, f.session_id, f.group_session_id, f.reason, f.status, "
        "f.created_at, f.decided_at, f.lead_id, c.title, u.name AS lead_name "
        "FROM safeguarding_flags f JOIN campaigns c ON c.id = f.campaign_id "
        "LEFT JOIN users u ON u.id = f.lead_id "
        "ORDER BY f.status NOT IN ('open', 'could_not_contact'), f.id DESC",
    )


def flag(db: Database, flag_id: int) -> dict | None:
    """Return one flag with its campaign and the names of its lead and decider."""
    return fetch_one(
        db,
        "SELECT f.*, c.title, c.code, u.name AS lead_name, d.name AS decided_by_name "
        "FROM safeguarding_flags f JOIN campaigns c ON c.id = f.campaign_id "
        "LEFT JOIN users u ON u.id = f.lead_id LEFT JOIN users d ON d.id = f.decided_by "
        "WHERE f.id = ?",
        [flag_id],
    )


def open_flag_count(db: Database, lead_id: int | None = None) -> int:
    """Count flags awaiting a decision, optionally only those sent to one lead."""
    if lead_id is None:
        sql, params = "SELECT COUNT(*) FROM safeguarding_flags WHERE status = 'open'", []
    else:
        sql = "SELECT COUNT(*) FROM safeguarding_flags WHERE status = 'open' AND lead_id = ?"
        params = [lead_id]
    return db.execute(sql, params).fetchone()[0]


def flag_exists(
    db: Database,
    session_id: int | None,
    group_session_id: int | None,
    question_id: str | None,
    excerpt: str,
) -> bool:
    """Say whether these exact words were already flagged for this session and question."""
    return (
        db.execute(
            "SELECT 1 FROM safeguarding_flags WHERE session_id IS NOT DISTINCT FROM ? "
            "AND group_session_id IS NOT DISTINCT FROM ? "
            "AND question_id IS NOT DISTINCT FROM ? AND excerpt = ? AND reason = 'concern_words'",
            [session_id, group_session_id, question_id, excerpt],
        ).fetchone()
        is not None
    )


def group_flag_ids(db: Database, group_session_id: int) -> dict[str, int]:
    """Return the flagged notes of a group session: the words, and the flag they raised."""
    rows = db.execute(
        "SELECT excerpt, id FROM safeguarding_flags WHERE group_session_id = ?",
        [group_session_id],
    ).fetchall()
    return {row["excerpt"]: row["id"] for row in rows}


# --- Writes ---


def raise_flag(
    db: Database,
    *,
    campaign_id: int,
    reason: str,
    session_id: int | None = None,
    group_session_id: int | None = None,
    question_id: str | None = None,
    matched: str = "",
    excerpt: str = "",
) -> int:
    """Flag a session for the campaign's named safeguarding lead and return the flag's id."""
    lead = db.execute(
        "SELECT safeguarding_lead_id FROM campaigns WHERE id = ?", [campaign_id]
    ).fetchone()
    return db.insert(
        "safeguarding_flags",
        {
            "campaign_id": campaign_id,
            "session_id": session_id,
            "group_session_id": group_session_id,
            "reason": reason,
            "question_id": question_id,
            "matched": matched,
            "excerpt": excerpt,
            "lead_id": lead[0] if lead else None,
            "created_at": now(),
        },
    )


def add_worry_contact(db: Database, flag_id: int, name: str, way: str, details: str) -> None:
    """Keep how a worried person asked to be reached, on the flag they raised."""
    db.execute(
        "UPDATE safeguarding_flags SET contact_name = ?, contact_way = ?, contact_details = ? "
        "WHERE id = ? AND reason = 'worried'",
        [name, way, details, flag_id],
    )


def decide_flag(db: Database, flag_id: int, status: str, note: str, user_id: int) -> None:
    """Record a lead's decision on a flag: no concern, referred, or could not contact."""
    db.execute(
        "UPDATE safeguarding_flags SET status = ?, decision_note = ?, decided_by = ?, "
        "decided_at = ? WHERE id = ?",
        [status, note, user_id, now(), flag_id],
    )


def remove_flag(db: Database, flag_id: int) -> None:
    """Delete a flag that holds no one's evidence."""
    db.execute("DELETE FROM safeguarding_flags WHERE id = ?", [flag_id])


def set_safeguarding_lead(db: Database, campaign_id: int, user_id: int | None) -> None:
    """Name the lead who receives a campaign's flags."""
    db.execute("UPDATE campaigns SET safeguarding_lead_id = ? WHERE id = ?", [user_id, campaign_id])


def add_concern_phrase(db: Database, phrase: str, user_id: int) -> None:
    """Add a word or phrase that flags free text; an existing one is left as it is."""
    db.execute(
        "INSERT INTO concern_phrases (phrase, added_by, created_at) VALUES (?, ?, ?) "
        # Either engine's unique rule on the phrase, whatever its case, refuses a second one.
        "ON CONFLICT DO NOTHING",
        [phrase, user_id, now()],
    )


def remove_concern_phrase(db: Database, phrase_id: int) -> None:
    """Stop a word or phrase flagging free text."""
    db.execute("DELETE FROM concern_phrases WHERE id = ?", [phrase_id])


# --- Migrations: engage.assist ---

# Assisted answering, group sessions and safeguarding flags.

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
def _assisted_group_safeguarding(db: SqliteDatabase) -> None:
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
def _worry_contact_and_could_not_contact(db: SqliteDatabase) -> None:
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
