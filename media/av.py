"""Clean copies of people's video and voice recordings, with ffmpeg.

Every copy drops all container and stream metadata (titles, device names, and the location tags
phones write), keeps only one video and one audio stream, and is decoded or remuxed end to end
so a cut or damaged file is refused rather than stored.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from media.probe import AvInfo, MediaRefused, probe_av

FFMPEG_TIMEOUT = 1800
# Codecs every browser we support plays from an MP4, so they are copied rather than re-encoded.
MP4_VIDEO = {"h264"}
MP4_AUDIO = {"aac", "mp3"}
WEBM_VIDEO = {"vp8", "vp9", "av1"}
WEBM_AUDIO = {"opus", "vorbis"}
POSTER_SIDE = 960


@dataclass
class CleanAv:
    """A cleaned recording on disk, and what it holds."""

    path: Path
    mime: str
    ext: str
    duration: float
    width: int | None
    height: int | None


def _ffmpeg(arguments: list[str]) -> None:
    command = [
        "ffmpeg",
        "-nostdin",
        "-hide_banner",
        "-v",
        "error",
        "-xerror",
        "-protocol_whitelist",
        "file",
        *arguments,
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, timeout=FFMPEG_TIMEOUT, check=False, text=True
        )
    except subprocess.TimeoutExpired:
        raise MediaRefused("unreadable", "ffmpeg took too long") from None
    if result.returncode != 0 or result.stderr.strip():
        raise MediaRefused("unreadable", result.stderr.strip()[-300:])


def _no_metadata() -> list[str]:
    return [
        "-map_metadata",
        "-1",
        "-map_metadata:s",
        "-1",
        "-map_chapters",
        "-1",
        "-fflags",
        "+bitexact",
        "-flags:v",
        "+bitexact",
        "-flags:a",
        "+bitexact",
    ]


def clean_video(source: str | os.PathLike, out_dir: str | os.PathLike) -> CleanAv:
    """Make a metadata-free copy of a video, remuxing when its codecs play everywhere."""
    info = probe_av(source)
    if not info.has_video:
        raise MediaRefused("wrong_type", "no video stream")
    out_dir = Path(out_dir)
    video = info.video_codecs[0]
    audio = info.audio_codecs[0] if info.audio_codecs else None
    maps = ["-map", "0:v:0", "-map", "0:a:0?", "-dn", "-sn"]
    if video in MP4_VIDEO and audio in (None, *MP4_AUDIO):
        target, mime, codecs = out_dir / "clean.mp4", "video/mp4", ["-c", "copy"]
    elif video in WEBM_VIDEO and audio in (None, *WEBM_AUDIO):
        target, mime, codecs = out_dir / "clean.webm", "video/webm", ["-c", "copy"]
    else:
        target, mime = out_dir / "clean.mp4", "video/mp4"
        codecs = [
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "23",
            "-pix_fmt",
            "yuv420p",
            "-vf",
            "scale=trunc(iw/2)*2:trunc(ih/2)*2",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
        ]
    extra = ["-movflags", "+faststart"] if target.suffix == ".mp4" else []
    _ffmpeg(["-i", f"file:{source}", *maps, *codecs, *_no_metadata(), *extra, "-y", str(target)])
    _check_clean(target, info)
    return CleanAv(target, mime, target.suffix[1:], info.duration, info.width, info.height)


def clean_audio(source: str | os.PathLike, out_dir: str | os.PathLike) -> CleanAv:
    """Make a metadata-free AAC copy of a voice recording, which every browser plays."""
    info = probe_av(source)
    if not info.audio_codecs:
        raise MediaRefused("wrong_type", "no audio stream")
    target = Path(out_dir) / "clean.m4a"
    _ffmpeg(
        [
            "-i",
            f"file:{source}",
            "-map",
            "0:a:0",
            "-vn",
            "-dn",
            "-sn",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            *_no_metadata(),
            "-movflags",
            "+faststart",
            "-y",
            str(target),
        ]
    )
    _check_clean(target, info)
    return CleanAv(target, "audio/mp4", "m4a", info.duration, None, None)


def _check_clean(target: Path, source_info: AvInfo) -> None:
    cleaned = probe_av(target)
    if source_info.duration and cleaned.duration < min(0.1, source_info.duration / 2):
        raise MediaRefused("unreadable", "nothing could be read from the recording")


def poster_frame(video: str | os.PathLike, target: str | os.PathLike, duration: float) -> Path:
    """Save one JPEG frame from early in the video, to show before it plays."""
    at = min(1.0, duration / 3) if duration else 0.0
    _ffmpeg(
        [
            "-ss",
            f"{at:.3f}",
            "-i",
            f"file:{video}",
            "-frames:v",
            "1",
            "-vf",
            f"scale='min({POSTER_SIDE},iw)':-2",
            "-map_metadata",
            "-1",
            "-q:v",
            "4",
            "-y",
            str(target),
        ]
    )
    return Path(target)
