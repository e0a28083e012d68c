"""A full disk during an upload: a clear message, and nothing half-written is left."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from benchmarks.respondents import TOKEN, Browser, multipart_body
from engage.store import get_db
from tests.engage.journey import Respondent
from tests.media import samples

pytestmark = pytest.mark.sqlite_only(
    "a SQLite file on a full disk; PostgreSQL's disk is the server's"
)

ROOT = Path(__file__).resolve().parents[2]


def _send(browser: Browser, method: str, path: str, body: bytes, headers: dict):
    headers = {**headers, "Cookie": browser.cookie}
    browser.connection.request(method, path, body=body, headers=headers)
    response = browser.connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def test_a_full_disk_during_an_upload_is_refused_cleanly(tmp_path):
    photo = samples.photo_with_gps(tmp_path / "photo.jpg", size=(1200, 900))
    # Past the server's 8 MB file limit whatever the JPEG compresses to.
    big = photo.read_bytes() + b"\0" * (10 * 1024 * 1024)
    instance = tmp_path / "instance"
    code_file = tmp_path / "code"
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.engage.disk_full_child", str(instance), str(code_file)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        port = int(server.stdout.readline())
        code = code_file.read_text()
        browser = Browser("127.0.0.1", port)
        _, _, page, _ = browser.request("GET", f"/s/{code}/consent")
        token = TOKEN.search(page).group(1)
        for path, field, value in (
            ("consent", "take_part", "yes"),
            ("consent/words", "quote", "yes"),
            ("consent/pictures", "media", "yes"),
            ("who", "respondent_group", "person"),
            ("who/how", "answered_how", "own"),
        ):
            _, location, _, _ = browser.request(
                "POST", f"/s/{code}/{path}", {"csrf_token": token, field: value}
            )
        question = urllib.parse.urlsplit(location).path.rsplit("/", 1)[1]

        body, content_type = multipart_body({"csrf_token": token}, big, "big.jpg")
        status, text = _send(
            browser,
            "POST",
            f"/s/{code}/media/add/photo?q={question}",
            body,
            {"Content-Type": content_type},
        )
        assert status == 507
        assert "no room to save this" in text

        created_status, created = _send(
            browser,
            "POST",
            f"/s/{code}/media/uploads",
            urllib.parse.urlencode(
                {
                    "csrf_token": token,
                    "kind": "photo",
                    "q": question,
                    "size": str(len(big)),
                    "name": "big.jpg",
                }
            ).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert created_status == 201, created
        url = json.loads(created)["url"]
        statuses = []
        step = 2 * 1024 * 1024
        for offset in range(0, len(big), step):
            status, reply = _send(
                browser,
                "PUT",
                f"{url}?offset={offset}",
                big[offset : offset + step],
                {"X-CSRFToken": token, "Content-Type": "application/octet-stream"},
            )
            statuses.append(status)
            if status != 200:
                break
        assert statuses[-1] == 507, statuses
        assert json.loads(reply)["title"] == "Sorry, there is no room to save this"
        browser.close()
    finally:
        server.kill()
        server.wait()
        server.stdout.close()

    database = sqlite3.connect(instance / "engage.db")
    assert database.execute("SELECT COUNT(*) FROM media_items").fetchone()[0] == 0
    assert database.execute("SELECT COUNT(*) FROM media_uploads").fetchone()[0] == 0
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    database.close()
    media = instance / "media"
    left = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert left == []


def test_a_database_that_cannot_grow_gets_the_easy_read_page(app, client, make_campaign):
    campaign = make_campaign(statement_ids=["QS1"])
    person = Respondent(client, campaign["code"])
    assert person.consent().status_code == 302
    question = person.who().headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        db = get_db()
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        # This thread's connection (the one the test client's requests use) may not grow.
        db.execute(f"PRAGMA max_page_count = {pages}")
        before = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    response = person.answer(question, "good", "words " * 800)
    with app.app_context():
        get_db().execute("PRAGMA max_page_count = 1073741823")
        after = get_db().execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    assert response.status_code == 507
    text = response.get_data(as_text=True)
    assert "no room to save this" in text and "Please tell the staff." in text
    assert after == before
