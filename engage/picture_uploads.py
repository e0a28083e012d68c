"""Take the pictures that staff upload over the web: a group's photo, a lead's own picture.

The cleaning and keeping is engage.services.pictures; this refuses in easy-read words.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from engage import media_sending, store
from engage.errors import refuse
from engage.services.pictures import FileTooLarge, keep_picture
from engage.store import get_db
from media.probe import MediaRefused

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


def cleaned_upload(field: str, max_bytes: int) -> tuple[str, str, str]:
    """Clean the picture sent in a form field; return (full digest, small digest, mime).

    Refuse (400, 413, 503) when there is no file, it is too large, it is not a safe picture,
    or every processing slot is busy.
    """
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        refuse(400, _("Choose a photo"), [_("Choose the photo to add.")])
    try:
        return keep_picture(upload.save, max_bytes)
    except FileTooLarge:
        refuse(413, _("The picture is too big"), refusal_lines("too_big"))
    except MediaRefused as problem:
        if problem.reason == "busy":
            refuse(503, _("Sorry, we are busy right now"), refusal_lines("busy"))
        refuse(400, _("We cannot use this picture"), refusal_lines(problem.reason))


def picture_file(digest: str, mime: str, name: str):
    """Send one kept picture, to be cached only privately."""
    return media_sending.send_item(
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
        for row in store.media.campaign_pictures(get_db(), campaign_id)
    ]
