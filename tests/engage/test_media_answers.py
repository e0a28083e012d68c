"""Drawings, photos, video and voice as answers, through the Flask test client."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from engage.store import get_db
from media.blobs import BlobStore
from tests.conftest import csrf_token
from tests.engage.journey import Respondent
from tests.media import samples


class MediaRespondent(Respondent):
    """A respondent who also sends pictures, video and voice."""

    def __init__(self, client, code: str, question_id: str):
        super().__init__(client, code)
        self.question_id = question_id

    def token(self, path: str = "/resume") -> str:
        return super().token(path)

    def add_page(self, kind: str, q: str | None = "") -> str:
        q = self.question_id if q == "" else q
        return f"{self.base}/media/add/{kind}" + (f"?q={q}" if q else "")

    def form_upload(self, kind: str, path: Path, name: str | None = None, q: str | None = ""):
        page = self.add_page(kind, q)
        token = csrf_token(self.client.get(page).get_data(as_text=True))
        return self.client.post(
            page,
            data={"csrf_token": token, "file": (io.BytesIO(path.read_bytes()), name or path.name)},
            content_type="multipart/form-data",
        )

    def create(self, kind: str, size: int, name: str = "file", q: str | None = ""):
        return self.client.post(
            f"{self.base}/media/uploads",
            data={
                "csrf_token": self.token(),
                "kind": kind,
                "q": self.question_id if q == "" else (q or ""),
                "size": str(size),
                "name": name,
            },
        )

    def chunk(self, url: str, data: bytes, offset: int, **kwargs):
        return self.client.put(
            f"{url}?offset={offset}",
            data=data,
            headers={"X-CSRFToken": self.token(), "Content-Type": "application/octet-stream"},
            **kwargs,
        )

    def finish(self, url: str):
        return self.client.post(f"{url}/finish", data={"csrf_token": self.token()})

    def chunked_upload(self, kind: str, path: Path, chunk_size: int = 64 * 1024):
        data = path.read_bytes()
        created = self.create(kind, len(data), path.name)
        assert created.status_code == 201, created.get_json()
        url = created.get_json()["url"]
        for offset in range(0, len(data), chunk_size):
            reply = self.chunk(url, data[offset : offset + chunk_size], offset)
            assert reply.status_code == 200, reply.get_json()
        return self.finish(url)


@pytest.fixture
def person(app, client, make_campaign):
    campaign = make_campaign()
    with app.app_context():
        question_id = (
            get_db()
            .execute(
                "SELECT question_id FROM campaign_questions WHERE campaign_id = ? "
                "ORDER BY position",
                [campaign["id"]],
            )
            .fetchone()[0]
        )
    respondent = MediaRespondent(client, campaign["code"], question_id)
    respondent.start()
    respondent.campaign = campaign
    return respondent


def _items(app) -> list[dict]:
    with app.app_context():
        return [dict(r) for r in get_db().execute("SELECT * FROM media_items").fetchall()]


def _nothing_left(app) -> None:
    """Assert no item, no upload in progress and no file of any kind is left on disk."""
    with app.app_context():
        db = get_db()
        assert db.execute("SELECT COUNT(*) FROM media_items").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM media_uploads").fetchone()[0] == 0
    root = Path(app.instance_path) / "media"
    leftovers = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    assert leftovers == []


def _blob(app, digest: str) -> Path:
    return Path(app.instance_path) / "media" / "blobs" / digest[:2] / digest[2:]


def test_every_question_offers_four_ways_and_they_keep_the_answer(person, app, client):
    page = client.get(f"{person.base}/q/{person.question_id}").get_data(as_text=True)
    for action in ("Draw it", "Take or choose a photo", "Record a video", "Record your voice"):
        assert action in page
    reply = person.answer(person.question_id, "good", "Chosen first", action="media-photo")
    assert reply.status_code == 302
    assert reply.location.endswith(f"/media/add/photo?q={person.question_id}")
    with app.app_context():
        saved = get_db().execute("SELECT value, free_text FROM answers").fetchone()
    assert tuple(saved) == ("good", "Chosen first")
    # Leaving to draw without a face chosen is allowed, like stopping.
    other = person.answer(person.question_id, None, action="media-drawing")
    assert other.status_code == 302


def test_photo_with_gps_is_stripped_and_kept_for_its_question(person, app, client, tmp_path):
    photo = samples.photo_with_gps(tmp_path / "IMG_0001.jpg")
    reply = person.form_upload("photo", photo)
    assert reply.status_code == 302
    (item,) = _items(app)
    assert reply.location.endswith(f"/media/item/{item['id']}?q={person.question_id}")
    assert item["question_id"] == person.question_id and item["kind"] == "photo"
    stored = _blob(app, item["sha256"]).read_bytes()
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert len(image.getexif()) == 0 and image.size == (200, 300)
    with client.get(f"{person.base}/media/file/{item['id']}/main") as served:
        assert served.status_code == 200 and served.data == stored
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.headers["Content-Disposition"].startswith("inline")
        assert served.mimetype == "image/jpeg"
    # The question page now shows it.
    page = client.get(f"{person.base}/q/{person.question_id}").get_data(as_text=True)
    assert f"/media/file/{item['id']}/thumb" in page


def test_consent_and_description_then_back_to_the_same_question(person, app, client, tmp_path):
    person.form_upload("photo", samples.photo_with_gps(tmp_path / "a.jpg"))
    (item,) = _items(app)
    page_url = f"{person.base}/media/item/{item['id']}?q={person.question_id}"
    page = client.get(page_url).get_data(as_text=True)
    for words in ("Show it in the report", "Only say what it shows", "Keep it private"):
        assert words in page
    assert "What does your photo show?" in page
    missing = client.post(page_url, data={"csrf_token": csrf_token(page), "description": "x"})
    assert missing.status_code == 400 and "Choose who may see it." in missing.get_data(True)
    saved = client.post(
        page_url,
        data={"csrf_token": csrf_token(page), "consent": "words", "description": "My garden"},
    )
    assert saved.status_code == 302
    assert saved.location.endswith(f"/q/{person.question_id}")
    (item,) = _items(app)
    assert (item["consent"], item["description"]) == ("words", "My garden")
    tampered = client.post(page_url, data={"csrf_token": csrf_token(page), "consent": "public"})
    assert tampered.status_code == 400


def test_video_through_resumable_chunks_is_cleaned_with_a_poster(person, app, client, tmp_path):
    video = samples.video_with_location(tmp_path / "clip.mp4")
    reply = person.chunked_upload("video", video, chunk_size=16 * 1024)
    assert reply.status_code == 200, reply.get_json()
    (item,) = _items(app)
    assert reply.get_json()["next"].endswith(f"/media/item/{item['id']}?q={person.question_id}")
    clean = _blob(app, item["sha256"])
    assert samples.LOCATION not in samples.ffprobe_tags(clean)
    assert "secret" not in samples.ffprobe_tags(clean).lower()
    with Image.open(_blob(app, item["poster_sha256"])) as poster:
        assert poster.format == "JPEG"
    assert item["duration_seconds"] == pytest.approx(2.0, abs=0.2)
    # Range requests work, as iOS needs for video.
    with client.get(
        f"{person.base}/media/file/{item['id']}/main", headers={"Range": "bytes=0-99"}
    ) as ranged:
        assert ranged.status_code == 206 and len(ranged.data) == 100
        assert ranged.data == clean.read_bytes()[:100]
    with client.get(f"{person.base}/media/file/{item['id']}/poster") as poster_reply:
        assert poster_reply.mimetype == "image/jpeg"
    leftovers = list((Path(app.instance_path) / "media" / "uploads").iterdir())
    assert leftovers == []


def test_voice_recording_from_the_browser_is_kept(person, app, tmp_path):
    voice = samples.voice_webm(tmp_path / "recording.webm")
    reply = person.chunked_upload("audio", voice)
    assert reply.status_code == 200
    (item,) = _items(app)
    assert item["mime"] == "audio/mp4" and item["kind"] == "audio"


def test_drawing_from_the_canvas_is_re_encoded_png(person, app, tmp_path):
    drawing = samples.png_drawing(tmp_path / "drawing.png")
    reply = person.chunked_upload("drawing", drawing)
    assert reply.status_code == 200
    (item,) = _items(app)
    with Image.open(_blob(app, item["sha256"])) as image:
        assert image.format == "PNG" and image.size == (800, 600)
        assert image.convert("L").getpixel((300, 300)) < 20
        assert image.convert("L").getpixel((300, 100)) > 235


def test_interrupted_chunk_is_dropped_and_the_upload_resumes(person, app, tmp_path):
    video = samples.video_with_location(tmp_path / "clip.mp4")
    data = video.read_bytes()
    created = person.create("video", len(data)).get_json()
    url = created["url"]
    half = len(data) // 2
    assert person.chunk(url, data[:half], 0).status_code == 200
    # The connection drops part way through the next chunk: the server sees fewer bytes
    # than the request said it would carry.
    part = data[half : half + 1000]
    dropped = person.client.put(
        f"{url}?offset={half}",
        input_stream=io.BytesIO(part),
        headers={"X-CSRFToken": person.token(), "Content-Type": "application/octet-stream"},
        # The test client would otherwise set the length from the bytes given.
        environ_overrides={"CONTENT_LENGTH": str(len(data) - half)},
    )
    assert dropped.status_code == 400
    assert dropped.get_json()["received"] == half
    status = person.client.get(url).get_json()
    assert status == {"received": half, "size": len(data)}
    part_file = Path(app.instance_path) / "media" / "uploads" / f"{created['upload']}.part"
    assert part_file.stat().st_size == half
    # Finishing early is refused, then the rest arrives and the upload completes.
    assert person.finish(url).status_code == 409
    assert person.chunk(url, data[half:], half).status_code == 200
    finished = person.finish(url)
    assert finished.status_code == 200
    (item,) = _items(app)
    assert item["kind"] == "video"


def test_chunk_out_of_order_is_refused_and_stores_nothing(person, app):
    created = person.create("photo", 1000).get_json()
    url = created["url"]
    reply = person.chunk(url, b"x" * 100, 500)
    assert reply.status_code == 409
    body = reply.get_json()
    assert body["title"] == "Sorry, part of the file came in the wrong order"
    assert body["received"] == 0
    part_file = Path(app.instance_path) / "media" / "uploads" / f"{created['upload']}.part"
    assert part_file.stat().st_size == 0
    assert person.chunk(url, b"x" * 100, 0).status_code == 200
    assert person.chunk(url, b"y" * 100, 0).status_code == 409
    assert part_file.read_bytes() == b"x" * 100


def test_chunk_for_someone_elses_upload_is_refused(person, app, make_campaign):
    created = person.create("photo", 1000).get_json()
    url = created["url"]
    other_client = app.test_client()
    other = MediaRespondent(other_client, person.campaign["code"], person.question_id)
    other.start()
    for reply in (
        other.chunk(url, b"x" * 100, 0),
        other.client.get(url),
        other.finish(url),
    ):
        assert reply.status_code == 403
        assert reply.get_json()["lines"][0] == "That upload is not yours."
    part_file = Path(app.instance_path) / "media" / "uploads" / f"{created['upload']}.part"
    assert part_file.stat().st_size == 0
    # Without any session at all, nothing is accepted either.
    stranger = app.test_client()
    assert stranger.put(f"{url}?offset=0", data=b"x").status_code in (400, 403)


def test_someone_elses_item_is_never_served(person, app, tmp_path):
    person.form_upload("photo", samples.photo_with_gps(tmp_path / "a.jpg"))
    (item,) = _items(app)
    other = MediaRespondent(app.test_client(), person.campaign["code"], person.question_id)
    other.start()
    for path in (f"/media/file/{item['id']}/main", f"/media/file/{item['id']}/thumb"):
        assert other.client.get(other.base + path).status_code == 404
        assert app.test_client().get(other.base + path).status_code == 404
    assert other.client.get(f"{other.base}/media/item/{item['id']}").status_code == 404
    assert (
        other.client.post(
            f"{other.base}/media/item/{item['id']}/remove", data={"csrf_token": other.token()}
        ).status_code
        == 404
    )
    assert len(_items(app)) == 1


def test_removing_an_item_deletes_its_files(person, app, tmp_path):
    person.form_upload("photo", samples.photo_with_gps(tmp_path / "a.jpg"))
    (item,) = _items(app)
    reply = person.client.post(
        f"{person.base}/media/item/{item['id']}/remove?q={person.question_id}",
        data={"csrf_token": person.token()},
    )
    assert reply.status_code == 302 and reply.location.endswith(f"/q/{person.question_id}")
    _nothing_left(app)


BAD_FORM_INPUTS = [
    ("photo", "empty", "Sorry, that file is empty"),
    ("photo", "polyglot", "It has something else hidden inside."),
    ("video", "html", "Sorry, that file is broken"),
    ("video", "truncated", "Sorry, that file is broken"),
    ("photo", "bomb", "Sorry, that is too big"),
    ("drawing", "bomb", "Sorry, that is too big"),
]


def _bad_file(kind: str, tmp_path: Path) -> Path:
    if kind == "empty":
        path = tmp_path / "empty.jpg"
        path.write_bytes(b"")
        return path
    if kind == "polyglot":
        return samples.jpeg_with_zip(tmp_path / "photo.jpg")
    if kind == "html":
        return samples.html_named_mp4(tmp_path / "film.mp4")
    if kind == "truncated":
        whole = samples.video_with_location(tmp_path / "whole.mp4")
        return samples.truncated(whole, tmp_path / "film.mp4")
    return samples.huge_png(tmp_path / "drawing.png", 20_000, 20_000)


@pytest.mark.parametrize(("kind", "bad", "message"), BAD_FORM_INPUTS)
def test_bad_form_uploads_are_refused_in_easy_read(person, app, tmp_path, kind, bad, message):
    reply = person.form_upload(kind, _bad_file(bad, tmp_path))
    assert reply.status_code in (400, 413, 415)
    assert message in reply.get_data(as_text=True)
    _nothing_left(app)


@pytest.mark.parametrize(("kind", "bad", "message"), BAD_FORM_INPUTS[1:])
def test_bad_chunked_uploads_are_refused_in_easy_read(person, app, tmp_path, kind, bad, message):
    reply = person.chunked_upload(kind, _bad_file(bad, tmp_path))
    assert reply.status_code in (400, 413, 415)
    body = reply.get_json()
    assert message in [body["title"], *body["lines"]]
    _nothing_left(app)


def test_a_20000_pixel_square_drawing_from_the_canvas_is_refused(person, app, tmp_path):
    reply = person.chunked_upload("drawing", samples.huge_png(tmp_path / "d.png", 20_000, 20_000))
    assert reply.status_code == 413
    assert reply.get_json()["title"] == "Sorry, that is too big"
    _nothing_left(app)


def test_canvas_drawing_must_be_png(person, app, tmp_path):
    jpeg = tmp_path / "drawing.png"
    Image.new("RGB", (200, 200), "white").save(jpeg, format="JPEG")
    reply = person.chunked_upload("drawing", jpeg)
    assert reply.status_code == 415
    _nothing_left(app)


def test_zero_byte_upload_is_refused_before_it_starts(person, app):
    reply = person.create("video", 0)
    assert reply.status_code == 400
    assert reply.get_json()["title"] == "Sorry, that file is empty"
    _nothing_left(app)


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "photo\x00.jpg", "..\\boot.ini"])
def test_file_names_with_paths_or_nul_are_refused(person, app, tmp_path, name):
    reply = person.create("photo", 1000, name=name)
    assert reply.status_code == 400
    assert reply.get_json()["title"] == "Sorry, that file name is not allowed"
    photo = samples.photo_with_gps(tmp_path / "a.jpg")
    form = person.form_upload("photo", photo, name=name)
    assert form.status_code == 400
    assert "Sorry, that file name is not allowed" in form.get_data(as_text=True)
    _nothing_left(app)


def test_campaign_size_limits_are_kept(person, app, tmp_path):
    with app.app_context():
        db = get_db()
        db.execute(
            "UPDATE campaigns SET max_photo_bytes = 5000, max_video_bytes = 5000 WHERE id = ?",
            [person.campaign["id"]],
        )
    assert person.create("video", 5001).status_code == 413
    photo = tmp_path / "a.jpg"
    # Big enough to pass the limit, small enough for the test client to keep it in memory.
    Image.effect_noise((500, 400), 80).convert("RGB").save(photo, quality=95)
    assert 5000 + 64 * 1024 < photo.stat().st_size < 500 * 1024
    reply = person.form_upload("photo", photo)
    assert reply.status_code == 413
    assert "Sorry, that is too big" in reply.get_data(as_text=True)
    _nothing_left(app)


def test_default_limits_are_set_on_every_campaign(person, app):
    with app.app_context():
        row = (
            get_db()
            .execute("SELECT max_video_bytes, max_photo_bytes, max_audio_bytes FROM campaigns")
            .fetchone()
        )
    assert tuple(row) == (500 * 2**20, 20 * 2**20, 50 * 2**20)


def test_pages_need_a_session_and_send_the_right_permissions(app, client, make_campaign, person):
    fresh = app.test_client()
    reply = fresh.get(person.add_page("photo"))
    assert reply.status_code == 302 and reply.location.endswith(f"{person.base}/")
    policies = {
        kind: client.get(person.add_page(kind)).headers["Permissions-Policy"]
        for kind in ("drawing", "photo", "video", "audio")
    }
    assert "microphone=(self)" in policies["audio"] and "camera=()" in policies["audio"]
    assert "camera=(self)" in policies["video"] and "microphone=(self)" in policies["video"]
    assert "microphone=()" in policies["photo"]
    question_page = client.get(f"{person.base}/q/{person.question_id}")
    assert "camera=()" in question_page.headers["Permissions-Policy"]
    assert client.get(person.add_page("film")).status_code == 404
    assert client.get(person.add_page("photo", q="NOPE")).status_code == 404


def _held(app) -> dict:
    """Return what the media wing holds: rows, files in the media folder, upload work folders."""
    root = Path(app.instance_path) / "media"
    with app.app_context():
        db = get_db()
        rows = {
            "media_items": db.execute("SELECT COUNT(*) FROM media_items").fetchone()[0],
            "media_uploads": db.execute("SELECT COUNT(*) FROM media_uploads").fetchone()[0],
        }
    paths = sorted(root.rglob("*")) if root.exists() else []
    return {
        **rows,
        "files": [p for p in paths if p.is_file()],
        "work": [p for p in paths if p.is_dir() and p.parent.name == "work"],
    }


def test_the_upload_api_waits_for_who_is_answering_like_the_pages(app, make_campaign, tmp_path):
    campaign = make_campaign(code="whofirst")
    with app.app_context():
        question_id = (
            get_db()
            .execute(
                "SELECT question_id FROM campaign_questions WHERE campaign_id = ? "
                "ORDER BY position",
                [campaign["id"]],
            )
            .fetchone()[0]
        )
    person = MediaRespondent(app.test_client(), campaign["code"], question_id)
    assert person.consent(take_part="yes", quote="yes", media="yes").status_code == 302
    photo = samples.photo_with_gps(tmp_path / "garden.jpg")
    before = _held(app)
    # The page sends the person to "who is answering"; the API the page's script uses refuses.
    page = person.client.get(person.add_page("photo"))
    assert page.status_code == 302 and page.location.endswith(f"{person.base}/who")
    created = person.create("photo", photo.stat().st_size, photo.name)
    fake = f"{person.base}/media/uploads/{'a' * 32}"
    for reply in (
        created,
        person.client.get(fake),
        person.chunk(fake, b"x", 0),
        person.finish(fake),
    ):
        assert reply.status_code == 403
        assert reply.get_json() == {
            "title": "Please tell us who is answering first",
            "lines": ["We need to know this before you send a file.", "Nothing has been saved."],
        }
    assert _held(app) == before
    # Once the person says who is answering and how, the same upload is taken.
    assert person.who("person", "own").status_code == 302
    assert person.chunked_upload("photo", photo).status_code == 200
    (item,) = _items(app)
    assert item["question_id"] == question_id
    assert _held(app)["media_items"] == before["media_items"] + 1


def test_tell_us_anything_keeps_items_off_the_questions(person, app, client, tmp_path):
    page = client.get(f"{person.base}/media/anything").get_data(as_text=True)
    assert "Tell us anything" in page and "Record your voice" in page
    reply = person.form_upload("photo", samples.photo_with_gps(tmp_path / "a.jpg"), q=None)
    (item,) = _items(app)
    assert item["question_id"] is None
    assert reply.location.endswith(f"/media/item/{item['id']}")
    consent_page = client.get(reply.location).get_data(as_text=True)
    saved = client.post(
        reply.location, data={"csrf_token": csrf_token(consent_page), "consent": "private"}
    )
    assert saved.location.endswith("/media/anything")
    assert f"/media/file/{item['id']}/thumb" in client.get(saved.location).get_data(True)
    assert "Tell us anything else" in client.get(f"{person.base}/check").get_data(True)


def test_erasing_a_session_removes_its_media_rows(person, app, tmp_path):
    person.form_upload("photo", samples.photo_with_gps(tmp_path / "a.jpg"))
    person.consent(take_part="no")
    assert _items(app) == []


def test_json_replies_are_json(person):
    created = person.create("photo", 10)
    assert created.mimetype == "application/json"
    assert set(json.loads(created.data)) == {"upload", "chunk_size", "received", "url"}


def test_sweep_removes_orphaned_files_and_stale_uploads(person, app, runner, tmp_path):
    # The photo is small: its full size and thumbnail are the same bytes, so one blob.
    person.form_upload("photo", samples.photo_with_gps(tmp_path / "a.jpg"))
    other = MediaRespondent(app.test_client(), person.campaign["code"], person.question_id)
    other.start()
    stale = other.create("video", 1000).get_json()["upload"]
    with app.app_context():
        get_db().execute(
            "UPDATE media_uploads SET updated_at = '2000-01-01T00:00:00+00:00' WHERE id = ?",
            [stale],
        )
    stray = Path(app.instance_path) / "media" / "uploads" / "form-leftover.part"
    stray.write_bytes(b"x")
    # Erasing removes the person's files at once; a crash between the database commit and the
    # file deletion would leave an unreferenced blob like this one for the sweep.
    store = BlobStore(Path(app.instance_path) / "media" / "blobs")
    orphan = store.path(store.put_bytes(b"orphan", tmp_path / "o"))
    # A blob made in the last hour may belong to an answer still being recorded: it stays.
    result = runner.invoke(args=["media", "sweep"])
    assert "Removed: unfinished uploads 1, part files 1, unused files 0." in result.output
    assert orphan.exists()
    two_hours_ago = time.time() - 2 * 3600
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    person.consent(take_part="no")
    result = runner.invoke(args=["media", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Removed: unfinished uploads 0, part files 0, unused files 1." in result.output
    _nothing_left(app)
