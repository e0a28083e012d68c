"""Attacks on uploads that once worked, each shown closed through the real routes.

Racing chunks, a file swapped between ffprobe and ffmpeg, image bombs, piles of unfinished
uploads and a server too busy to take more: see docs/security.md, "Upload attacks".
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

import engage.respondent.media as mediaanswers
from engage.store import get_db
from media import work
from tests.conftest import csrf_token
from tests.engage.test_media_answers import MediaRespondent, _blob, _items, _nothing_left
from tests.media import samples

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def person(app, client, make_campaign):
    campaign = make_campaign()
    with app.app_context():
        question_id = (
            get_db()
            .execute("SELECT question_id FROM campaign_questions ORDER BY position")
            .fetchone()[0]
        )
    respondent = MediaRespondent(client, campaign["code"], question_id)
    respondent.start()
    respondent.campaign = campaign
    return respondent


def _part(app, upload: str) -> Path:
    return Path(app.instance_path) / "media" / "uploads" / f"{upload}.part"


class HeldBody(io.BytesIO):
    """A request body that sends its first bytes, then waits until the test lets it go on."""

    def __init__(self, data: bytes, first: int):
        super().__init__(data)
        self.size, self.first = len(data), first
        self.waiting, self.go = threading.Event(), threading.Event()

    def read(self, size: int | None = -1) -> bytes:
        if not self.go.is_set() and self.tell() >= self.first:
            self.waiting.set()
            assert self.go.wait(20), "the test never let the held chunk go on"
        if not self.go.is_set():
            size = self.first - self.tell() if size is None or size < 0 else size
            size = min(size, self.first - self.tell())
        return super().read(size)

    def readinto(self, buffer) -> int:
        piece = self.read(len(buffer))
        buffer[: len(piece)] = piece
        return len(piece)


class HeldChunk(threading.Thread):
    """Send one chunk from a second browser tab of the same person, held part way through."""

    def __init__(self, app, person: MediaRespondent, url: str, data: bytes, offset: int = 0):
        super().__init__(daemon=True)
        self.tab = app.test_client()
        self.tab.set_cookie("engage_session", person.client.get_cookie("engage_session").value)
        self.url, self.offset, self.token = url, offset, person.token()
        self.body = HeldBody(data, first=len(data) // 4)
        self.reply = None

    def run(self) -> None:
        self.reply = self.tab.put(
            f"{self.url}?offset={self.offset}",
            input_stream=self.body,
            headers={"X-CSRFToken": self.token, "Content-Type": "application/octet-stream"},
        )

    def start_and_hold(self) -> HeldChunk:
        self.start()
        assert self.body.waiting.wait(20), "the held chunk never started"
        return self

    def finish(self):
        self.body.go.set()
        self.join(20)
        return self.reply


@pytest.mark.both_engines
def test_a_second_chunk_at_the_same_offset_cannot_write(person, app, tmp_path):
    slow = samples.photo_with_gps(tmp_path / "slow.jpg").read_bytes()
    fast = bytes(reversed(slow))
    url = person.create("photo", len(slow)).get_json()["url"]
    upload = url.rsplit("/", 1)[1]
    held = HeldChunk(app, person, url, slow).start_and_hold()
    # The second chunk arrives while the first is part way: it is refused and writes nothing.
    second = person.chunk(url, fast, 0)
    first = held.finish()
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.get_json()["title"] == "Sorry, part of the file came in the wrong order"
    assert _part(app, upload).read_bytes() == slow
    assert person.client.get(url).get_json() == {"received": len(slow), "size": len(slow)}


@pytest.mark.both_engines
def test_finish_while_a_chunk_is_arriving_is_refused(person, app, tmp_path):
    good = samples.photo_with_gps(tmp_path / "good.jpg").read_bytes()
    url = person.create("photo", len(good)).get_json()["url"]
    held = HeldChunk(app, person, url, good).start_and_hold()
    # The attack: the whole file again at the same offset, then finish, while the first is held.
    person.chunk(url, good, 0)
    refused = person.finish(url)
    assert refused.status_code == 409
    assert _items(app) == []
    assert held.finish().status_code == 200
    assert person.finish(url).status_code == 200
    assert len(_items(app)) == 1


@pytest.fixture
def tool_runs(monkeypatch) -> list[list[str]]:
    """Record every command ffprobe and ffmpeg are run with; they still really run."""
    seen: list[list[str]] = []
    real = subprocess.run

    def record(command, *args, **kwargs):
        seen.append([str(part) for part in command])
        return real(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", record)
    return seen


def test_ffmpeg_reads_a_private_copy_held_to_the_probed_demuxer(person, app, tmp_path, tool_runs):
    video = samples.video_with_location(tmp_path / "clip.mp4")
    tool_runs.clear()
    assert person.chunked_upload("video", video).status_code == 200
    uploads = str(Path(app.instance_path) / "media" / "uploads")
    ffmpeg = [command for command in tool_runs if "ffmpeg" in command]
    assert len(ffmpeg) == 2  # the clean copy and its poster frame
    for command in tool_runs:
        assert command[:4] == ["setpriv", "--pdeathsig", "KILL", "--"], command
        assert not any(uploads in part or part.endswith(".part") for part in command), command
    for command in ffmpeg:
        before_input = command[: command.index("-i")]
        for option in ("-format_whitelist", "-protocol_whitelist", "-f", "-threads"):
            assert option in before_input, (option, command)
        assert before_input[before_input.index("-protocol_whitelist") + 1] == "file"
        assert before_input[before_input.index("-f") + 1] == "mov"
        assert "-t" in command and command[command.index("-threads") + 1] == "1"


def _playlist(secret: Path, size: int | None = None) -> bytes:
    text = (
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:2.0,\n{secret}\n#EXT-X-ENDLIST\n"
    ).encode()
    return text.ljust(size, b"\n") if size else text


def test_a_playlist_sent_as_a_video_is_refused(person, app, tmp_path):
    secret = samples.video_with_location(tmp_path / "secret.mp4")
    playlist = tmp_path / "film.mp4"
    playlist.write_bytes(_playlist(secret))
    reply = person.chunked_upload("video", playlist)
    assert reply.status_code == 400
    assert reply.get_json()["title"] == "Sorry, that file is broken"
    _nothing_left(app)


def test_a_playlist_swapped_in_after_the_probe_is_not_followed(tmp_path, monkeypatch):
    from media import av

    secret = samples.video_with_location(tmp_path / "secret.mp4", size="160x120")
    source = samples.video_with_location(tmp_path / "innocent.mp4")
    real_probe = av.probe_av

    def probe_then_swap(path):
        info = real_probe(path)
        if Path(path) == source:
            # What a racing chunk did: the same length of file, now a playlist.
            source.write_bytes(_playlist(secret, source.stat().st_size))
        return info

    monkeypatch.setattr(av, "probe_av", probe_then_swap)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(av.MediaRefused):
        av.clean_video(source, out)
    assert not (out / "clean.mp4").exists()


def _bomb(tmp_path: Path) -> Path:
    # 194 KB of file that would decode to 50 million pixels.
    return samples.huge_png(tmp_path / "drawing.png", 7071, 7071)


def test_an_image_bomb_under_the_old_limit_is_refused_in_easy_read(person, app, tmp_path):
    bomb = _bomb(tmp_path)
    assert bomb.stat().st_size < 250_000
    reply = person.form_upload("photo", bomb)
    assert reply.status_code == 413
    page = reply.get_data(as_text=True)
    assert "Sorry, that is too big" in page and "Nothing has been saved." in page
    _nothing_left(app)


PEAK_MEMORY = """
import resource, sys
from media import images
from media.probe import MediaRefused
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    images.process_image(sys.argv[1])
    print("kept", end=" ")
