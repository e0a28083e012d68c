"""Campaigns: their settings, questions, extra words to avoid and help contact.

Also the number that changes whenever anything a respondent page shows changes
(`content_generation`), since campaigns are most of what those pages are made from.
"""

from __future__ import annotations

import json

from sqlite_utils import Database as SqliteDatabase
from sqlite_utils import Migrations

from engage.store import Database, fetch_all, fetch_one, now, random_code, run_script, transaction
from engage.store.triggers import SQLITE, random_number

# --- Reads ---


def campaign_by_code(db: Database, code: str) -> dict | None:
    """Return the campaign with this link code, or None."""
    campaign = fetch_one(db, "SELECT * FROM campaigns WHERE code = ?", [code])
    if campaign:
        for key in ("statement_ids", "respondent_groups", "languages"):
            campaign[key] = json.loads(campaign[key])
    return campaign


def content_generation(db: Database) -> int:
    """Return the number that changes whenever anything a respondent page shows changes."""
    return db.execute("SELECT value FROM content_generation").fetchone()[0]


def campaign_questions(db: Database, campaign_id: int) -> list[dict]:
    """Return the campaign's questions in order, with their content decoded."""
    rows = db.execute(
        "SELECT * FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
        [campaign_id],
    ).fetchall()
    return [_question(row) for row in rows]


def _question(row) -> dict:
    question = dict(row)
    question["content"] = json.loads(question["content"])
    return question


def campaign_overview(db: Database) -> list[dict]:
    """Return every campaign with counts of people who started and finished."""
    return fetch_all(
        db,
        """
        SELECT c.*, COUNT(s.id) AS started, COUNT(s.finished_at) AS finished
        FROM campaigns c LEFT JOIN respondent_sessions s ON s.campaign_id = c.id
        GROUP BY c.id ORDER BY c.created_at DESC, c.id DESC
        """,
    )


def campaign_question(db: Database, campaign_id: int, question_id: str) -> dict | None:
    """Return one of the campaign's questions with its content decoded, or None."""
    row = db.execute(
        "SELECT * FROM campaign_questions WHERE campaign_id = ? AND question_id = ?",
        [campaign_id, question_id],
    ).fetchone()
    return _question(row) if row else None


def answered_statements(db: Database, campaign_id: int) -> set[str]:
    """Return the statements of a campaign that already have answers."""
    rows = db.execute(
        """
        SELECT DISTINCT q.statement_id FROM answers a
        JOIN respondent_sessions s ON s.id = a.session_id
        JOIN campaign_questions q ON q.campaign_id = s.campaign_id AND q.question_id = a.question_id
        WHERE s.campaign_id = ?
        """,
        [campaign_id],
    ).fetchall()
    return {row[0] for row in rows}


def extra_terms(db: Database, campaign_id: int | None = None) -> list[dict]:
    """Return the words to avoid: every campaign's, plus one campaign's own when asked."""
    return fetch_all(
        db,
        "SELECT t.*, c.title AS campaign_title FROM extra_terms t "
        "LEFT JOIN campaigns c ON c.id = t.campaign_id "
        "WHERE t.campaign_id IS NULL OR t.campaign_id = ? ORDER BY lower(t.term), t.term",
        [campaign_id],
    )


def all_extra_terms(db: Database) -> list[dict]:
    """Return every word to avoid, whichever campaign it belongs to."""
    return fetch_all(
        db,
        "SELECT t.*, c.title AS campaign_title FROM extra_terms t "
        "LEFT JOIN campaigns c ON c.id = t.campaign_id ORDER BY lower(t.term), t.term",
    )


def extra_term_exists(db: Database, campaign_id: int | None, term: str) -> bool:
    """Say whether a word is already on the list for the same campaign (or for all)."""
    return bool(
        db.execute(
            "SELECT 1 FROM extra_terms WHERE COALESCE(campaign_id, 0) = ? "
            "AND lower(term) = lower(?)",
            [campaign_id or 0, term],
        ).fetchone()
    )


def open_campaigns(db: Database) -> list[dict]:
    """Return the campaigns taking answers, newest first."""
    return fetch_all(
        db,
        "SELECT id, code, title, safeguarding_lead_id FROM campaigns WHERE status = 'open' "
        "ORDER BY created_at DESC, id DESC",
    )


def campaign_by_id(db: Database, campaign_id: int) -> dict | None:
    """Return a campaign by id, lists decoded as in campaign_by_code."""
    row = fetch_one(db, "SELECT code FROM campaigns WHERE id = ?", [campaign_id])
    return campaign_by_code(db, row["code"]) if row else None


