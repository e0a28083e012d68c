"""The one-page easy-read invitation for families: the same words on the web page, the PNG
and the PDF, drawn at A4 with big pictures and a QR code."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from media import pictures

# A4 at 150 dots per inch: 210 x 297 mm.
DPI = 150
PAGE_SIZE = (1240, 1754)
MARGIN = 90
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
TEXT_COLOUR = (11, 12, 12)
NO_CONTACT = "Ask the person who gave you this paper."


@dataclass(frozen=True)
class Invitation:
    """What the invitation says for one campaign."""

    title: str
    link: str
    help_contact: str

    def rows(self) -> list[tuple[str, str]]:
        """Return (picture id, sentence) for each easy-read line before the QR code."""
        return [
            ("questions", "We want to know what you think."),
            ("family", "Tell us about your care and support."),
            ("pause", "You can stop and come back later."),
        ]

    @property
    def help_line(self) -> str:
        return self.help_contact or NO_CONTACT


def qr_code(link: str) -> segno.QRCode:
    """Return the QR code of a link, with enough error correction to survive a crease."""
    return segno.make_qr(link, error="m")


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Break text into lines that fit a width, breaking inside a word only if it must."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = word
        while draw.textlength(current, font=font) > width:
            cut = len(current)
            while cut > 1 and draw.textlength(current[:cut], font=font) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def _picture(picture_id: str, size: int) -> Image.Image:
    path = pictures.file_for(picture_id, 192, "png")
    if path is None:
        raise KeyError(picture_id)
    with Image.open(path) as source:
        return source.convert("RGBA").resize((size, size), Image.Resampling.LANCZOS)


def render_image(invitation: Invitation) -> Image.Image:
    """Draw the invitation on an A4 page."""
    page = Image.new("RGB", PAGE_SIZE, "white")
    draw = ImageDraw.Draw(page)
    width = PAGE_SIZE[0] - 2 * MARGIN
    title_font, body_font, link_font = _font(BOLD, 60), _font(REGULAR, 46), _font(BOLD, 36)
    y = MARGIN
    for line in _wrap(draw, invitation.title, title_font, width):
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT_COLOUR)
        y += 76
    y += 30
    picture_size = 150
    text_x = MARGIN + picture_size + 40

    def row(picture_id: str, sentence: str, font=body_font) -> None:
        nonlocal y
        picture = _picture(picture_id, picture_size)
        page.paste(picture, (MARGIN, y), picture)
        lines = _wrap(draw, sentence, font, PAGE_SIZE[0] - MARGIN - text_x)
        text_y = y + max(0, (picture_size - 58 * len(lines)) // 2)
        for line in lines:
            draw.text((text_x, text_y), line, font=font, fill=TEXT_COLOUR)
            text_y += 58
        y = max(y + picture_size, text_y) + 30

    for picture_id, sentence in invitation.rows():
        row(picture_id, sentence)
    row("camera", "Point your phone camera at this square.")
    qr_side = 440
    qr_png = io.BytesIO()
    qr_code(invitation.link).save(qr_png, kind="png", scale=10, border=3)
    qr_png.seek(0)
    with Image.open(qr_png) as drawn:
        qr = drawn.convert("RGB").resize((qr_side, qr_side), Image.Resampling.NEAREST)
    page.paste(qr, ((PAGE_SIZE[0] - qr_side) // 2, y))
    y += qr_side + 20
    draw.text((MARGIN, y), "Or type this link:", font=body_font, fill=TEXT_COLOUR)
    y += 60
    for line in _wrap(draw, invitation.link, link_font, width):
        draw.text((MARGIN, y), line, font=link_font, fill=TEXT_COLOUR)
        y += 48
    y += 30
    row("help", f"Need help? {invitation.help_line}")
    return page


def render_png(invitation: Invitation) -> bytes:
    """Return the invitation as a PNG at 150 dots per inch."""
    buffer = io.BytesIO()
    render_image(invitation).save(buffer, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()


def render_pdf(invitation: Invitation) -> bytes:
    """Return the invitation as a one-page A4 PDF."""
    buffer = io.BytesIO()
    render_image(invitation).save(buffer, format="PDF", resolution=DPI, title=invitation.title)
    return buffer.getvalue()
