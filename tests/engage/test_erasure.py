"""Erasure: after `engage erase` or the lead's page, nothing of the person remains."""

from __future__ import annotations

from pathlib import Path

import pytest

from engage import store
from engage.store import get_db
from media import narration as media_narration
from tests.conftest import csrf_token
from tests.engage.test_media_answers import MediaRespondent
from tests.media import samples

pytestmark = pytest.mark.both_engines

UNIQUE = "Zebedee-Quokka"


@pytest.fixture
def person_with_everything(app, client, make_campaign, tmp_path):
    """A person with written words, a quote, a photo, an unfinished upload and a spoken clip."""
    campaign = make_campaign(statement_ids=["QS1"])
    with app.app_context():
        question_id = store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["question_id"]
    person = MediaRespondent(client, campaign["code"], question_id)
    person.start()
    person.answer(question_id, "good", free_text=f"My helper {UNIQUE} is kind")
    assert (
        person.form_upload("photo", samples.photo_with_gps(tmp_path / "p.jpg")).status_code == 302
    )
    created = person.create("video", 1000)
    assert created.status_code == 201
    person.chunk(created.get_json()["url"], b"\x00" * 100, 0)
    with app.app_context():
        db = get_db()
        session_id = db.execute("SELECT id FROM respondent_sessions").fetchone()[0]
        item = db.execute("SELECT id, text FROM review_items WHERE item_kind = 'answer'").fetchone()
        store.review.record_redaction_suggestions(db, item["id"], [])
        start = item["text"].index(UNIQUE)
        store.review.mark_quote(db, item["id"], start, start + len(UNIQUE), statement_id="QS1")
        # A clip made from the person's own words, as a recorded narration might be.
        runtime = app.extensions["narration"]
        runtime.register(db, [(item["text"], "en")])
        row = runtime.clips(item["text"], "en")[0]
        runtime.render(row)
        resume_code = store.respondents.respondent_session(db, session_id)["resume_code"]
    clip = runtime.store.path(row["clip_key"], "ogg")
    assert clip.exists()
    return {"session_id": session_id, "clip": clip, "resume_code": resume_code}


def _everything_left(app, session_id: int, clip: Path) -> list[str]:
    left = []
    with app.app_context():
        db = get_db()
        for table, column in (
            ("respondent_sessions", "id"),
            ("answers", "session_id"),
            ("media_items", "session_id"),
            ("media_uploads", "session_id"),
            ("review_items", "session_id"),
        ):
            count = db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {column} = ?",  # noqa: S608
                [session_id],
            ).fetchone()[0]
            if count:
                left.append(f"{count} rows in {table}")
        for table in ("quotes", "redactions"):
            if db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]:  # noqa: S608
                left.append(f"rows in {table}")
        if (
            db.engine == "sqlite"
            and (
                db.execute(
                    "SELECT COUNT(*) FROM review_items_fts WHERE review_items_fts MATCH ?",
                    [f'"{UNIQUE}"'],
                ).fetchone()[0]
            )
        ):
            left.append("a full-text entry")
        if db.execute(
            "SELECT COUNT(*) FROM narration_texts WHERE text LIKE ?", [f"%{UNIQUE}%"]
        ).fetchone()[0]:
            left.append("a narration text")
    # Not in a free page, an old index segment or the WAL either (SQLite's file; PostgreSQL's
    # files belong to its server, and its dead rows are vacuumed, not overwritten).
    for path in Path(app.config["DATABASE"]).parent.glob("engage.db*"):
        raw = path.read_bytes()
        if UNIQUE.encode() in raw or UNIQUE.lower().encode() in raw:
            left.append(f"the words in the bytes of {path.name}")
    media = Path(app.instance_path) / "media"
    files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    if files:
        left.append(f"media files {files}")
    if clip.exists() or clip.with_suffix(".mp3").exists():
        left.append("a spoken clip")
    return left


def test_engage_erase_leaves_nothing(app, runner, person_with_everything):
    held = person_with_everything
    assert _everything_left(app, held["session_id"], held["clip"])
    result = runner.invoke(args=["erase", "--resume-code", held["resume_code"], "--yes"])
    assert result.exit_code == 0, result.output
    assert "Erased session" in result.output
    assert _everything_left(app, held["session_id"], held["clip"]) == []
    with app.app_context():
        (entry,) = get_db().execute("SELECT * FROM audit_log WHERE action = 'erase'").fetchall()
    assert entry["subject"] == f"session:{held['session_id']}"


def test_a_lead_erases_from_the_staff_page(app, staff_client, person_with_everything):
    held = person_with_everything
    lead = staff_client("lead")
    page = lead.get("/staff/erase").get_data(as_text=True)
    found = lead.post(
        "/staff/erase", data={"resume_code": held["resume_code"], "csrf_token": csrf_token(page)}
    )
    assert "Erase everything from this person" in found.get_data(as_text=True)
    response = lead.post(
        f"/staff/erase/{held['session_id']}", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 200
    assert "Everything from that person is gone" in response.get_data(as_text=True)
    assert _everything_left(app, held["session_id"], held["clip"]) == []


def test_an_unknown_code_or_session_erases_nothing(app, staff_client, runner):
    lead = staff_client("lead")
    page = lead.get("/staff/erase").get_data(as_text=True)
    response = lead.post(
        "/staff/erase", data={"resume_code": "AAAA-AAAA", "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 404
    assert lead.post("/staff/erase/999", data={"csrf_token": csrf_token(page)}).status_code == 404
    assert runner.invoke(args=["erase", "--session", "999", "--yes"]).exit_code != 0


def test_withdrawing_consent_also_removes_files(app, person_with_everything, client):
    held = person_with_everything
    from tests.engage.journey import Respondent

    with app.app_context():
        code = get_db().execute("SELECT code FROM campaigns").fetchone()[0]
    Respondent(client, code).consent("no", None, None)
    assert _everything_left(app, held["session_id"], held["clip"]) == []


def test_clip_store_forget_removes_both_formats(tmp_path):
    clips = media_narration.ClipStore(tmp_path)
    key = media_narration.clip_key("A clip to forget.", media_narration.voice_for("en"))
    for fmt in ("ogg", "mp3"):
        path = clips.path(key, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    clips.forget(key)
    assert not clips.has(key)
    assert list(tmp_path.rglob("*.ogg")) == []
