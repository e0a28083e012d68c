"""`engage db copy`: a SQLite instance moved to PostgreSQL loses and changes nothing."""

from __future__ import annotations

import json

import pytest

from benchmarks.respondents import photo_bytes
from engage import create_app, evidence, store
from engage.services import media_files
from engage.store import copy, get_db

# The copy's source is a SQLite instance, whatever engine the rest of the run uses.
pytestmark = pytest.mark.sqlite_only("the copy's source is a SQLite instance")

WELSH = "Mae fy ngofalwr Dafydd yn garedig iawn, ond mae'r bws yn hwyr."
ARABIC = "الموظفون لطفاء جداً معي، لكن الطعام بارد أحياناً."


def _respond(db, campaign_id: int, language: str, value: str, text: str) -> int:
    session = store.respondents.start_session(
        db, campaign_id, {"take_part": True, "quote": True, "media": True}, language
    )
    store.respondents.set_who(db, session["id"], "person", "own")
    for question in store.campaigns.campaign_questions(db, campaign_id)[:3]:
        store.respondents.save_answer(db, session["id"], question["question_id"], value, text)
    return session["id"]


@pytest.fixture
def filled(app, make_campaign, tmp_path):
    """A SQLite instance with something in every kind of table a council's survey fills."""
    campaign = make_campaign(
        statement_ids=["QS1", "QS7"], code="moving", languages=["en", "cy", "ar"]
    )
    with app.app_context():
        db = get_db()
        advocate = store.staff.create_user(
            db, email="advocate@example.org", name="Awen", role="advocate", password_hash="x"
        )
        first = None
        for n in range(12):
            language, text = [("cy", WELSH), ("ar", ARABIC), ("en", "")][n % 3]
            session_id = _respond(db, campaign["id"], language, ["good", "ok"][n % 2], text)
            first = first or session_id
        question = store.campaigns.campaign_questions(db, campaign["id"])[0]["question_id"]
        work = media_files.work_dir()
        (work / "source").write_bytes(photo_bytes())
        media_files.keep_answer_file("photo", "photo", work / "source", work, first, question)
        group = store.groups.create_group_session(
            db,
            campaign_id=campaign["id"],
            advocate_id=advocate,
            place="Canolfan Gymunedol",
            group_size=11,
            respondent_group="person",
            question_ids=[question],
        )
        store.groups.save_group_tally(db, group, question, {"good": 7, "ok": 4}, advocate)
        store.groups.add_group_note(db, group, question, "person", WELSH, "cy")
        store.review.add_redaction_name(db, campaign["id"], "Dafydd")
        evidence.suggest_redactions(db, campaign["id"])
        for item in store.review.review_queue(db, campaign["id"]):
            for redaction in store.review.item_redactions(db, item["id"]):
                store.review.decide_redaction(db, redaction["id"], True, "lead")
            if item["text"]:
                store.review.mark_quote(db, item["id"], 0, len(item["text"]), strength="strength")
        store.staff.audit(db, advocate, "test_action", "moving", "ذلك")
        # An export takes the published snapshot (bytes in the database) and logs itself.
        found = store.campaigns.campaign_by_code(db, campaign["code"])
        evidence.export_campaign(db, found, "json", tmp_path / "before.json")
    return campaign


def _export(app, campaign_code: str, path) -> dict:
    with app.app_context():
        db = get_db()
        found = store.campaigns.campaign_by_code(db, campaign_code)
        evidence.export_campaign(db, found, "json", path)
    exported = json.loads(path.read_text())
    exported.pop("exported_at", None)
    exported["campaign"].pop("exported_at", None)
    return exported


def test_a_copied_instance_serves_the_same_evidence_from_postgresql(
    app, filled, runner, postgres_databases, tmp_path
):
    target = postgres_databases.empty()
    result = runner.invoke(args=["db", "copy", "--to", target])
    assert result.exit_code == 0, result.output
    assert "every count and checksum is the same" in result.output
    for table in ("answers", "quotes", "redactions", "audit_log", "group_tallies", "media_items"):
        assert f"\n{table} " in result.output

    moved = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "moved"),
            "DATABASE_URL": target,
            "MEDIA_DIR": app.config["MEDIA_DIR"],
        }
    )
    try:
        before = _export(app, "moving", tmp_path / "sqlite.json")
        after = _export(moved, "moving", tmp_path / "postgresql.json")
        assert after == before
        quoted = json.dumps(after["quotes"], ensure_ascii=False)
        assert "Mae fy" in quoted and "الموظفون" in quoted
        with moved.app_context():
            db = get_db()
            words = {row[0] for row in db.execute("SELECT free_text FROM answers")}
            assert {WELSH, ARABIC} <= words
            # Each identity sequence is past the copied ids: new rows fit after them.
            highest = db.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
            store.staff.audit(db, None, "after_the_move")
            assert db.execute("SELECT MAX(id) FROM audit_log").fetchone()[0] == highest + 1
            # The copied photo is found in the same media folder.
            item = db.execute("SELECT sha256 FROM media_items").fetchone()
            assert media_files.blob_store().path(item[0]).is_file()
    finally:
        with moved.app_context():
            store.forget_connections()

    again = runner.invoke(args=["db", "copy", "--to", target])
    assert again.exit_code != 0
    assert "already holds data" in again.output


def test_a_difference_in_one_value_changes_the_table_checksum():
    rows = [(1, "gofal", None, 2.5, b"\x00"), (2, "ngofalwr", 3, 0.0, b"")]
    same = copy.table_checksum(reversed(rows))
    assert copy.table_checksum(rows) == same
    changed = [rows[0], (2, "ngofalwr", "3", 0.0, b"")]
    assert copy.table_checksum(changed) != same
    assert copy.table_checksum(rows[:1])[0] == 1
