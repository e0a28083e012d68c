"""Two app servers on one database and one shared media folder: nothing lives on only one.

Each "server" here is an app of its own, with its own instance folder (and so its own
narration runtime, kept pages and connections), as two `engage serve` machines would have.
"""

from __future__ import annotations

import io
import tarfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from engage import create_app, store
from engage import narration as app_narration
from engage.campaigns import create as create_campaign
from engage.services import media_files
from engage.store import get_db
from media import narration
from tests.conftest import CheckedClient
from tests.engage.test_media_answers import MediaRespondent
from tests.media import samples

COOKIE = "engage_session"

TEXT = "Two servers, one clip."


pytestmark = pytest.mark.both_engines


def _server(tmp_path: Path, name: str, shared: Path, database_url: str | None) -> object:
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / name),
        "MEDIA_DIR": str(shared / "media"),
        "LIGHT_PASSWORD_HASHING": True,
        # As ENGAGE_SECRET_KEY on every server: a cookie one signed is good on the other.
        "SECRET_KEY": "the same key on every server",
    }
    if database_url:
        settings["DATABASE_URL"] = database_url
    else:
        settings["DATABASE"] = str(shared / "engage.db")
    return create_app(settings)


@pytest.fixture
def servers(tmp_path, database_url):
    shared = tmp_path / "shared"
    shared.mkdir()
    return (
        _server(tmp_path, "one", shared, database_url),
        _server(tmp_path, "two", shared, database_url),
    )


def _fetch(app, url: str):
    """Fetch a clip from one server and close the file it was sent from."""
    response = app.test_client().get(url)
    response.get_data()
    response.close()
    return response


class SlowEngine:
    """The real speech engine, slowed so that two requests surely overlap; counts its calls."""

    def __init__(self) -> None:
        self.calls = 0
        self._count = threading.Lock()
        self.started = threading.Event()

    def __call__(self, text, voice, wav) -> None:
        with self._count:
            self.calls += 1
        self.started.set()
        threading.Event().wait(0.5)
        narration.speak_to_wav(text, voice, wav)


def test_the_media_and_narration_folders_are_the_shared_folder(servers, tmp_path):
    one, two = servers
    for app in servers:
        with app.app_context():
            assert media_files.media_root() == tmp_path / "shared" / "media"
        assert app.config["NARRATION_DIR"] == str(tmp_path / "shared" / "media" / "audio")
    assert one.instance_path != two.instance_path


def test_two_servers_asked_for_one_missing_clip_make_it_once_and_both_send_it(servers):
    one, two = servers
    with one.app_context():
        key = one.extensions["narration"].key_for(TEXT, "cy", "normal")
    engine = SlowEngine()
    for app in servers:
        app.extensions["narration"].store.speak = engine
    start = threading.Barrier(2)

    def play(app) -> tuple[int, bytes]:
        start.wait()
        try:
            response = _fetch(app, f"/audio/{key}.ogg")
        finally:
            # This thread's own connection goes with it.
            store.forget_connections()
        return response.status_code, response.get_data()

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(play, servers))
    clips = one.extensions["narration"].store
    assert [status for status, _ in answers] == [200, 200]
    assert answers[0][1] == answers[1][1] == clips.path(key, "ogg").read_bytes()
    assert engine.calls == 1
    assert sum(app.extensions["narration"].store.renders for app in servers) == 1
    # One file of each format, and no other server's half-placed copy left beside them.
    assert sorted(p.name for p in clips.path(key, "ogg").parent.iterdir()) == [
        f"{key}.mp3",
        f"{key}.ogg",
    ]
    with one.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM work_claims").fetchone()[0] == 0


def test_a_clip_another_server_is_making_is_not_ready_yet(servers, monkeypatch):
    one, two = servers
    with one.app_context():
        key = one.extensions["narration"].key_for(TEXT, "en", "normal")
        assert store.narration.claim_work(get_db(), f"clip:{key}", "the other server", 300)
    engine = SlowEngine()
    two.extensions["narration"].store.speak = engine
    monkeypatch.setattr(app_narration, "CLAIM_WAIT", 0.3)
    response = _fetch(two, f"/audio/{key}.ogg")
    assert response.status_code == 503
    assert engine.calls == 0
    assert not two.extensions["narration"].store.has(key)