def all_campaigns(db: Database) -> list[dict]:
    """Return every campaign with the name of its safeguarding lead."""
    return fetch_all(
        db,
        "SELECT c.id, c.code, c.title, c.status, c.safeguarding_lead_id, u.name AS lead_name "
        "FROM campaigns c LEFT JOIN users u ON u.id = c.safeguarding_lead_id "
        "ORDER BY c.created_at DESC, c.id DESC",
    )


# --- Writes ---


CAMPAIGN_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def create_campaign(
    db: Database,
    *,
    title: str,
    framework_id: str,
    statement_ids: list[str],
    questions: list[dict],
    respondent_groups: list[str],
    scale_points: int = 3,
    languages: list[str] | None = None,
    code: str | None = None,
    is_demo: bool = False,
) -> dict:
    """Create a campaign with its own copy of each question's wording."""
    with transaction(db):
        campaign_id = db.insert(
            "campaigns",
            {
                "code": code or _unused_campaign_code(db),
                "title": title,
                "framework_id": framework_id,
                "statement_ids": json.dumps(statement_ids),
                "scale_points": scale_points,
                "respondent_groups": json.dumps(respondent_groups),
                "languages": json.dumps(languages or ["en"]),
                "is_demo": int(is_demo),
                "created_at": now(),
            },
        )
        db.insert_all(
            "campaign_questions",
            [
                {
                    "campaign_id": campaign_id,
                    "question_id": question["id"],
                    "statement_id": question["statement_id"],
                    "position": position,
                    "content": json.dumps(question, ensure_ascii=False),
                }
                for position, question in enumerate(questions, start=1)
            ],
        )
    return db.get("campaigns", campaign_id)


def _unused_campaign_code(db: Database) -> str:
    while True:
        code = random_code(CAMPAIGN_CODE_ALPHABET, 8)
        if not db.execute("SELECT 1 FROM campaigns WHERE code = ?", [code]).fetchone():
            return code


def set_campaign_status(db: Database, campaign_id: int, status: str) -> None:
    """Open or close a campaign."""
    db.execute("UPDATE campaigns SET status = ? WHERE id = ?", [status, campaign_id])


CAMPAIGN_SETTING_COLUMNS = (
    "title",
    "scale_points",
    "respondent_groups",
    "languages",
    "opens_at",
    "closes_at",
    "min_group_size",
    "min_cell_count",
    "help_contact",
    "safeguarding_number",
    "max_photo_bytes",
    "max_video_bytes",
    "max_audio_bytes",
)


def update_campaign_settings(db: Database, campaign_id: int, settings: dict) -> None:
    """Store a campaign's settings; lists are kept as JSON."""
    unknown = set(settings) - set(CAMPAIGN_SETTING_COLUMNS)
    if unknown:
        raise ValueError(f"not a campaign setting: {', '.join(sorted(unknown))}")
    values = {
        key: json.dumps(value) if isinstance(value, list) else value
        for key, value in settings.items()
    }
    if values:
        db.update("campaigns", campaign_id, values)


def set_campaign_statements(
    db: Database,
    campaign_id: int,
    statement_ids: list[str],
    added_questions: list[dict],
) -> None:
    """Change a campaign's statements: drop the questions of removed ones, copy in new ones.

    Questions are put back in campaign order (statement order, then their old order).
    """
    with transaction(db):
        marks = ",".join("?" for _ in statement_ids)
        db.execute(
            f"DELETE FROM campaign_questions WHERE campaign_id = ? "  # noqa: S608 - only marks
            f"AND statement_id NOT IN ({marks})",
            [campaign_id, *statement_ids],
        )
        db.insert_all(
            "campaign_questions",
            [
                {
                    "campaign_id": campaign_id,
                    "question_id": question["id"],
                    "statement_id": question["statement_id"],
                    "position": 10_000 + offset,
                    "content": json.dumps(question, ensure_ascii=False),
                }
                for offset, question in enumerate(added_questions)
            ],
        )
        db.update("campaigns", campaign_id, {"statement_ids": json.dumps(statement_ids)})
        _renumber_questions(db, campaign_id, statement_ids)


def _renumber_questions(db: Database, campaign_id: int, statement_ids: list[str]) -> None:
    order = {statement_id: index for index, statement_id in enumerate(statement_ids)}
    rows = db.execute(
        "SELECT id, statement_id, position FROM campaign_questions WHERE campaign_id = ?",
        [campaign_id],
    ).fetchall()
    ranked = sorted(rows, key=lambda row: (order.get(row["statement_id"], 999), row["position"]))
    for position, row in enumerate(ranked, start=1):
        db.execute("UPDATE campaign_questions SET position = ? WHERE id = ?", [position, row["id"]])


