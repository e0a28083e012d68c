"""Real sample files made inside the tests: photos with GPS, videos with location, bad files."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

from PIL import ExifTags, Image

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.5),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
}
LOCATION = "+51.5034-000.1276/"


def photo_with_gps(path: Path, size=(300, 200), orientation: int = 6) -> Path:
    """Write a JPEG carrying GPS, a camera name and an orientation, as phones do."""
    image = Image.new("RGB", size, "white")
    # A red block in the top-left corner shows which way up the pixels are stored.
    image.paste((220, 0, 0), (0, 0, size[0] // 3, size[1] // 3))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Secret Phone 9"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.GPSInfo] = GPS
    image.save(path, format="JPEG", exif=exif, quality=90)
    return path


def video_with_location(path: Path, seconds: float = 2.0, size: str = "320x240") -> Path:
    """Make a small H.264/AAC MP4 carrying a location tag and a title, with ffmpeg."""
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=15",
            "-f", "lavfi", "-i", "sine=frequency=440", "-t", str(seconds),
            "-metadata", f"location={LOCATION}", "-metadata", "title=My secret title",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-y", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def voice_webm(path: Path, seconds: float = 1.5) -> Path:
    """Make an Opus-in-WebM recording, as Chromium's MediaRecorder does, with a title tag."""
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300", "-t", str(seconds),
            "-metadata", "title=Recorded at home", "-c:a", "libopus", "-y", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(path: Path, width: int, height: int) -> Path:
    """Write a tiny file that claims width x height one-bit pixels: a decompression bomb."""
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    compressed = bytearray()
    for _ in range(height):
        compressed += compressor.compress(row)
    compressed += compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", bytes(compressed))
        + _png_chunk(b"IEND", b"")
    )
    return path


def jpeg_with_zip(path: Path) -> Path:
    """Write a real JPEG with a real ZIP archive appended: a polyglot."""
    import io
    import zipfile

    image = io.BytesIO()
    Image.new("RGB", (64, 64), "blue").save(image, format="JPEG")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", "<script>alert(1)</script>")
    path.write_bytes(image.getvalue() + archive.getvalue())
    return path


def html_named_mp4(path: Path) -> Path:
    """Write an HTML page under a video's name."""
    path.write_text("<!doctype html><html><body><script>alert(1)</script></body></html>")
    return path


def truncated(source: Path, path: Path, keep: float = 0.5) -> Path:
    """Write the first part of a file only, as an interrupted recording leaves it."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def png_drawing(path: Path, size=(800, 600)) -> Path:
    """Write a drawing-like PNG: white with a black line."""
    image = Image.new("RGB", size, "white")
    for x in range(100, 500):
        for y in range(290, 310):
            image.putpixel((x, y), (0, 0, 0))
    image.save(path, format="PNG")
    return path


def ffprobe_tags(path: Path) -> str:
    """Return every tag ffprobe sees in a file, format and streams, as one text."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json",
         str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout
