"""Make safe copies of people's pictures: right way up, no metadata, two sizes.

Used for photos and drawings given as answers, and for any other picture people upload (a
lead's own picture, say). Only JPEG, PNG and WebP are decoded; the size is checked before any
pixel is decoded, and Pillow's decompression-bomb warning is treated as a refusal.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from media.probe import MediaRefused, check_image

PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
# Phone photos are 12 to 16 million pixels; at 4 bytes a pixel, one decoded copy is 64 MB.
MAX_PIXELS = 4096 * 4096
# A drawing comes from a tablet's canvas: even a large screen at 3x is well under this.
DRAWING_MAX_SIDE = 4096
FULL_SIDE = 2048
THUMB_SIDE = 480
JPEG_QUALITY = 85


@dataclass
class Rendition:
    """One re-encoded size of a picture."""

    data: bytes
    width: int
    height: int
    mime: str
    ext: str


@dataclass
class SafeImage:
    """A picture re-encoded without metadata, at full and thumbnail size."""

    source_kind: str
    full: Rendition
    thumb: Rendition


def process_image(
    path: str | os.PathLike,
    *,
    allowed: tuple[str, ...] = ("jpeg", "png", "webp"),
    max_pixels: int = MAX_PIXELS,
    max_side: int | None = None,
    full_side: int = FULL_SIDE,
    thumb_side: int = THUMB_SIDE,
) -> SafeImage:
    """Check a picture file and return clean copies of it; raise MediaRefused if it is unsafe.

    The size is read from the file's header and checked before any pixel is decoded. A JPEG is
    decoded straight at the smallest scale that still fills the full size (Pillow's draft mode),
    and the picture is shrunk in place before anything else is done with it, so at most one
    full-size copy is ever held. A PNG stays a PNG (drawings are line art and may be
    transparent); other pictures become JPEG.
    """
    kind = check_image(path, allowed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=[PILLOW_FORMATS[kind]]) as image:
                _check_size(image.size, max_pixels, max_side)
                if kind == "jpeg":
                    image.draft("RGB", (full_side, full_side))
                image.load()
                if image.mode == "1":
                    # Pillow shrinks one-bit pictures only by dropping pixels; grey keeps lines.
                    image = image.convert("L")
                image.thumbnail((full_side, full_side), Image.Resampling.LANCZOS)
                upright = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise MediaRefused("too_big", "decompression bomb") from None
        except MediaRefused:
            raise
        except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError) as error:
            raise MediaRefused("unreadable", str(error)) from None
    keep_png = kind == "png"
    return SafeImage(
        source_kind=kind,
        full=_render(upright, full_side, keep_png),
        thumb=_render(upright, thumb_side, keep_png),
    )


def _check_size(size: tuple[int, int], max_pixels: int, max_side: int | None) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise MediaRefused("unreadable", "no pixels")
    if width * height > max_pixels:
        raise MediaRefused("too_big", f"{width} x {height} pixels")
    if max_side is not None and max(width, height) > max_side:
        raise MediaRefused("too_big", f"{width} x {height} pixels")


def _render(image: Image.Image, side: int, keep_png: bool) -> Rendition:
    """Re-encode a copy no larger than side x side, carrying no metadata at all."""
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    # A fresh image holds only pixels: no EXIF, XMP, ICC profile or text chunks survive.
    if keep_png:
        mode = "RGBA" if copy.mode in ("RGBA", "LA", "P", "PA") else "RGB"
        clean = Image.new(mode, copy.size)
        clean.paste(copy.convert(mode))
        buffer = io.BytesIO()
        clean.save(buffer, format="PNG", optimize=True)
        return Rendition(buffer.getvalue(), *clean.size, "image/png", "png")
    clean = Image.new("RGB", copy.size, "white")
    if copy.mode in ("RGBA", "LA", "PA") or (copy.mode == "P" and "transparency" in copy.info):
        rgba = copy.convert("RGBA")
        clean.paste(rgba, mask=rgba.getchannel("A"))
    else:
        clean.paste(copy.convert("RGB"))
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return Rendition(buffer.getvalue(), *clean.size, "image/jpeg", "jpg")


def process_drawing(path: str | os.PathLike) -> SafeImage:
    """Check a drawing from the canvas: it must be a PNG of a sensible size."""
    return process_image(path, allowed=("png",), max_side=DRAWING_MAX_SIDE)