def test_the_claim_of_a_server_that_died_is_taken_over(servers):
    one, two = servers
    with one.app_context():
        key = one.extensions["narration"].key_for(TEXT, "en", "normal")
        # A claim whose lease ran out: its server died mid-render.
        assert store.narration.claim_work(get_db(), f"clip:{key}", "a dead server", -1)
    engine = SlowEngine()
    two.extensions["narration"].store.speak = engine
    response = _fetch(two, f"/audio/{key}.ogg")
    assert response.status_code == 200
    assert engine.calls == 1
    with two.app_context():
        db = get_db()
        assert db.execute("SELECT COUNT(*) FROM work_claims").fetchone()[0] == 0
        # A live claim is not taken over, whoever asks.
        assert store.narration.claim_work(db, "clip:x", "first", 300)
        assert not store.narration.claim_work(db, "clip:x", "second", 300)
        store.narration.release_work(db, "clip:x", "second")
        assert not store.narration.claim_work(db, "clip:x", "third", 300)
        store.narration.release_work(db, "clip:x", "first")
        assert store.narration.claim_work(db, "clip:x", "third", 300)


def _campaign_titles(app) -> list[str]:
    with app.app_context():
        return [row[0] for row in get_db().execute("SELECT title FROM campaigns ORDER BY id")]


def test_a_backup_holds_the_database_and_shared_media_folder_and_a_restore_puts_them_back(
    servers, tmp_path
):
    one, two = servers
    with one.app_context():
        create_campaign(
            get_db(), framework_id="cqc-la", statement_ids=["QS1"], title="Kept by the backup"
        )
        blobs = media_files.blob_store()
        blobs.root.mkdir(parents=True)
        digest = blobs.put_bytes(b"a photo's bytes", tmp_path / "scratch")
    runner = one.test_cli_runner()
    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert f"media/blobs/{digest[:2]}/{digest[2:]}" in names
    assert ("engage.pgdump" if one.config.get("DATABASE_URL") else "engage.db") in names
    with two.app_context():
        create_campaign(
            get_db(), framework_id="cqc-la", statement_ids=["QS1"], title="Made after the backup"
        )
    blobs.delete(digest)
    stray = blobs.root / "ab" / ("c" * 62)
    stray.parent.mkdir()
    stray.write_bytes(b"not in the backup")
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert blobs.path(digest).read_bytes() == b"a photo's bytes"
    assert not stray.exists()
    # Both servers see the database as it was, the other one without being restarted.
    assert _campaign_titles(two) == _campaign_titles(one) == ["Kept by the backup"]


def test_a_backup_of_the_other_engine_is_refused_and_changes_nothing(servers, tmp_path):
    one, _two = servers
    with one.app_context():
        create_campaign(get_db(), framework_id="cqc-la", statement_ids=["QS1"], title="Still here")
    on_postgresql = bool(one.config.get("DATABASE_URL"))
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as made:
        entry = tarfile.TarInfo("engage.db" if on_postgresql else "engage.pgdump")
        entry.size = 4
        made.addfile(entry, io.BytesIO(b"data"))
    result = one.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code != 0
    other = "SQLite" if on_postgresql else "PostgreSQL"
    assert f"This backup is of a {other} database" in result.output
    assert _campaign_titles(one) == ["Still here"]


