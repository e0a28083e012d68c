"""Tell what a file really is from its content, never from its name or a browser's word.

Images are recognised by their magic bytes and walked to the end of their own structure, so
anything hidden after the image (a ZIP archive appended to a JPEG, say) is found. Audio and
video are identified by ffprobe, allowed to open only local files with a short list of demuxers;
it and ffmpeg run under `setpriv --pdeathsig KILL`, so the kernel kills them when the server
process that started them dies, however it dies.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

IMAGE_KINDS = ("jpeg", "png", "webp")

# Demuxers ffprobe may use; a name matches any demuxer whose name list contains it
# (so "mov" covers mp4 and m4a, "matroska" covers webm).
AV_FORMAT_WHITELIST = "mov,matroska,ogg,wav,mp3,aac,flac"
AV_DEMUXERS = frozenset(AV_FORMAT_WHITELIST.split(","))
FFPROBE_TIMEOUT = 60
# The kernel sends this to the tool when the thread that started it exits (even on kill -9).
DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL", "--"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_END_OF_DIRECTORY = b"PK\x05\x06"
ZIP_LOCAL_HEADER = b"PK\x03\x04"
# A ZIP reader looks for its end record within the last 64 KiB (the comment limit) + 22 bytes.
ZIP_TAIL_WINDOW = 65_535 + 22


class MediaRefused(ValueError):
    """A file is not one we accept; `reason` names why, for the caller's message."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def sniff(head: bytes) -> str | None:
    """Return the image kind the first bytes announce, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def image_end(path: str | os.PathLike, kind: str) -> int:
    """Return the offset just past the image's own structure; raise MediaRefused if it is cut."""
    with open(path, "rb") as handle:
        if kind == "png":
            return _png_end(handle)
        if kind == "jpeg":
            return _jpeg_end(handle)
        if kind == "webp":
            return _webp_end(handle)
    raise MediaRefused("not_image", kind)


def _png_end(handle) -> int:
    handle.seek(len(PNG_SIGNATURE))
    while True:
        header = handle.read(8)
        if len(header) < 8:
            raise MediaRefused("truncated", "PNG ends before IEND")
        length, chunk_type = struct.unpack(">I4s", header)
        handle.seek(length + 4, os.SEEK_CUR)
        if chunk_type == b"IEND":
            return handle.tell()


def _jpeg_end(handle) -> int:
    handle.seek(2)
    # Walk marker segments up to the start of scan, then scan entropy-coded data for EOI.
    while True:
        marker = _next_marker(handle)
        if marker is None:
            raise MediaRefused("truncated", "JPEG ends before its image data")
        if marker == 0xD9:
            return handle.tell()
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        size_bytes = handle.read(2)
        if len(size_bytes) < 2:
            raise MediaRefused("truncated", "JPEG segment cut short")
        (size,) = struct.unpack(">H", size_bytes)
        handle.seek(size - 2, os.SEEK_CUR)
        if marker == 0xDA:
            end = _scan_to_marker(handle)
            if end is None:
                raise MediaRefused("truncated", "JPEG has no end marker")
            handle.seek(end)


def _next_marker(handle) -> int | None:
    byte = handle.read(1)
    while byte and byte != b"\xff":
        byte = handle.read(1)
    while byte == b"\xff":
        byte = handle.read(1)
    return byte[0] if byte else None


def _scan_to_marker(handle, block: int = 1 << 16) -> int | None:
    """Return the offset of the next real marker after entropy-coded data, or None."""
    carry = b""
    start = handle.tell()
    while True:
        data = handle.read(block)
        if not data:
            return None
        buffer = carry + data
        base = start - len(carry)
        index = buffer.find(b"\xff")
        while index != -1 and index + 1 < len(buffer):
            following = buffer[index + 1]
            # 0x00 is a stuffed byte, 0xD0-0xD7 restart markers, 0xFF fill: all inside the scan.
            if following not in (0x00, 0xFF) and not 0xD0 <= following <= 0xD7:
                return base + index
            index = buffer.find(b"\xff", index + 1)
        carry = buffer[-1:] if buffer.endswith(b"\xff") else b""
        start = handle.tell()


