"""Exports from the store through the engage command, and the demo's synthetic respondents."""

from __future__ import annotations

import json
import zipfile

import jsonschema
import openpyxl
import pytest

from engage import evidence, store
from engage.store import get_db
from exports.writers import SCHEMA_PATH

pytestmark = pytest.mark.both_engines


def _respond(db, campaign_id, group, how, value, text="", quote=True, held=False) -> int:
    session = store.respondents.start_session(
        db, campaign_id, {"take_part": True, "quote": quote, "media": False}, "en"
    )
    store.respondents.set_who(db, session["id"], group, how)
    question = store.campaigns.campaign_questions(db, campaign_id)[0]["question_id"]
    store.respondents.save_answer(db, session["id"], question, value, text)
    if held:
        store.safeguarding.raise_flag(
            db, campaign_id=campaign_id, reason="worried", session_id=session["id"]
        )
    return session["id"]


@pytest.fixture
def seeded(app, make_campaign):
    """QS1: 12 people (8 good, 2 OK, 2 not good), 4 family, 10 staff (all good), with quotes
    from a consenting person, a person who said no to quoting, and a held person."""
    campaign = make_campaign(statement_ids=["QS1"], code="known")
    with app.app_context():
        db = get_db()
        values = ["good"] * 8 + ["ok"] * 2 + ["not_good"] * 2
        for n, value in enumerate(values):
            text = "My carer Dafydd Jones is kind, ring 07700 900123." if n == 0 else ""
            _respond(db, campaign["id"], "person", "own", value, text)
        _respond(db, campaign["id"], "person", "own", "good", "No quote for me please.", False)
        _respond(db, campaign["id"], "person", "own", "not_good", "I am not safe.", held=True)
        for value in ["good", "good", "not_good", "not_good"]:
            _respond(db, campaign["id"], "family", "own", value)
        for _ in range(10):
            _respond(db, campaign["id"], "staff", "own", "good")
        store.review.add_redaction_name(db, campaign["id"], "Dafydd")
        assert evidence.suggest_redactions(db, campaign["id"]) == 3
        for item in store.review.review_queue(db, campaign["id"]):
            store.review.mark_quote(db, item["id"], 0, len(item["text"]), strength="strength")
            for redaction in store.review.item_redactions(db, item["id"]):
                store.review.decide_redaction(db, redaction["id"], True, "lead")
    return campaign


def test_every_format_from_the_command(runner, app, seeded, tmp_path):
    for fmt in ("xlsx", "csv", "json", "zip"):
        path = tmp_path / f"out.{fmt}"
        result = runner.invoke(args=["export", "known", "--format", fmt, "-o", str(path)])
        assert result.exit_code == 0, result.output
        assert "answers: 28 read" in result.output
        assert "(1 quotes, 0 media)" in result.output
    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    scores = {
        (row[3], row[4]): row for row in workbook["Scores"].iter_rows(min_row=2, values_only=True)
    }
    everyone = scores[("respondent group", "All")]
    # 27 people, as the held person is left out: 21 good, 2 OK, 4 not good. The OK and not
    # good counts are under 5, so they are hidden, and so is enough more that neither they
    # nor anything about the 4 family members can be narrowed down.
    assert everyone[5:7] == (27, 27)
    assert everyone[9:11] == (None, None)
    # people, answers, 7 counts, share, its n, the two rates, their n: all hidden.
    families = scores[("respondent group", "Families and carers")]
    assert families[5:19] == (None,) * 14
    assert families[19] == "hidden"
    assert scores[("respondent group", "People who draw on care")][5] is None
    for row in scores.values():
        assert all(n is None or not 0 < n < 5 for n in row[7:14]), row
        # An n or a rate is never shown beside a hidden share or count.
        if row[14] is None:
            assert row[15] in (None, 0), row
        for count, rate in ((row[12], row[16]), (row[13], row[17])):
            assert count is not None or rate is None, row
    quotes = list(workbook["Quotes"].iter_rows(min_row=2, values_only=True))
    assert [(q[0], q[8]) for q in quotes] == [
        ("EV-QS1-0001", "My carer [name] is kind, ring [phone number].")
    ]
    document = json.loads((tmp_path / "out.json").read_text())
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    assert [q["redacted_text"] for q in document["quotes"]] == [quotes[0][8]]
    assert "not safe" not in json.dumps(document)
    with zipfile.ZipFile(tmp_path / "out.csv") as archive:
        assert "Dafydd" not in archive.read("quotes.csv").decode("utf-8-sig")
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert "known-evidence.xlsx" in archive.namelist()
    with app.app_context():
        log = store.evidence.export_log(get_db(), seeded["id"])
    assert [entry["format"] for entry in log] == ["zip", "json", "csv", "xlsx"]
    assert all(entry["quotes"] == 1 for entry in log)


def test_a_pending_redaction_keeps_a_quote_out(app, seeded, tmp_path):
    with app.app_context():
        db = get_db()
        item = store.review.review_queue(db, seeded["id"])[0]
        store.review.record_redaction_suggestions(db, item["id"], [(0, 2, "other")])
        campaign = store.campaigns.campaign_by_code(db, "known")
        tally = evidence.export_campaign(db, campaign, "json", tmp_path / "e.json")
    assert tally.quotes == 0
    assert json.loads((tmp_path / "e.json").read_text())["quotes"] == []


def test_export_of_an_unknown_campaign_fails(runner, tmp_path):
    result = runner.invoke(args=["export", "nope", "--format", "json", "-o", str(tmp_path / "x")])
    assert result.exit_code != 0
    assert "nope" in result.output


def test_demo_responses_are_synthetic_idempotent_and_end_with_the_link(runner, app):
    first = runner.invoke(args=["demo", "--responses", "60"])
    second = runner.invoke(args=["demo", "--responses", "60"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert first.output == second.output
    assert first.output.strip().splitlines()[-1] == "http://127.0.0.1:5000/s/demo/"
    with app.app_context():
        db = get_db()
        campaign = store.campaigns.campaign_by_code(db, "demo")
        assert campaign["is_demo"] == 1
        sessions = db.execute(
            "SELECT respondent_group, is_synthetic FROM respondent_sessions"
        ).fetchall()
        assert len(sessions) == 60 and all(row["is_synthetic"] for row in sessions)
        assert {row["respondent_group"] for row in sessions} == {
            "person",
            "family",
            "advocate",
            "staff",
            "partner",
        }
        items = store.review.review_queue(db, campaign["id"], limit=1000)
        assert items and all(item["suggested_at"] for item in items)
        kinds = {r["kind"] for item in items for r in store.review.item_redactions(db, item["id"])}
        assert {"name", "phone"} <= kinds
    more = runner.invoke(args=["demo", "--responses", "80"])
    assert "Synthetic demo respondents: 80" in more.output
