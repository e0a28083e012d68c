"""engage backup and engage restore, in process."""

from __future__ import annotations

import sqlite3
import tarfile
import threading

from engage.store import get_db, writes
from tests.engage.journey import Respondent


def _answers(app) -> int:
    with app.app_context():
        return get_db().execute("SELECT COUNT(*) FROM answers").fetchone()[0]


def test_backup_then_restore_brings_back_the_data_and_files(
    app, client, make_campaign, runner, tmp_path
):
    campaign = make_campaign(statement_ids=["QS1"])
    person = Respondent(client, campaign["code"])
    person.start()
    with app.app_context():
        first = get_db().execute("SELECT question_id FROM campaign_questions").fetchone()[0]
    person.answer(first, "good")
    upload = tmp_path / "instance" / "media" / "ab" / "abcdef.png"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"picture bytes")
    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as opened:
        names = set(opened.getnames())
    assert {"engage.db", "media/ab/abcdef.png"} <= names
    assert "secret_key" not in names

    person.post("/consent", {"take_part": "no"})
    upload.unlink()
    stray = tmp_path / "instance" / "media" / "cd" / "stray.png"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"made after the backup")
    assert _answers(app) == 0

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert _answers(app) == 1
    assert upload.read_bytes() == b"picture bytes"
    assert not stray.exists()
    with app.app_context():
        actions = [r[0] for r in get_db().execute("SELECT action FROM audit_log")]
    assert actions[-1] == "restore"


def test_backup_while_writes_continue_is_consistent(app, make_campaign, runner, tmp_path):
    campaign = make_campaign(statement_ids=["QS1"])
    stop = threading.Event()

    def keep_writing() -> None:
        from engage.store import connect

        db = connect(app.config["DATABASE"])
        while not stop.is_set():
            session = writes.start_session(
                db, campaign["id"], {"take_part": True, "quote": True, "media": False}, "en"
            )
            writes.save_answer(db, session["id"], "QS1-01", "good", "")
        db.close()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        for number in range(3):
            archive = tmp_path / f"b{number}.tar.gz"
            assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    finally:
        stop.set()
        writer.join()
    with tarfile.open(archive) as opened:
        opened.extract("engage.db", tmp_path / "check", filter="data")
    copy = sqlite3.connect(tmp_path / "check" / "engage.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    sessions = copy.execute("SELECT COUNT(*) FROM respondent_sessions").fetchone()[0]
    answers = copy.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    copy.close()
    # A session and its answer are two transactions: a backup may fall between them.
    assert 0 < answers <= sessions <= answers + 1


def test_restore_refuses_an_unsafe_archive(runner, tmp_path):
    archive = tmp_path / "evil.tar.gz"
    evil = tmp_path / "evil.txt"
    evil.write_text("x")
    with tarfile.open(archive, "w:gz") as opened:
        opened.add(evil, arcname="../outside.txt")
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code != 0
    assert "unsafe" in result.output
    assert not (tmp_path / "outside.txt").exists()