def update_question_content(db: Database, campaign_id: int, question_id: str, content: dict):
    """Replace the campaign's copy of one question's wording."""
    db.execute(
        "UPDATE campaign_questions SET content = ? WHERE campaign_id = ? AND question_id = ?",
        [json.dumps(content, ensure_ascii=False), campaign_id, question_id],
    )


def add_campaign_question(
    db: Database, campaign_id: int, statement_ids: list[str], content: dict
) -> None:
    """Add a question to a campaign, after the other questions of its statement."""
    with transaction(db):
        db.insert(
            "campaign_questions",
            {
                "campaign_id": campaign_id,
                "question_id": content["id"],
                "statement_id": content["statement_id"],
                "position": 10_000,
                "content": json.dumps(content, ensure_ascii=False),
            },
        )
        _renumber_questions(db, campaign_id, statement_ids)


def add_extra_term(
    db: Database, *, campaign_id: int | None, term: str, plainer: str, added_by: int
) -> int:
    """Add a word leads want flagged, for one campaign or (campaign_id None) for every one."""
    return db.insert(
        "extra_terms",
        {
            "campaign_id": campaign_id,
            "term": term,
            "plainer": plainer,
            "added_by": added_by,
            "created_at": now(),
        },
    )


def remove_extra_term(db: Database, term_id: int) -> None:
    """Remove a word from the list of words to avoid."""
    db.execute("DELETE FROM extra_terms WHERE id = ?", [term_id])


def set_you_said_published(db: Database, campaign_id: int, published: bool) -> None:
    """Publish the campaign's "you said" page for the people who took part, or take it down."""
    db.execute(
        "UPDATE campaigns SET you_said_published_at = ? WHERE id = ?",
        [now() if published else None, campaign_id],
    )


# --- Migrations: engage.core ---

# The core tables: campaigns, their questions, respondent sessions and answers.

core = Migrations("engage.core")


@core(name="0001_campaigns_sessions_answers")
def _campaigns_sessions_answers(db: SqliteDatabase) -> None:
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
def _answer_drafts(db: SqliteDatabase) -> None:
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


# --- Migrations: engage.setup ---

# Campaign set-up by leads: how families get help, and the extra words to avoid.

setup = Migrations("engage.setup")


@setup(name="0001_help_contact_and_extra_terms")
def _help_contact_and_extra_terms(db: SqliteDatabase) -> None:
    run_script(
        db,
        """
        ALTER TABLE campaigns ADD COLUMN help_contact TEXT NOT NULL DEFAULT '';
        CREATE TABLE extra_terms (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER REFERENCES campaigns(id) ON DELETE CASCADE,  -- NULL: every campaign
            term TEXT NOT NULL COLLATE NOCASE,
            plainer TEXT NOT NULL DEFAULT '',
            added_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX extra_terms_scope_term ON extra_terms(IFNULL(campaign_id, 0), term)
        """,
    )


# --- Migrations: engage.pages ---

# What respondent pages are made from, as one number that changes whenever any of it does.
#
# Each server process keeps question pages rendered (engage.respondent.pages). A trigger on every
# table those pages are made from gives `content_generation` a new random value on any change, so
# every process sees an edit on its next request. Random rather than counted: a restored database
# must never share a number with different content.

pages = Migrations("engage.pages")

# Each table and the changes to it that alter a respondent page. New narration texts are
# registered all the time and change no page; deleting one (erasure) takes a clip away.
SOURCES: dict[str, tuple[str, ...]] = {
    "campaigns": ("INSERT", "UPDATE", "DELETE"),
    "campaign_questions": ("INSERT", "UPDATE", "DELETE"),
    "campaign_pictures": ("INSERT", "UPDATE", "DELETE"),
    "narration_recordings": ("INSERT", "UPDATE", "DELETE"),
    "narration_texts": ("DELETE",),
}


@pages(name="0001_content_generation")
def _content_generation(db: SqliteDatabase) -> None:
    run_script(
        db,
        """
        CREATE TABLE content_generation (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            value INTEGER NOT NULL
        );
        INSERT INTO content_generation (id, value) VALUES (1, random());
        """,
    )
    for trigger in generation_triggers(SQLITE):
        db.execute(trigger)


def generation_triggers(engine: str) -> list[str]:
    """Return the triggers that give content_generation a new value, in SQLite's form."""
    # Names from SOURCES above, never from input.
    return [
        f"CREATE TRIGGER {table}_{change.lower()}_generation AFTER {change} ON {table} "
        f"BEGIN UPDATE content_generation SET value = {random_number(engine)}; END"
        for table, changes in SOURCES.items()
        for change in changes
    ]
