"""Spoken narration for easy-read text: espeak-ng through pyttsx3, transcoded by ffmpeg.

Each clip is cached under a key made from its text, voice, rate and engine version, so
unchanged text is never rendered twice. Rendering happens in a child process (espeak-ng keeps
one voice and rate per process; see media/narration_child.py for why it runs in synchronous
mode) and one clip at a time per key: a claim per clip keeps threads, worker processes and
(with a claim the caller gives, held in a database they share) app servers from rendering the
same clip twice, while different clips render side by side. A clip that
fails is tried again after a pause that doubles each time, all in `ClipStore.ensure`, so the
command line, the background pre-render and a clip asked for by a page follow the same rules.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from media.blobs import place_atomically

# espeak-ng voice ids for each language the app may be used in (checked against the engine).
VOICES = {
    "en": "gmw/en",
    "cy": "cel/cy",
    "pl": "zlw/pl",
    "ur": "inc/ur",
    "ar": "sem/ar",
}
DEFAULT_LANGUAGE = "en"
# Words a minute: easy read is spoken slower than espeak's default of 200.
RATES = {"slower": 140, "normal": 175}
DEFAULT_SPEED = "slower"
FORMATS = {"ogg": "audio/ogg", "mp3": "audio/mpeg"}
# 2: the child drives espeak-ng in synchronous mode. Pipeline 1 now and then cached a clip at
# the wrong speed (see media/narration_child.py), so every clip is made afresh.
PIPELINE_VERSION = "2"
OPUS_BITRATE = "20k"
MP3_BITRATE = "32k"
CHILD_TIMEOUT = 60
# Seconds to wait before each new try of a clip that failed: four tries in all.
RETRY_PAUSES = (0.5, 1.0, 2.0)
CLIP_KEY = re.compile(r"^[0-9a-f]{32}$")

# Recorded voices: what ffprobe may open, and the longest recording taken.
RECORDING_FORMATS = "wav,mp3,mov,mp4,m4a,3gp,3g2,mj2,ogg"
RECORDING_CODECS = {"pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8", "mp3", "aac"}
RECORDING_CODECS |= {"alac", "vorbis", "opus", "flac"}
RECORDING_MAX_SECONDS = 600


class NarrationError(RuntimeError):
    """A clip could not be made.

    `detail` is the speech engine's own message, when it gave one; `retry` says whether trying
    again could help (an unknown voice or empty text never will).
    """

    def __init__(self, message: str, detail: str = "", retry: bool = True):
        super().__init__(message)
        self.detail = detail
        self.retry = retry


class ClipBusy(NarrationError):
    """Someone else has been making this clip for longer than we wait: it is not ready yet."""


class RecordingRejected(ValueError):
    """An uploaded recording is not audio we accept."""


@dataclass(frozen=True)
class Voice:
    """What a clip is spoken with."""

    language: str
    voice_id: str
    rate: int


def voice_for(language: str, speed: str = DEFAULT_SPEED) -> Voice:
    """Return the voice for a language ("cy-GB" uses "cy"), falling back to English."""
    base = language.split("-", 1)[0].lower()
    if base not in VOICES:
        base = DEFAULT_LANGUAGE
    return Voice(base, VOICES[base], RATES.get(speed, RATES[DEFAULT_SPEED]))


@functools.cache
def engine_version() -> str:
    """Return what identifies the speech engine: a new version re-renders every clip."""
    try:
        banner = subprocess.run(
            ["espeak-ng", "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        banner = "espeak-ng unknown"
    match = re.search(r"(\d+(?:\.\d+)+)", banner)
    espeak = match.group(1) if match else "unknown"
    return f"espeak-ng {espeak}; pipeline {PIPELINE_VERSION}"


def normalise_text(text: str) -> str:
    """Collapse white space, so layout changes in a template do not re-render a clip."""
    return " ".join(text.split())


def clip_key(text: str, voice: Voice) -> str:
    """Return the cache key of a clip: a hash of its text, voice, rate and engine version."""
    payload = json.dumps(
        [normalise_text(text), voice.voice_id, voice.rate, engine_version()], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def text_key(text: str, language: str) -> str:
    """Return the stable name of a text in one language (what a recording is attached to)."""
    payload = f"{language.split('-', 1)[0].lower()}\n{normalise_text(text)}"
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


class ClipStore:
    """A folder of clips, one Ogg and one MP3 file per key."""

    def __init__(
        self,
        folder: str | os.PathLike,
        speak: Callable[[str, Voice, Path], None] | None = None,
        pauses: tuple[float, ...] = RETRY_PAUSES,
        sleep: Callable[[float], None] = time.sleep,
        claim: Callable[[str], contextlib.AbstractContextManager] | None = None,
    ):
        self.folder = Path(folder)
        # Held while a clip is made. A lock file by default; servers sharing the folder over
        # a network give a claim in their shared database instead, because a lock file is
        # only as good as the network file system's locking.
        self.claim = claim or self._lock
        self.locks = self.folder / "locks"
        self.renders = 0
        self.failed_tries = 0
        # The one place the speech engine is called: a test puts a failing one around it.
        self.speak = speak or speak_to_wav
        self.pauses = tuple(pauses)
        self.sleep = sleep
        self._count = threading.Lock()

    def path(self, key: str, fmt: str) -> Path:
        """Return where a clip's file lives (it may not exist yet)."""
        if not CLIP_KEY.match(key) or fmt not in FORMATS:
            raise ValueError("not a clip")
        return self.folder / key[:2] / f"{key}.{fmt}"

    def forget(self, key: str) -> None:
        """Delete a clip's files, if it has any."""
        for fmt in FORMATS:
            self.path(key, fmt).unlink(missing_ok=True)

    def has(self, key: str) -> bool:
        """Say whether both files of a clip are ready."""
        return all(self.path(key, fmt).is_file() for fmt in FORMATS)

    def ensure(self, text: str, voice: Voice) -> tuple[str, bool]:
        """Make a clip if it is missing; return its key and whether it was rendered now."""
        key = clip_key(text, voice)
        if self.has(key):
            return key, False
        with self.claim(key):
            if self.has(key):
                return key, False
            self._render_with_retries(key, text, voice)
        return key, True

    def _render_with_retries(self, key: str, text: str, voice: Voice) -> None:
        """Render a clip, trying again after each pause while trying again may help.

        The clip's lock stays held through the pauses, so whoever else wants the clip waits for
        this outcome instead of starting a render of their own.
        """
        for pause in (*self.pauses, None):
            try:
                self._render(key, text, voice)
                return
            except NarrationError as error:
                with self._count:
                    self.failed_tries += 1
                if pause is None or not error.retry:
                    raise
            self.sleep(pause)

    @contextlib.contextmanager
    def _lock(self, key: str):
        """Hold the clip's own lock file: one renderer per clip, across threads and processes."""
        self.locks.mkdir(parents=True, exist_ok=True)
        with open(self.locks / f"{key}.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _render(self, key: str, text: str, voice: Voice) -> None:
        text = normalise_text(text)
        if not text:
            raise NarrationError("There is no text to narrate.", retry=False)
        target = self.path(key, "ogg").parent
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.folder) as work:
            wav = Path(work) / "speech.wav"
            self.speak(text, voice, wav)
            self._publish(key, wav, Path(work), loudnorm=False)
        with self._count:
            self.renders += 1

    def add_recording(self, source: str | os.PathLike, key: str) -> None:
        """Check, loudness-normalise and store a person's recording as clip `key`."""
        probe_recording(source)
        target = self.path(key, "ogg").parent
        target.mkdir(parents=True, exist_ok=True)
        with self.claim(key), tempfile.TemporaryDirectory(dir=self.folder) as work:
            self._publish(key, Path(source), Path(work), loudnorm=True)

    def remove(self, key: str) -> None:
        """Delete a clip's files, if present."""
        for fmt in FORMATS:
            self.path(key, fmt).unlink(missing_ok=True)

    def _publish(self, key: str, source: Path, work: Path, loudnorm: bool) -> None:
        """Transcode to every format in `work`, then move each into place in one step."""
        made = {fmt: work / f"clip.{fmt}" for fmt in FORMATS}
        transcode(source, made, loudnorm=loudnorm)
        # MP3 first, Ogg last: `has` needs both, so a half-published clip counts as missing.
        # Each file is flushed, then renamed over its name in one step, so a server reading
        # the shared folder sees no file or the whole one.
        for fmt in ("mp3", "ogg"):
            place_atomically(made[fmt], self.path(key, fmt))


