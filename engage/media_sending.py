"""Send a stored media file to a browser: the one way both wings serve a picture, video or sound."""

from __future__ import annotations

from flask import send_file

from engage.errors import refuse
from engage.services import media_files


def send_item(item: dict, variant: str):
    """Send one stored file of a media item, inline, with Range support.

    The caller decides who may see it: a respondent their own items (engage.respondent.media),
    a lead any item of the review queue after their sign-in check (engage.staff.review).
    """
    digest = {"main": item["sha256"], "thumb": item["thumb_sha256"]}.get(variant)
    mime, ext = item["mime"], item["ext"]
    if variant == "poster":
        digest, mime, ext = item["poster_sha256"], "image/jpeg", "jpg"
    elif variant == "thumb" and digest:
        mime, ext = ("image/png", "png") if item["mime"] == "image/png" else ("image/jpeg", "jpg")
    if not digest:
        refuse(404)
    path = media_files.blob_store().path(digest)
    if not path.exists():
        refuse(404)
    response = send_file(
        path,
        mimetype=mime,
        download_name=f"{item['kind']}-{item['id']}-{variant}.{ext}",
        conditional=True,
        etag=digest,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
