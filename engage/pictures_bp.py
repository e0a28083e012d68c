"""Serve the built-in picture library."""

from __future__ import annotations

import functools

from flask import Blueprint, Flask, abort, send_file

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


@functools.lru_cache(maxsize=4096)
def picture_sources(picture_id: str) -> dict[str, str]:
    """Return the URLs of a picture's sizes and formats.

    Built as plain strings rather than with url_for: a page shows a dozen pictures and
    url_for for each of their four files was a large share of the page's render time.
    """
    return {
        f"{fmt}{size}": f"{bp.url_prefix}/{size}/{picture_id}.{fmt}"
        for size in pictures.SIZES
        for fmt in MIMETYPES
    }


def init_app(app: Flask) -> None:
    """Register the blueprint and the template helper for picture URLs."""
    app.register_blueprint(bp)
    app.jinja_env.globals["picture_sources"] = picture_sources
