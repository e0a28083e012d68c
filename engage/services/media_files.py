"""Media files on disk: cleaned answers in the blob store, upload part files, work folders.

Used by the respondent's media pages, the staff picture pages, erasure and `engage sweep-media`.
Everything here needs an app context (the instance folder and its settings), never a request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from engage import store
from engage.store import get_db
from media import av, images
from media.blobs import BlobStore

UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")

# An upload nobody has added to for this long is dropped, with its part file.
STALLED_AFTER = timedelta(hours=6)

# A blob this new may belong to an answer still being recorded, so a full sweep leaves it.
BLOB_GRACE_SECONDS = 3600

# Seconds a claim on an upload's part file lasts: far longer than one chunk takes to arrive.
PART_LEASE = 300


def media_root() -> Path:
    """Return the media folder (`ENGAGE_MEDIA_DIR`), outside static/ so nothing is served by name.

    Every app server reads and writes the same folder: an upload's chunks may reach different
    servers, and a file kept by one is sent by another.
    """
    return Path(current_app.config["MEDIA_DIR"])


def blob_store() -> BlobStore:
    """Return the content-addressed store of cleaned files."""
    return BlobStore(media_root() / "blobs")


def part_path(upload_id: str) -> Path:
    """Return where an unfinished upload's bytes are kept."""
    if not UPLOAD_ID.match(upload_id):
        raise ValueError("bad upload id")
    return media_root() / "uploads" / f"{upload_id}.part"


def server_mark() -> str:
    """Return what names this server's processing folders in a media folder others may share."""
    where = f"{socket.gethostname()}:{current_app.instance_path}"
    return hashlib.sha256(where.encode()).hexdigest()[:12]


def work_dir() -> Path:
    """Make a processing folder of the caller's own; no route ever writes into it."""
    root = media_root() / "work"
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=root, prefix=f"{server_mark()}-"))


@contextmanager
def claim_part(part: Path) -> Iterator[BinaryIO | None]:
    """Hold the right to change a part file: yield it open, or None if it is gone or held.

    Every chunk takes it before it reads a byte, and `finish` before it takes the file away,
    so a second chunk at the same offset (or a finish while a chunk is arriving) is refused
    and cannot write, whichever server it reached. The claim is a row in the database every
    server shares, not a lock on the file: the media folder may be a network mount whose locks
    cannot be trusted. Its lease outlasts any chunk, and lets the upload go on if the server
    holding it died.
    """
    try:
        handle = open(part, "r+b")  # noqa: SIM115 - held for the whole block
    except FileNotFoundError:
        yield None
        return
    name = f"upload:{part.stem}"
    holder = secrets.token_hex(16)
    with handle:
        if not store.narration.claim_work(get_db(), name, holder, PART_LEASE):
            yield None
            return
        try:
            yield handle
        finally:
            store.narration.release_work(get_db(), name, holder)


def busy_wait() -> float:
    """Return how long a request waits for a free processing slot."""
    return float(current_app.config["MEDIA_BUSY_WAIT"])