except MediaRefused as refused:
    print(refused.reason, end=" ")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def _peak(path: Path) -> tuple[str, int]:
    """Return what process_image made of a file, and how many KB it grew the process by."""
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    outcome, grown = result.stdout.split()
    return outcome, int(grown)


def test_an_image_bomb_is_refused_before_it_is_decoded(tmp_path):
    outcome, grown_kb = _peak(_bomb(tmp_path))
    assert outcome == "too_big"
    assert grown_kb < 20 * 1024


def test_a_phone_photo_still_fits(tmp_path):
    photo = tmp_path / "phone.jpg"
    Image.new("RGB", (4032, 3024), "teal").save(photo, quality=90)
    outcome, grown_kb = _peak(photo)
    assert outcome == "kept"
    # One decoded copy of 12 million pixels is 48 MB; nothing near the old 873 MB.
    assert grown_kb < 160 * 1024


def test_a_busy_server_says_try_again_and_keeps_nothing(person, app, tmp_path):
    app.config["MEDIA_BUSY_WAIT"] = 0.05
    photo = samples.photo_with_gps(tmp_path / "a.jpg")
    data = photo.read_bytes()
    url = person.create("photo", len(data)).get_json()["url"]
    assert person.chunk(url, data, 0).status_code == 200
    with work.media_slot(0), work.media_slot(0):
        form = person.form_upload("photo", photo)
        finish = person.finish(url)
    assert form.status_code == 503
    page = form.get_data(as_text=True)
    assert "Sorry, we are busy right now" in page and "Then try again." in page
    assert finish.status_code == 503
    assert finish.get_json()["title"] == "Sorry, we are busy right now"
    assert _items(app) == []
    # The chunked upload waited, whole: once a slot is free it finishes.
    assert person.client.get(url).get_json()["received"] == len(data)
    assert person.finish(url).status_code == 200
    assert len(_items(app)) == 1


def test_a_busy_server_turns_away_a_leads_picture_too(app, staff_client, make_campaign):
    app.config["MEDIA_BUSY_WAIT"] = 0.05
    code = make_campaign()["code"]
    lead = staff_client("lead")
    token = csrf_token(lead.get("/staff/sign-in").get_data(as_text=True))
    picture = io.BytesIO()
    Image.new("RGB", (300, 200), "navy").save(picture, format="JPEG")
    with work.media_slot(0), work.media_slot(0):
        reply = lead.post(
            f"/staff/campaigns/{code}/pictures",
            data={"csrf_token": token, "alt": "A door", "picture": (picture, "p.jpg")},
            content_type="multipart/form-data",
        )
    assert reply.status_code == 503
    assert "Sorry, we are busy right now" in reply.get_data(as_text=True)
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM campaign_pictures").fetchone()[0] == 0
    assert not [p for p in (Path(app.instance_path) / "media").rglob("*") if p.is_file()]


