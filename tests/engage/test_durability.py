"""Durability against a real gunicorn server: kill -9 mid-load, and backup/restore under load."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest

from benchmarks import respondents
from benchmarks.server import Server, engage_command


@pytest.fixture
def instance(tmp_path):
    folder = tmp_path / "instance"
    engage_command(folder, "init")
    link = (
        engage_command(
            folder,
            "campaign",
            "create",
            "--framework",
            "cqc-la",
            "--statements",
            "QS1,QS7",
            "--title",
            "Durability",
        )
        .strip()
        .splitlines()[-1]
    )
    return folder, link.rstrip("/").rsplit("/", 1)[1]


def _load_in_background(port: int, code: str, clients: int, seconds: float):
    box = {}
    thread = threading.Thread(
        target=lambda: box.setdefault(
            "tally",
            respondents.run("127.0.0.1", port, code, clients, seconds, media_share=0.5),
        ),
        daemon=True,
    )
    thread.start()
    return thread, box


def test_kill_minus_nine_loses_no_acknowledged_answer(instance):
    folder, code = instance
    server = Server.engage(folder)
    thread, box = _load_in_background(server.port, code, clients=12, seconds=5)
    time.sleep(2.5)
    server.kill()
    thread.join(timeout=60)
    tally = box["tally"]
    assert tally.acknowledged, "the load acknowledged nothing before the kill"
    assert tally.errors, "the kill should have broken some journeys"

    with Server.engage(folder, port=server.port) as restarted:
        saved = json.loads(engage_command(folder, "responses", code, "--json"))
        assert restarted.process.poll() is None
    outcome = respondents.compare(tally, saved)
    assert outcome["lost"] == 0
    assert outcome["duplicated"] == 0
    database = sqlite3.connect(folder / "engage.db")
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    referenced = set()
    for row in database.execute("SELECT sha256, thumb_sha256, poster_sha256 FROM media_items"):
        referenced.update(digest for digest in row if digest)
    database.close()
    assert tally.photos, "no photo was sent before the kill"
    # The restarted server cleared what the kill left half-done: every file left is in use.
    media = folder / "media"
    blobs = {p.parent.name + p.name for p in (media / "blobs").rglob("*") if p.is_file()}
    assert blobs == referenced
    assert not list((media / "uploads").glob("form-*.part"))
    work = media / "work"
    assert not (work.exists() and any(work.iterdir()))


def test_backup_and_restore_round_trip_under_load(instance, tmp_path):
    folder, code = instance
    archive = tmp_path / "under-load.tar.gz"
    with Server.engage(folder, log=tmp_path / "server.log") as server:
        thread, box = _load_in_background(server.port, code, clients=8, seconds=6)
        time.sleep(2)
        engage_command(folder, "backup", str(archive))
        engage_command(folder, "restore", str(archive), "--yes")
        thread.join(timeout=60)
        # Sessions begun after the backup are gone once it is restored: their people are sent
        # back to the start (302) or told nothing was changed (400); nothing crashes.
        failures = [
            e for e in box["tally"].errors if not e.endswith(("answered 302", "answered 400"))
        ]
        assert failures == [], server.tracebacks()
        saved = json.loads(engage_command(folder, "responses", code, "--json"))
        assert saved
    copy = tmp_path / "copy"
    engage_command(copy, "init")
    engage_command(copy, "restore", str(archive), "--yes")
    restored = json.loads(engage_command(copy, "responses", code, "--json"))
    assert restored
    database = sqlite3.connect(copy / "engage.db")
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    database.close()
