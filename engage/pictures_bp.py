"""Serve the built-in picture library."""

from __future__ import annotations

from flask import Blueprint, abort, send_file

from media import pictures

bp = Blueprint("pictures", __name__, url_prefix="/pictures")

MIMETYPES = {"webp": "image/webp", "png": "image/png"}


@bp.get("/<int:size>/<picture_id>.<fmt>")
def picture(size: int, picture_id: str, fmt: str):
    """Send one library picture, cached for a day."""
    path = pictures.file_for(picture_id, size, fmt)
    if path is None:
        abort(404)
    return send_file(path, mimetype=MIMETYPES[fmt], max_age=86400)
