"""Narration is real: espeak-ng speaks, ffmpeg encodes, ffprobe decodes, the cache holds."""

from __future__ import annotations

import math
import subprocess
import sys
import threading
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from media import narration
from tests.narration_faults import MESSAGE, FlakyEngine

QUESTION = "How is it when people plan your support with you?"


@pytest.fixture
def store(tmp_path: Path) -> narration.ClipStore:
    return narration.ClipStore(tmp_path / "audio")


def _plausible(seconds: float, text: str, rate: int) -> bool:
    words = len(text.split())
    expected = words / rate * 60
    return expected / 2.5 < seconds < expected * 2.5 + 1


def test_a_clip_is_spoken_encoded_and_decodes_with_a_plausible_length(store):
    voice = narration.voice_for("en")
    key, rendered = store.ensure(QUESTION, voice)
    assert rendered
    for fmt, codec in (("ogg", "opus"), ("mp3", "mp3")):
        info = narration.probe(store.path(key, fmt))
        assert info["streams"][0]["codec_name"] == codec
        seconds = float(info["format"]["duration"])
        assert _plausible(seconds, QUESTION, voice.rate), seconds


def test_a_longer_text_makes_a_longer_clip(store):
    voice = narration.voice_for("en")
    short, _ = store.ensure("Yes.", voice)
    long, _ = store.ensure(QUESTION + " Think about the last time it was planned.", voice)
    assert (
        narration.duration(store.path(long, "ogg"))
        > narration.duration(store.path(short, "ogg")) + 1
    )


def test_the_slower_speed_is_slower_than_normal(store):
    slower, _ = store.ensure(QUESTION, narration.voice_for("en", "slower"))
    normal, _ = store.ensure(QUESTION, narration.voice_for("en", "normal"))
    assert slower != normal
    assert narration.duration(store.path(slower, "ogg")) > narration.duration(
        store.path(normal, "ogg")
    )


def test_a_cache_hit_renders_nothing(store):
    voice = narration.voice_for("en")
    key, first = store.ensure(QUESTION, voice)
    made = store.path(key, "ogg").stat().st_mtime_ns
    again, second = store.ensure("  How is it when people plan\nyour support with you? ", voice)
    assert (first, second) == (True, False)
    assert again == key
    assert store.renders == 1
    assert store.path(key, "ogg").stat().st_mtime_ns == made


def test_changed_text_is_rendered_again(store):
    voice = narration.voice_for("en")
    old, _ = store.ensure(QUESTION, voice)
    new, rendered = store.ensure("How is it when people plan your care with you?", voice)
    assert rendered and new != old
    assert store.renders == 2


def test_the_key_covers_text_voice_rate_and_engine(monkeypatch):
    english = narration.voice_for("en")
    keys = {
        narration.clip_key(QUESTION, english),
        narration.clip_key(QUESTION + "!", english),
        narration.clip_key(QUESTION, narration.voice_for("cy")),
        narration.clip_key(QUESTION, narration.voice_for("en", "normal")),
    }
    monkeypatch.setattr(narration, "engine_version", lambda: "espeak-ng 9.9; pipeline 1")
    keys.add(narration.clip_key(QUESTION, english))
    assert len(keys) == 5


def test_each_language_has_its_own_espeak_voice(store):
    assert narration.voice_for("cy-GB").voice_id == "cel/cy"
    assert narration.voice_for("pl").voice_id == "zlw/pl"
    assert narration.voice_for("ur").voice_id == "inc/ur"
    assert narration.voice_for("ar").voice_id == "sem/ar"
    assert narration.voice_for("xx").voice_id == "gmw/en"
    key, _ = store.ensure("Sut mae eich cefnogaeth chi?", narration.voice_for("cy"))
    assert narration.duration(store.path(key, "mp3")) > 0.5


def test_an_unknown_voice_is_refused_not_spoken_in_english(tmp_path):
    with pytest.raises(narration.NarrationError):
        narration.speak_to_wav("Hello", narration.Voice("en", "xx/none", 140), tmp_path / "a.wav")


def test_empty_text_is_refused(store):
    with pytest.raises(narration.NarrationError):
        store.ensure("   ", narration.voice_for("en"))


def test_a_missing_clip_is_rendered_once_when_many_threads_ask(store):
    voice = narration.voice_for("en")
    results = []

    def ask():
        results.append(store.ensure("Thank you for telling us.", voice))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({key for key, _ in results}) == 1
    assert sum(rendered for _, rendered in results) == 1
    assert store.renders == 1


def test_a_clip_is_rendered_once_across_processes(store, tmp_path):
    """Two processes (as two gunicorn workers would) ask for the same clip at once."""
    script = (
        "import sys; from media import narration; "
        "store = narration.ClipStore(sys.argv[1]); "
        "print(int(store.ensure('We will read everything you told us.', "
        "narration.voice_for('en'))[1]))"
    )
    root = Path(__file__).resolve().parents[2]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(store.folder)],
            cwd=root,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [child.communicate(timeout=60)[0].strip() for child in children]
    assert sorted(outputs) == ["0", "0", "1"]


