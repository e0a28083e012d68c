"""Clean and keep pictures that staff upload: a group's flip-chart photo, a lead's own picture.

Each is checked and re-encoded by media.images (JPEG, PNG or WebP only, a guard against
decompression bombs, no EXIF), kept at two sizes in the instance folder's blob store.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from engage.services import media_files
from media import images
from media.probe import MediaRefused
from media.work import media_slot


class FileTooLarge(MediaRefused):
    """The file is larger than the caller allows (before anything reads it as a picture)."""

    def __init__(self, size: int, max_bytes: int):
        super().__init__("too_big", f"{size} bytes, more than {max_bytes}")


def keep_picture(save: Callable[[Path], None], max_bytes: int) -> tuple[str, str, str]:
    """Clean a picture and keep it; return (full digest, small digest, mime).

    `save` writes the sent file to the path it is given. Raise FileTooLarge, or MediaRefused
    ("busy", or why it is not a safe picture); nothing is kept then.
    """
    work = media_files.work_dir()
    try:
        source = work / "upload"
        save(source)
        size = source.stat().st_size
        if size > max_bytes:
            raise FileTooLarge(size, max_bytes)
        with media_slot(media_files.busy_wait()):
            safe = images.process_image(source)
        blobs = media_files.blob_store()
        full = blobs.put_bytes(safe.full.data, work / "full")
        small = blobs.put_bytes(safe.thumb.data, work / "small")
        return full, small, safe.full.mime
    finally:
        shutil.rmtree(work, ignore_errors=True)
