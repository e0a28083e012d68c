"""The engage command."""

from __future__ import annotations

import json

import pytest

from engage.store import get_db


@pytest.mark.sqlite_only("names the SQLite file; test_store_engine checks the PostgreSQL message")
def test_init_reports_the_database(runner, app):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0
    assert app.config["DATABASE"] in result.output


def test_demo_is_idempotent_and_prints_the_link_last(runner, app):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0
    assert first.output.strip().splitlines()[-1] == "http://127.0.0.1:5000/s/demo/"
    assert second.output == first.output
    with app.app_context():
        db = get_db()
        assert db.execute("SELECT COUNT(*) FROM campaigns").fetchone()[0] == 1
        statements = json.loads(db.execute("SELECT statement_ids FROM campaigns").fetchone()[0])
    assert statements == [f"QS{n}" for n in range(1, 10)]
    # The demo is short by default: one question per statement.
    with app.app_context():
        rows = get_db().execute("SELECT statement_id FROM campaign_questions").fetchall()
    assert sorted(row[0] for row in rows) == statements


def test_the_full_demo_asks_every_question(runner, app):
    assert runner.invoke(args=["demo", "--full"]).exit_code == 0
    with app.app_context():
        count = get_db().execute("SELECT COUNT(*) FROM campaign_questions").fetchone()[0]
    assert count == 27


def test_campaign_create_prints_the_link(runner, app):
    result = runner.invoke(
        args=[
            "campaign",
            "create",
            "--framework",
            "cqc-la",
            "--statements",
            "QS1,QS7",
            "--title",
            "Our survey",
        ]
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    code = link.rstrip("/").rsplit("/", 1)[1]
    with app.app_context():
        row = get_db().execute("SELECT * FROM campaigns WHERE code = ?", [code]).fetchone()
        statements = {
            r[0]
            for r in get_db().execute(
                "SELECT statement_id FROM campaign_questions WHERE campaign_id = ?", [row["id"]]
            )
        }
    assert row["title"] == "Our survey"
    assert statements == {"QS1", "QS7"}


def test_campaign_create_over_the_driving_up_quality_code(runner):
    result = runner.invoke(
        args=["campaign", "create", "--framework", "duqc", "--title", "Our code", "--scale", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "/s/" in result.output


def test_campaign_create_refuses_unknown_statements(runner, app):
    result = runner.invoke(
        args=[
            "campaign",
            "create",
            "--framework",
            "cqc-la",
            "--statements",
            "QS1,QS99",
            "--title",
            "x",
        ]
    )
    assert result.exit_code != 0
    assert "QS99" in result.output
    result = runner.invoke(args=["campaign", "create", "--framework", "nope", "--title", "x"])
    assert result.exit_code != 0
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM campaigns").fetchone()[0] == 0


def test_responses_of_an_unknown_campaign_fail(runner):
    result = runner.invoke(args=["responses", "nothere", "--json"])
    assert result.exit_code != 0
    assert "nothere" in result.output


def test_content_check_passes_on_the_shipped_content(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Content is valid." in result.output