def _tone(path: Path, seconds: float = 1.5, amplitude: float = 0.05) -> Path:
    frames = bytearray()
    for i in range(int(22050 * seconds)):
        sample = int(amplitude * 32767 * math.sin(2 * math.pi * 440 * i / 22050))
        frames += sample.to_bytes(2, "little", signed=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(bytes(frames))
    return path


def _mean_volume(path: Path) -> float:
    result = subprocess.run(
        ["ffmpeg", "-nostdin", "-i", str(path), "-af", "volumedetect", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stderr.splitlines() if "mean_volume" in x)
    return float(line.split("mean_volume:")[1].split("dB")[0])


def test_a_recording_is_checked_normalised_and_stored_in_both_formats(store, tmp_path):
    quiet = _tone(tmp_path / "quiet.wav")
    key = "0" * 32
    store.add_recording(quiet, key)
    assert store.has(key)
    assert narration.probe(store.path(key, "ogg"))["streams"][0]["codec_name"] == "opus"
    assert abs(narration.duration(store.path(key, "mp3")) - 1.5) < 0.3
    # loudnorm brings a quiet recording up towards -16 LUFS.
    assert _mean_volume(store.path(key, "ogg")) > _mean_volume(quiet) + 6


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        b"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n",
    ],
    ids=["pdf", "playlist"],
)
def test_a_file_that_is_not_a_recording_is_refused_and_stores_nothing(store, tmp_path, content):
    fake = tmp_path / "voice.wav"
    fake.write_bytes(content)
    key = "1" * 32
    with pytest.raises(narration.RecordingRejected):
        store.add_recording(fake, key)
    assert not store.path(key, "ogg").exists()
    assert not store.path(key, "mp3").exists()


def test_a_video_is_refused_as_a_recording(store, tmp_path):
    video = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=d=1:s=64x64",
         "-f", "lavfi", "-i", "sine=d=1", "-shortest", str(video)],
        check=True,
    )  # fmt: skip
    with pytest.raises(narration.RecordingRejected):
        store.add_recording(video, "2" * 32)


def test_a_flaky_engine_fails_now_and_then_yet_every_clip_is_made(tmp_path):
    """The real engine renders, but every third call fails: each failed clip is tried again."""
    engine = FlakyEngine(every=3)
    store = narration.ClipStore(tmp_path / "audio", speak=engine, pauses=(0.01, 0.02, 0.04))
    texts = [f"This is clip number {n} of the batch." for n in range(6)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda text: store.ensure(text, narration.voice_for("cy")), texts))
    assert all(rendered for _, rendered in results)
    assert engine.faults >= 2
    assert store.failed_tries == engine.faults
    assert store.renders == len(texts)
    for key, _ in results:
        assert narration.duration(store.path(key, "ogg")) > 1


def test_a_clip_that_fails_is_tried_again_after_ever_longer_pauses(tmp_path):
    pauses = []
    engine = FlakyEngine(doomed=frozenset({QUESTION}))
    store = narration.ClipStore(tmp_path / "audio", speak=engine, sleep=pauses.append)
    voice = narration.voice_for("en")
    with pytest.raises(narration.NarrationError) as failed:
        store.ensure(QUESTION, voice)
    assert failed.value.detail == MESSAGE
    assert pauses == list(narration.RETRY_PAUSES)
    assert pauses == sorted(pauses) and pauses[0] < pauses[-1]
    assert engine.calls == len(narration.RETRY_PAUSES) + 1
    assert not store.has(narration.clip_key(QUESTION, voice))
    left = [p for p in store.folder.rglob("*") if p.is_file() and p.parent != store.locks]
    assert left == [], "a failed clip leaves no file behind, not even a temporary one"


def test_a_failure_that_cannot_pass_is_not_tried_again(tmp_path):
    pauses = []
    store = narration.ClipStore(tmp_path / "audio", sleep=pauses.append)
    with pytest.raises(narration.NarrationError) as failed:
        store.ensure("Hello", narration.Voice("en", "xx/none", 140))
    assert "xx/none" in failed.value.detail
    assert pauses == []
    assert store.failed_tries == 1


def test_a_clip_that_fails_at_first_is_made_once_when_many_threads_ask(tmp_path):
    """The lock is held through the pauses, so nobody starts a second render meanwhile."""
    engine = FlakyEngine(first=1)
    store = narration.ClipStore(tmp_path / "audio", speak=engine, pauses=(0.05, 0.05, 0.05))
    voice = narration.voice_for("ar")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: store.ensure("شكرا لك", voice), range(4)))
    assert sum(rendered for _, rendered in results) == 1
    assert (engine.faults, engine.calls, store.renders) == (1, 2, 1)
