"""Clean copies of people's video and voice recordings, with ffmpeg.

Every copy drops all container and stream metadata (titles, device names, and the location tags
phones write), keeps only one video and one audio stream, and is decoded or remuxed end to end
so a cut or damaged file is refused rather than stored.

ffmpeg is held to what ffprobe found: the same demuxer whitelist, the demuxer forced with `-f`,
local files only. So a file that changed after it was probed (a playlist that would make ffmpeg
read other files, say) is refused rather than followed. Each run uses one thread, stops after
MAX_SECONDS of output and shrinks what it re-encodes to at most ENCODE_SIDE pixels a side.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from media.probe import AV_FORMAT_WHITELIST, AvInfo, MediaRefused, probe_av, run_tool

# A 10-minute 4K HEVC phone video takes about this long to re-encode on one thread.
FFMPEG_TIMEOUT = 1200
MAX_SECONDS = 600
# 4K (3840 x 2160, and 4096 x 2160 cinema) fits; 8K is refused before it is decoded.
MAX_VIDEO_PIXELS = 4096 * 2304
ENCODE_SIDE = 1280
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


def _ffmpeg(source: str | os.PathLike, demuxer: str, arguments: list[str]) -> None:
    """Run ffmpeg on one local input, read only with the named demuxer."""
    command = [
        "ffmpeg",
        "-nostdin",
        "-hide_banner",
        "-v",
        "error",
        "-xerror",
        "-filter_threads",
        "1",
        "-threads",
        "1",
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        AV_FORMAT_WHITELIST,
        "-f",
        demuxer,
        "-i",
        f"file:{source}",
        "-threads",
        "1",
        "-t",
        str(MAX_SECONDS),
        *arguments,
    ]
    try:
        result = run_tool(command, FFMPEG_TIMEOUT)
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


def _check_length(info: AvInfo) -> None:
    if info.duration > MAX_SECONDS:
        raise MediaRefused("too_big", f"{info.duration:.0f} s long")


def clean_video(source: str | os.PathLike, out_dir: str | os.PathLike) -> CleanAv:
    """Make a metadata-free copy of a video, remuxing when its codecs play everywhere."""
    info = probe_av(source)
    if not info.has_video:
        raise MediaRefused("wrong_type", "no video stream")
    _check_length(info)
    width, height = info.width or 0, info.height or 0
    if width * height > MAX_VIDEO_PIXELS:
        raise MediaRefused("too_big", f"{width} x {height} pixels")
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
            # No larger than ENCODE_SIDE a side, never enlarged, even sides for yuv420p.
            f"scale='trunc(min(1,{ENCODE_SIDE}/max(iw,ih))*iw/2)*2'"
            f":'trunc(min(1,{ENCODE_SIDE}/max(iw,ih))*ih/2)*2'",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
        ]
    extra = ["-movflags", "+faststart"] if target.suffix == ".mp4" else []
    _ffmpeg(source, info.demuxer, [*maps, *codecs, *_no_metadata(), *extra, "-y", str(target)])
    cleaned = _check_clean(target, info)
    return CleanAv(target, mime, target.suffix[1:], cleaned.duration, cleaned.width, cleaned.height)


def clean_audio(source: str | os.PathLike, out_dir: str | os.PathLike) -> CleanAv:
    """Make a metadata-free AAC copy of a voice recording, which every browser plays."""
    info = probe_av(source)
    if not info.audio_codecs:
        raise MediaRefused("wrong_type", "no audio stream")
    _check_length(info)
    target = Path(out_dir) / "clean.m4a"
    _ffmpeg(
        source,
        info.demuxer,
        [
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
        ],
    )
    cleaned = _check_clean(target, info)
    return CleanAv(target, "audio/mp4", "m4a", cleaned.duration, None, None)


def _check_clean(target: Path, source_info: AvInfo) -> AvInfo:
    cleaned = probe_av(target)
    if source_info.duration and cleaned.duration < min(0.1, source_info.duration / 2):
        raise MediaRefused("unreadable", "nothing could be read from the recording")
    return cleaned


def poster_frame(video: CleanAv, target: str | os.PathLike) -> Path:
    """Save one JPEG frame from early in a cleaned video, to show before it plays."""
    at = min(1.0, video.duration / 3) if video.duration else 0.0
    _ffmpeg(
        video.path,
        "mov" if video.ext == "mp4" else "matroska",
        [
            "-ss",
            f"{at:.3f}",
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
        ],
    )
    return Path(target)