@pytest.mark.postgresql_only("a pg_dump archive is restored only to PostgreSQL")
def test_a_damaged_postgresql_dump_is_refused_and_changes_nothing(servers, tmp_path):
    one, _two = servers
    with one.app_context():
        create_campaign(get_db(), framework_id="cqc-la", statement_ids=["QS1"], title="Still here")
    archive = tmp_path / "backup.tar.gz"
    assert one.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    with tarfile.open(archive) as opened:
        dump = opened.extractfile("engage.pgdump").read()
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as made:
        entry = tarfile.TarInfo("engage.pgdump")
        cut = dump[: len(dump) * 2 // 3]
        entry.size = len(cut)
        made.addfile(entry, io.BytesIO(cut))
    with one.app_context():
        create_campaign(
            get_db(), framework_id="cqc-la", statement_ids=["QS1"], title="Made after the backup"
        )
    result = one.test_cli_runner().invoke(args=["restore", str(damaged), "--yes"])
    assert result.exit_code != 0
    assert "pg_restore failed" in result.output
    assert _campaign_titles(one) == ["Still here", "Made after the backup"]


def test_a_server_starting_clears_its_own_work_folders_not_another_servers(servers):
    one, two = servers
    with one.app_context():
        left_by_one = media_files.work_dir()
    with two.app_context():
        in_use_by_two = media_files.work_dir()
    with one.app_context():
        assert media_files.sweep(starting=True).work_folders == 1
    assert not left_by_one.exists()
    assert in_use_by_two.is_dir()


class Balanced:
    """One browser behind a round-robin balancer: a test client per server, one cookie."""

    def __init__(self, apps) -> None:
        for app in apps:
            app.test_client_class = CheckedClient
        self.clients = [app.test_client() for app in apps]
        # Each method takes turns on its own, so a page and the post after it are not always
        # on the same two servers: (method, server number) -> requests sent.
        self.sent: dict[tuple[str, int], int] = {}

    def _send(self, method: str, *args, **kwargs):
        turn = sum(count for (kind, _), count in self.sent.items() if kind == method)
        number = turn % len(self.clients)
        client = self.clients[number]
        self.sent[method, number] = self.sent.get((method, number), 0) + 1
        response = getattr(client, method)(*args, **kwargs)
        cookie = client.get_cookie(COOKIE)
        for other in self.clients:
            if other is not client:
                if cookie is None:
                    other.delete_cookie(COOKIE)
                else:
                    other.set_cookie(COOKIE, cookie.value)
        return response

    def get(self, *args, **kwargs):
        return self._send("get", *args, **kwargs)

    def post(self, *args, **kwargs):
        return self._send("post", *args, **kwargs)

    def put(self, *args, **kwargs):
        return self._send("put", *args, **kwargs)


def _person(servers, tmp_path) -> MediaRespondent:
    one, _two = servers
    with one.app_context():
        db = get_db()
        campaign = create_campaign(
            db, framework_id="cqc-la", statement_ids=["QS1"], title="On both servers"
        )
        question = store.campaigns.campaign_questions(db, campaign["id"])[0]["question_id"]
    person = MediaRespondent(Balanced(servers), campaign["code"], question)
    person.start()
    return person


def test_a_photo_sent_in_chunks_to_both_servers_is_kept_once_and_sent_by_either(servers, tmp_path):
    one, _two = servers
    person = _person(servers, tmp_path)
    photo = samples.photo_with_gps(tmp_path / "photo.jpg")
    assert photo.stat().st_size > 3 * 512
    finished = person.chunked_upload("photo", photo, chunk_size=512)
    assert finished.status_code == 200, finished.get_json()
    item_id = finished.get_json()["item"]
    # The chunks went to both servers.
    assert person.client.sent["put", 0] >= 2 and person.client.sent["put", 1] >= 2
    sent = []
    for client in person.client.clients:
        response = client.get(f"{person.base}/media/file/{item_id}/main")
        sent.append((response.status_code, response.mimetype, response.get_data()))
        response.close()
    assert sent[0] == sent[1]
    assert sent[0][:2] == (200, "image/jpeg")
    with one.app_context():
        db = get_db()
        assert db.execute("SELECT COUNT(*) FROM media_items").fetchone()[0] == 1
        assert db.execute("SELECT COUNT(*) FROM media_uploads").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM work_claims").fetchone()[0] == 0


def test_a_chunk_for_an_upload_another_server_is_writing_is_refused(servers, tmp_path):
    one, _two = servers
    person = _person(servers, tmp_path)
    created = person.create("photo", 10)
    assert created.status_code == 201, created.get_json()
    url = created.get_json()["url"]
    upload_id = url.rsplit("/", 1)[1]
    with one.app_context():
        assert store.narration.claim_work(get_db(), f"upload:{upload_id}", "other server", 300)
    refused = person.chunk(url, b"0123456789", 0)
    assert refused.status_code != 200
    assert refused.get_json()["received"] == 0
    with one.app_context():
        db = get_db()
        store.narration.release_work(db, f"upload:{upload_id}", "other server")
        # The other server died holding it: once its lease has run out, the chunk goes in.
        assert store.narration.claim_work(db, f"upload:{upload_id}", "dead server", -1)
    taken = person.chunk(url, b"0123456789", 0)
    assert taken.status_code == 200, taken.get_json()
    assert taken.get_json()["received"] == 10