def keep_answer_file(
    processing: str,
    kind: str,
    source: Path,
    work: Path,
    session_id: int,
    question_id: str | None,
) -> int:
    """Check and clean a finished upload, keep its files and record it; return the item id.

    `source` and everything made from it stay in `work`, the request's own folder.
    """
    blobs = blob_store()
    digests: list[str] = []
    try:
        item = {"session_id": session_id, "kind": kind, "question_id": question_id}
        if processing in ("drawing", "photo"):
            safe = (
                images.process_drawing(source)
                if processing == "drawing"
                else images.process_image(source)
            )
            digests.append(blobs.put_bytes(safe.full.data, work / "full"))
            digests.append(blobs.put_bytes(safe.thumb.data, work / "thumb"))
            item.update(
                sha256=digests[0],
                thumb_sha256=digests[1],
                mime=safe.full.mime,
                ext=safe.full.ext,
                size_bytes=len(safe.full.data),
                width=safe.full.width,
                height=safe.full.height,
            )
        elif processing == "video":
            clean = av.clean_video(source, work)
            poster = av.poster_frame(clean, work / "poster.jpg")
            size = clean.path.stat().st_size
            digests.append(blobs.put_file(clean.path))
            digests.append(blobs.put_file(poster))
            item.update(
                sha256=digests[0],
                poster_sha256=digests[1],
                mime=clean.mime,
                ext=clean.ext,
                size_bytes=size,
                width=clean.width,
                height=clean.height,
                duration_seconds=clean.duration,
            )
        else:
            clean = av.clean_audio(source, work)
            size = clean.path.stat().st_size
            digests.append(blobs.put_file(clean.path))
            item.update(
                sha256=digests[0],
                mime=clean.mime,
                ext=clean.ext,
                size_bytes=size,
                duration_seconds=clean.duration,
            )
        return store.media.add_media_item(get_db(), item)
    except BaseException:
        sweep_blobs(digests)
        raise


def sweep_blobs(candidates: list[str] | None = None) -> int:
    """Delete blobs no media item refers to (only the candidates, if given); return how many.

    A full sweep leaves blobs made within the last hour: one may belong to an answer whose row
    is still being written.
    """
    blobs = blob_store()
    in_use = store.media.media_digests_in_use(get_db())
    if candidates is not None:
        pool = set(candidates)
    else:
        settled = time.time() - BLOB_GRACE_SECONDS
        pool = {d for d in blobs.digests() if blobs.path(d).stat().st_mtime < settled}
    gone = [digest for digest in pool if digest not in in_use]
    for digest in gone:
        blobs.delete(digest)
    return len(gone)


def _untouched_since(folder: Path, moment: float) -> bool:
    try:
        return folder.is_dir() and folder.stat().st_mtime < moment
    except FileNotFoundError:
        # Its request finished and removed it while we looked.
        return False


@dataclass
class Swept:
    """What a sweep removed."""

    stale_uploads: int
    part_files: int
    unused_files: int
    work_folders: int


def sweep(stale_after: timedelta = STALLED_AFTER, starting: bool = False) -> Swept:
    """Delete stalled uploads, untracked part files and files no answer refers to.

    `starting` also clears this server's processing folders: before it takes requests, any
    left there belonged to a request a crash cut short. Another server's are its own, in use,
    unless nobody has touched them for as long as a stalled upload is kept.
    """
    stale, stray = sweep_uploads(stale_after)
    work = media_root() / "work"
    abandoned = time.time() - stale_after.total_seconds()
    mine = f"{server_mark()}-"
    folders = [
        folder
        for folder in (work.iterdir() if starting and work.exists() else ())
        if folder.name.startswith(mine) or _untouched_since(folder, abandoned)
    ]
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    return Swept(stale, stray, sweep_blobs(), len(folders))


def sweep_uploads(stale_after: timedelta = STALLED_AFTER) -> tuple[int, int]:
    """Drop uploads nobody has added to for a while, and part files with no upload.

    Safe while serving: an upload with a chunk arriving is left alone. Return how many
    uploads and stray part files went.
    """
    db = get_db()
    cutoff = (datetime.now(UTC) - stale_after).replace(microsecond=0).isoformat()
    dropped = sum(
        drop_upload(upload_id)
        for upload_id in store.media.media_uploads_untouched_since(db, cutoff)
    )
    live = store.media.media_upload_ids(db)
    parts = media_root() / "uploads"
    stray = [p for p in parts.glob("*.part") if p.stem not in live] if parts.exists() else []
    for part in stray:
        part.unlink(missing_ok=True)
    return dropped, len(stray)


def drop_upload(upload_id: str) -> bool:
    """Forget an unfinished upload and its part file, unless a chunk is arriving."""
    part = part_path(upload_id)
    with claim_part(part) as handle:
        if handle is None and part.exists():
            return False
        store.media.delete_media_upload(get_db(), upload_id)
        part.unlink(missing_ok=True)
        return True
