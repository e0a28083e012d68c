"""Clean and keep pictures that staff upload: a group's flip-chart photo, a lead's own picture.

Each is checked and re-encoded by media.images (JPEG, PNG or WebP only, a guard against
decompression bombs, no EXIF), kept at two sizes in the instance folder's blob store.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import request
from flask_babel import gettext as _

from engage.errors import refuse
from engage.respondent import media as mediaanswers
from engage.store import get_db, reads
from media import images
from media.probe import MediaRefused
from media.work import media_slot

FORM_OVERHEAD = 64 * 1024
# A lead's own picture is chosen for a question as "own-<number>"; other ids are the library's.
OWN_PREFIX = "own-"


def refusal_lines(reason: str) -> list[str]:
    """Return easy-read words for why a picture was refused."""
    if reason == "too_big":
        return [_("The picture is too big."), _("Try a smaller photo.")]
    if reason == "busy":
        return [_("Please wait a few minutes."), _("Then try again.")]
    return [_("This file is not a picture we can use."), _("Use a JPEG, PNG or WebP photo.")]


def allow_upload(max_bytes: int) -> None:
    """Let this request carry a picture of up to max_bytes; call before reading the form."""
    request.max_content_length = max_bytes + FORM_OVERHEAD
    request.environ["engage.max_picture_bytes"] = max_bytes


def cleaned_upload(field: str) -> tuple[str, str, str]:
    """Clean the picture sent in a form field; return (full digest, small digest, mime).

    Refuse (400, 413) when there is no file, it is too large, or it is not a safe picture.
    """
    max_bytes = request.environ["engage.max_picture_bytes"]
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        refuse(400, _("Choose a photo"), [_("Choose the photo to add.")])
    root = mediaanswers.media_root() / "work"
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=root))
    store = mediaanswers.blob_store()
    try:
        source = work / "upload"
        upload.save(source)
        if source.stat().st_size > max_bytes:
            refuse(413, _("The picture is too big"), refusal_lines("too_big"))
        try:
            with media_slot(mediaanswers.busy_wait()):
                safe = images.process_image(source)
        except MediaRefused as problem:
            if problem.reason == "busy":
                refuse(503, _("Sorry, we are busy right now"), refusal_lines("busy"))
            refuse(400, _("We cannot use this picture"), refusal_lines(problem.reason))
        full = store.put_bytes(safe.full.data, work / "full")
        small = store.put_bytes(safe.thumb.data, work / "small")
        return full, small, safe.full.mime
    finally:
        shutil.rmtree(work, ignore_errors=True)


def picture_file(digest: str, mime: str, name: str):
    """Send one kept picture, to be cached only privately."""
    return mediaanswers.send_item(
        {
            "id": name,
            "kind": "picture",
            "sha256": digest,
            "thumb_sha256": digest,
            "mime": mime,
            "ext": "png" if mime == "image/png" else "jpg",
        },
        "main",
    )


def own_choices(campaign_id: int) -> list[tuple[str, str]]:
    """Return (picture id, alt text) for each of a campaign's own pictures."""
    return [
        (f"{OWN_PREFIX}{row['id']}", row["alt"])
        for row in reads.campaign_pictures(get_db(), campaign_id)
    ]
