"""The store: migrations, pragmas and every write."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database as SqliteDatabase

from engage import store
from engage.store import connect, migrate
from engage.store.sets import MIGRATION_SETS

pytestmark = pytest.mark.both_engines


@pytest.fixture
def db(database_address):
    migrate(database_address)
    database = connect(database_address)
    yield database
    database.close()


def _campaign(db, **extra) -> dict:
    return store.campaigns.create_campaign(
        db,
        title="T",
        framework_id="cqc-la",
        statement_ids=["QS1"],
        questions=[
            {"id": "QS1-01", "statement_id": "QS1", "text": {"en": "One"}},
            {"id": "QS1-02", "statement_id": "QS1", "text": {"en": "Two"}},
        ],
        respondent_groups=["person"],
        **extra,
    )


def _consent(take_part=True, quote=True, media=False):
    return {"take_part": take_part, "quote": quote, "media": media}


@pytest.mark.sqlite_only("SQLite's migration sets; PostgreSQL's schema is made whole")
def test_migrations_are_recorded_and_run_once(tmp_path):
    path = str(tmp_path / "engage.db")
    migrate(path)
    migrate(path)
    db = SqliteDatabase(connect(path).conn)
    applied = [m.name for s in MIGRATION_SETS for m in s.applied(db)]
    assert "0001_campaigns_sessions_answers" in applied
    assert len(applied) == len(set(applied))
    assert not [m for s in MIGRATION_SETS for m in s.pending(db)]


@pytest.mark.sqlite_only("SQLite's pragmas")
def test_connections_use_wal_and_foreign_keys(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO answers (session_id, question_id, value, created_at, updated_at) "
            "VALUES (999, 'x', 'good', 'now', 'now')"
        )


def test_create_campaign_copies_questions_in_order(db):
    campaign = _campaign(db)
    assert len(campaign["code"]) == 8
    questions = store.campaigns.campaign_questions(db, campaign["id"])
    assert [q["question_id"] for q in questions] == ["QS1-01", "QS1-02"]
    assert questions[1]["content"]["text"] == {"en": "Two"}
    assert store.campaigns.campaign_by_code(db, campaign["code"])["statement_ids"] == ["QS1"]


def test_resume_codes_are_unique_and_unambiguous(db):
    campaign = _campaign(db)
    codes = {
        store.respondents.start_session(db, campaign["id"], _consent(), "en")["resume_code"]
        for _ in range(200)
    }
    assert len(codes) == 200
    assert all(len(code) == 8 and not set(code) & set("0O1IL") for code in codes)


def test_save_answer_replaces_the_earlier_answer(db):
    campaign = _campaign(db)
    session = store.respondents.start_session(db, campaign["id"], _consent(), "en")
    store.respondents.save_answer(db, session["id"], "QS1-01", "good", "first")
    store.respondents.save_answer(db, session["id"], "QS1-01", "not_good", "second")
    answers = store.respondents.answers_for_session(db, session["id"])
    assert list(answers) == ["QS1-01"]
    assert (answers["QS1-01"]["value"], answers["QS1-01"]["free_text"]) == ("not_good", "second")


def test_campaign_responses_carry_group_and_how(db):
    campaign = _campaign(db)
    session = store.respondents.start_session(db, campaign["id"], _consent(), "cy")
    store.respondents.set_who(db, session["id"], "family", "answered_for")
    store.respondents.save_answer(db, session["id"], "QS1-02", "ok", "")
    (row,) = store.respondents.campaign_responses(db, campaign["id"])
    assert (row["statement_id"], row["respondent_group"], row["answered_how"], row["language"]) == (
        "QS1",
        "family",
        "answered_for",
        "cy",
    )


def test_consent_finish_and_erase(db):
    campaign = _campaign(db)
    session = store.respondents.start_session(db, campaign["id"], _consent(media=False), "en")
    store.respondents.update_consent(db, session["id"], _consent(quote=False, media=True))
    row = store.respondents.respondent_session(db, session["id"])
    assert (row["consent_quote"], row["consent_media"]) == (0, 1)
    store.respondents.finish_session(db, session["id"])
    first_finish = store.respondents.respondent_session(db, session["id"])["finished_at"]
    store.respondents.finish_session(db, session["id"])
    assert store.respondents.respondent_session(db, session["id"])["finished_at"] == first_finish
    store.respondents.save_answer(db, session["id"], "QS1-01", "good", "words")
    store.respondents.erase_session(db, session["id"])
    assert store.respondents.respondent_session(db, session["id"]) is None
    assert db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0


def test_resume_code_lookup_is_per_campaign(db):
    ours = _campaign(db)
    theirs = _campaign(db)
    session = store.respondents.start_session(db, theirs["id"], _consent(), "en")
    assert store.respondents.session_by_resume_code(db, ours["id"], session["resume_code"]) is None
    assert (
        store.respondents.session_by_resume_code(db, theirs["id"], session["resume_code"])["id"]
        == session["id"]
    )