def speak_to_wav(text: str, voice: Voice, wav: Path) -> None:
    """Render text to a WAV file with espeak-ng, in a child process of its own."""
    request = json.dumps(
        {"text": text, "voice": voice.voice_id, "rate": voice.rate, "out": str(wav)}
    )
    try:
        result = subprocess.run(
            [sys.executable, "-m", "media.narration_child"],
            input=request,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
            cwd=Path(__file__).resolve().parents[1],
        )
    except subprocess.TimeoutExpired as error:
        raise NarrationError("The speech engine took too long.") from error
    detail = result.stderr.strip()[-500:]
    if result.returncode == 2:
        raise NarrationError(f"The speech engine has no such voice: {detail}", detail, retry=False)
    if result.returncode != 0 or not wav.is_file() or wav.stat().st_size <= 44:
        why = detail or f"it ended with code {result.returncode} and gave no reason"
        raise NarrationError(f"The speech engine failed: {why}", detail)


def transcode(source: Path, targets: dict[str, Path], loudnorm: bool = False) -> None:
    """Encode audio as small mono Opus-in-Ogg and MP3 in one ffmpeg run, optionally normalised."""
    encoders = {
        "ogg": ["-ar", "48000", "-c:a", "libopus", "-b:a", OPUS_BITRATE, "-application", "voip"],
        "mp3": ["-ar", "22050", "-c:a", "libmp3lame", "-b:a", MP3_BITRATE],
    }
    filters = ["-af", "loudnorm=I=-16:TP=-1.5:LRA=11"] if loudnorm else []
    command = [
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-protocol_whitelist", "file", "-i", str(source),
    ]  # fmt: skip
    for fmt, target in targets.items():
        command += ["-map", "0:a:0", "-vn", "-map_metadata", "-1", "-ac", "1", *filters]
        command += [*encoders[fmt], "-f", fmt, str(target)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise NarrationError(f"ffmpeg could not encode the clip: {result.stderr.strip()[-500:]}")


def probe(path: str | os.PathLike, formats: str | None = None) -> dict:
    """Return ffprobe's view of a local audio file (format and streams), or raise."""
    command = ["ffprobe", "-v", "error", "-protocol_whitelist", "file"]
    if formats:
        command += ["-format_whitelist", formats]
    command += ["-print_format", "json", "-show_format", "-show_streams", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise RecordingRejected("This file is not a sound recording we can use.")
    return json.loads(result.stdout)


def duration(path: str | os.PathLike) -> float:
    """Return a clip's length in seconds, as ffprobe decodes it."""
    return float(probe(path)["format"]["duration"])


def probe_recording(path: str | os.PathLike) -> dict:
    """Check a recording is one audio stream in an accepted format and length, or raise."""
    info = probe(path, RECORDING_FORMATS)
    streams = info.get("streams", [])
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    # Cover art in an MP3 or M4A shows up as a single still picture: allow that, nothing more.
    others = [
        s
        for s in streams
        if s.get("codec_type") != "audio" and not s.get("disposition", {}).get("attached_pic")
    ]
    if len(audio) != 1 or others:
        raise RecordingRejected("The file must hold one sound recording and nothing else.")
    if audio[0].get("codec_name") not in RECORDING_CODECS:
        raise RecordingRejected("Please send a WAV, MP3, M4A or OGG recording.")
    seconds = float(info.get("format", {}).get("duration") or 0)
    if not 0 < seconds <= RECORDING_MAX_SECONDS:
        raise RecordingRejected("The recording must be shorter than 10 minutes.")
    return info