def _webp_end(handle) -> int:
    handle.seek(4)
    (size,) = struct.unpack("<I", handle.read(4))
    return 8 + size + (size & 1)


def check_image(path: str | os.PathLike, allowed: tuple[str, ...] = IMAGE_KINDS) -> str:
    """Return the kind of an image file, refusing other types, cut files and polyglots."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise MediaRefused("empty")
    with open(path, "rb") as handle:
        kind = sniff(handle.read(16))
    if kind is None or kind not in allowed:
        raise MediaRefused("wrong_type", kind or "unknown")
    end = image_end(path, kind)
    if end > size:
        raise MediaRefused("truncated", f"{kind} structure runs past the end of the file")
    if end < size:
        raise MediaRefused("polyglot", f"{size - end} bytes after the end of the {kind}")
    if _has_zip_signature(path, size):
        raise MediaRefused("polyglot", "a ZIP archive is hidden in the image")
    return kind


def _has_zip_signature(path: Path, size: int) -> bool:
    with open(path, "rb") as handle:
        handle.seek(max(0, size - ZIP_TAIL_WINDOW))
        tail = handle.read()
    return ZIP_END_OF_DIRECTORY in tail


@dataclass
class AvInfo:
    """What ffprobe found in an audio or video file."""

    format_name: str
    duration: float
    video_codecs: list[str] = field(default_factory=list)
    audio_codecs: list[str] = field(default_factory=list)
    width: int | None = None
    height: int | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def has_video(self) -> bool:
        """Say whether there is a real video stream (not only cover art)."""
        return bool(self.video_codecs)

    @property
    def demuxer(self) -> str:
        """Return the demuxer ffprobe used, for ffmpeg to be forced to use it too."""
        # ffprobe names a demuxer by its whole name list, such as "mov,mp4,m4a,3gp,3g2,mj2".
        return self.format_name.split(",")[0]


def run_tool(command: list[str], timeout: float) -> subprocess.CompletedProcess:
    """Run ffprobe or ffmpeg so that it dies with this process; raise TimeoutExpired if slow."""
    return subprocess.run(
        [*DIE_WITH_PARENT, *command], capture_output=True, timeout=timeout, check=False, text=True
    )


def probe_av(path: str | os.PathLike) -> AvInfo:
    """Identify an audio or video file with ffprobe, refusing anything it cannot read."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise MediaRefused("empty")
    with open(path, "rb") as handle:
        head = handle.read(16)
    if sniff(head) or head.startswith(ZIP_LOCAL_HEADER):
        raise MediaRefused("wrong_type", "an image or archive, not audio or video")
    command = [
        "ffprobe",
        "-v",
        "error",
        "-format_whitelist",
        AV_FORMAT_WHITELIST,
        "-protocol_whitelist",
        "file",
        "-show_format",
        "-show_streams",
        "-of",
        "json",
        "-i",
        f"file:{path}",
    ]
    try:
        result = run_tool(command, FFPROBE_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise MediaRefused("unreadable", "ffprobe took too long") from None
    if result.returncode != 0:
        raise MediaRefused("unreadable", result.stderr.strip()[-300:])
    data = json.loads(result.stdout or "{}")
    fmt = data.get("format") or {}
    info = AvInfo(
        format_name=fmt.get("format_name", ""),
        duration=float(fmt.get("duration") or 0),
        tags={str(k): str(v) for k, v in (fmt.get("tags") or {}).items()},
    )
    for stream in data.get("streams", []):
        cover_art = (stream.get("disposition") or {}).get("attached_pic")
        if stream.get("codec_type") == "video" and not cover_art:
            info.video_codecs.append(stream.get("codec_name", ""))
            info.width = info.width or stream.get("width")
            info.height = info.height or stream.get("height")
        elif stream.get("codec_type") == "audio":
            info.audio_codecs.append(stream.get("codec_name", ""))
    if not info.video_codecs and not info.audio_codecs:
        raise MediaRefused("unreadable", "no audio or video streams")
    if info.demuxer not in AV_DEMUXERS:
        raise MediaRefused("wrong_type", f"demuxer {info.format_name!r}")
    return info