def _age(app, upload: str, stamp: str) -> None:
    with app.app_context():
        get_db().execute("UPDATE media_uploads SET updated_at = ? WHERE id = ?", [stamp, upload])


def test_a_session_may_have_two_unfinished_uploads(person, app):
    first, second = (person.create("video", 500 * 2**20).get_json()["upload"] for _ in range(2))
    third = person.create("video", 500 * 2**20)
    assert third.status_code == 429
    assert third.get_json()["title"] == "Sorry, you are sending too many files"
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM media_uploads").fetchone()[0] == 2
    # The person's own upload that stopped minutes ago makes way; one still moving does not.
    _age(app, first, "2000-01-01T00:00:00+00:00")
    assert person.create("video", 1000).status_code == 201
    assert not _part(app, first).exists() and _part(app, second).exists()


def test_a_session_may_hold_only_so_many_bytes(person, app, tmp_path):
    with app.app_context():
        get_db().execute(
            "UPDATE campaigns SET max_photo_bytes = 3000, max_video_bytes = 3000, "
            "max_audio_bytes = 3000"
        )
    # The quota is never below two of the campaign's largest files: here 6,000 bytes.
    app.config["MEDIA_SESSION_QUOTA"] = 0
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (8, 8), "red").save(tiny)
    assert person.form_upload("photo", tiny).status_code == 302
    (item,) = _items(app)
    assert person.create("video", 3000).status_code == 201
    over = person.create("video", 3000)
    assert over.status_code == 413
    assert over.get_json()["title"] == "Sorry, you have sent us a lot already"
    room = 6000 - 3000 - item["size_bytes"]
    assert person.create("video", room).status_code == 201
    form = person.form_upload("photo", tiny)
    assert form.status_code == 413
    assert "Sorry, you have sent us a lot already" in form.get_data(as_text=True)
    assert len(_items(app)) == 1


def test_stalled_uploads_are_dropped_while_the_server_runs(person, app, make_campaign):
    other = MediaRespondent(app.test_client(), person.campaign["code"], person.question_id)
    other.start()
    stalled = other.create("video", 1000).get_json()["upload"]
    _age(app, stalled, "2000-01-01T00:00:00+00:00")
    # Each process sweeps now and then when an upload starts; this is the first time.
    mediaanswers._last_sweep = 0.0
    assert person.create("photo", 1000).status_code == 201
    assert not _part(app, stalled).exists()
    with app.app_context():
        left = get_db().execute("SELECT COUNT(*) FROM media_uploads WHERE id = ?", [stalled])
        assert left.fetchone()[0] == 0


def test_erasure_removes_thumbnails_and_poster_frames(person, app, runner, tmp_path):
    big = samples.photo_with_gps(tmp_path / "big.jpg", size=(1200, 900))
    assert person.form_upload("photo", big).status_code == 302
    video = samples.video_with_location(tmp_path / "clip.mp4")
    assert person.chunked_upload("video", video).status_code == 200
    photo, film = _items(app)
    files = [_blob(app, photo["sha256"]), _blob(app, photo["thumb_sha256"])]
    files += [_blob(app, film["sha256"]), _blob(app, film["poster_sha256"])]
    assert len(set(files)) == 4 and all(path.exists() for path in files)
    with app.app_context():
        session_id = get_db().execute("SELECT id FROM respondent_sessions").fetchone()[0]
    result = runner.invoke(args=["erase", "--session", str(session_id), "--yes"])
    assert result.exit_code == 0, result.output
    assert [path for path in files if path.exists()] == []
    _nothing_left(app)


@pytest.mark.parametrize("way", ["form", "chunks"])
def test_a_voice_recording_sent_as_a_video_is_refused_in_easy_read(person, app, tmp_path, way):
    voice = samples.voice_webm(tmp_path / "film.webm")
    if way == "form":
        reply = person.form_upload("video", voice)
        text = reply.get_data(as_text=True)
    else:
        reply = person.chunked_upload("video", voice)
        text = " ".join([reply.get_json()["title"], *reply.get_json()["lines"]])
    assert reply.status_code == 415
    assert "Sorry, we cannot use that file" in text and "It is not a video we can use." in text
    _nothing_left(app)


CHILD = """
from media.probe import run_tool
run_tool(["ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "anullsrc", "-t", "60",
          "-f", "null", "-"], 120)
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ffmpeg_dies_with_the_process_that_started_it():
    worker = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 20
        while not (tools := _children(worker.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert tools, "ffmpeg never started"
        # A worker killed outright (the OOM killer, gunicorn's timeout) runs no clean-up code.
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in tools) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in tools)
    finally:
        worker.kill()
        for pid in _children(worker.pid):
            os.kill(pid, signal.SIGKILL)
