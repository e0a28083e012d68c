"""Serve pictures: the built-in library, and the pictures leads added to their campaigns."""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path

from flask import Blueprint, Flask, abort, send_file
from markupsafe import Markup, escape

from engage import picture_uploads, settings, store
from engage.errors import refuse
from engage.picture_uploads import OWN_PREFIX
from engage.store import get_db
from media import pictures

bp = Blueprint("pictures", __name__, url_prefix="/pictures")

MIMETYPES = {"webp": "image/webp", "png": "image/png"}


@bp.get("/<int:size>/<picture_id>.<fmt>")
def picture(size: int, picture_id: str, fmt: str):
    """Send one library picture, cached for a day."""
    path = pictures.file_for(picture_id, size, fmt)
    if path is None:
        abort(404)
    data, tag = _picture_bytes(str(path))
    # From memory: a page shows a dozen pictures, and a browser that leaves a page mid-load
    # left open file handles behind in the development server.
    return send_file(
        io.BytesIO(data), mimetype=MIMETYPES[fmt], max_age=86400, etag=tag, conditional=True
    )


@bp.get("/own/<int:picture_id>/<size>")
def own_picture_file(picture_id: int, size: str):
    """Send a lead's own picture (questions show it to respondents, so it is public)."""
    found = store.media.campaign_picture(get_db(), picture_id)
    if found is None or size not in ("large", "small"):
        refuse(404)
    digest = found["large_sha256"] if size == "large" else found["small_sha256"]
    return picture_uploads.picture_file(digest, found["mime"], f"picture-{picture_id}-{size}")


@functools.lru_cache(maxsize=1024)
def _picture_bytes(path: str) -> tuple[bytes, str]:
    """Return a library picture's bytes and a tag for conditional requests, read once."""
    data = Path(path).read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:32]


@functools.lru_cache(maxsize=4096)
def picture_sources(picture_id: str) -> dict[str, str]:
    """Return the URLs of a picture's sizes and formats.

    Built as plain strings rather than with url_for: a page shows a dozen pictures and
    url_for for each of their four files was a large share of the page's render time. An
    "own-<number>" id is a lead's own picture, kept at two sizes.
    """
    if picture_id.startswith(OWN_PREFIX):
        number = picture_id.removeprefix(OWN_PREFIX)
        small = f"{bp.url_prefix}/own/{number}/small"
        large = f"{bp.url_prefix}/own/{number}/large"
        return {"webp96": small, "webp192": large, "png96": small, "png192": large}
    return {
        f"{fmt}{size}": f"{bp.url_prefix}/{size}/{picture_id}.{fmt}"
        for size in pictures.SIZES
        for fmt in MIMETYPES
    }


def picture_markup(
    picture_id: str, alt: str, size: int = 96, lazy: bool = False, class_: str = "picture"
) -> Markup:
    """Return a picture at a size, WebP with a PNG fallback, or nothing when pictures are off.

    Made in Python rather than as a macro because a page shows a dozen pictures.
    """
    if settings.current()["pictures"] != "on":
        return Markup("")
    src = picture_sources(picture_id)
    small = "192" if size > 96 else "96"
    loading = ' loading="lazy"' if lazy else ""
    # Every variable part is escaped (the sources are built from a checked picture id).
    return Markup(  # noqa: S704
        f'<picture>\n  <source type="image/webp" srcset="{escape(src["webp" + small])} 1x, '
        f'{escape(src["webp192"])} 2x">\n  <img class="{escape(class_)}" '
        f'src="{escape(src["png" + small])}" alt="{escape(alt)}" width="{int(size)}" '
        f'height="{int(size)}"{loading}>\n</picture>'
    )


def init_app(app: Flask) -> None:
    """Register the blueprint and the template helper for picture URLs."""
    app.register_blueprint(bp)
    app.jinja_env.globals["picture_markup"] = picture_markup
