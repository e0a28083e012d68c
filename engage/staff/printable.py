"""The one-page easy-read invitation for families: the same words on the web page, the PNG
and the PDF, at A4 with big pictures and a QR code.

The PDF is real text, one page for each of the campaign's languages, laid out from HTML by
WeasyPrint (HarfBuzz shapes Arabic and Urdu) and tagged as PDF/UA, so it can be searched,
copied and read aloud. The PNG is a picture of the English page, for printers and messages
that take only pictures.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pypdf
import segno
import weasyprint
from flask import render_template
from flask_babel import force_locale, format_date, gettext
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageDraw, ImageFont

from engage.i18n import direction
from media import pictures

# A4 at 150 dots per inch: 210 x 297 mm.
DPI = 150
PAGE_SIZE = (1240, 1754)
MARGIN = 90
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
TEXT_COLOUR = (11, 12, 12)
ROWS = (
    ("questions", _l("We want to know what you think.")),
    ("family", _l("Tell us about your care and support.")),
    ("pause", _l("You can stop and come back later.")),
)


@dataclass(frozen=True)
class Invitation:
    """What the invitation says for one campaign."""

    title: str
    link: str
    help_contact: str
    closes_on: date | None = None

    def rows(self) -> list[tuple[str, str]]:
        """Return (picture id, sentence) for each easy-read line before the QR code."""
        return [(picture_id, str(sentence)) for picture_id, sentence in ROWS]

    @property
    def camera_line(self) -> str:
        return gettext("Point your phone camera at this square.")

    @property
    def link_line(self) -> str:
        return gettext("Or type this link:")

    @property
    def closing_line(self) -> str:
        """Say until when people can answer, in the current language, or "" with no date."""
        if self.closes_on is None:
            return ""
        return gettext("You can answer until %(day)s.", day=format_date(self.closes_on, "long"))

    @property
    def help_line(self) -> str:
        # The contact is the lead's own words, in whatever language they typed it.
        return self.help_contact or gettext("Ask the person who gave you this paper.")


@dataclass(frozen=True)
class Section:
    """The invitation's words in one language: one page of the PDF."""

    language: str
    direction: str
    rows: list[tuple[str, str]]
    closing_line: str
    camera_line: str
    link_line: str
    need_help: str
    help_line: str
    help_direction: str
    qr_alt: str


def text_direction(text: str, language: str) -> str:
    """Return the direction of text by its first letter with a direction, else the language's.

    The lead types the title and help contact in one language; each page shows them as typed.
    """
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return direction(language)


def section(invitation: Invitation, language: str) -> Section:
    """Return the invitation's words in one language."""
    with force_locale(language):
        return Section(
            language=language,
            direction=direction(language),
            rows=invitation.rows(),
            closing_line=invitation.closing_line,
            camera_line=invitation.camera_line,
            link_line=invitation.link_line,
            need_help=gettext("Need help?"),
            help_line=invitation.help_line,
            help_direction=text_direction(invitation.help_line, language),
            qr_alt=gettext("A QR code that opens %(link)s", link=invitation.link),
        )


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
    if invitation.closing_line:
        row("clock", invitation.closing_line)
    row("camera", invitation.camera_line)
    qr_side = 440 if invitation.closes_on is None else 320
    qr_png = io.BytesIO()
    qr_code(invitation.link).save(qr_png, kind="png", scale=10, border=3)
    qr_png.seek(0)
    with Image.open(qr_png) as drawn:
        qr = drawn.convert("RGB").resize((qr_side, qr_side), Image.Resampling.NEAREST)
    page.paste(qr, ((PAGE_SIZE[0] - qr_side) // 2, y))
    y += qr_side + 20
    draw.text((MARGIN, y), invitation.link_line, font=body_font, fill=TEXT_COLOUR)
    y += 60
    for line in _wrap(draw, invitation.link, link_font, width):
        draw.text((MARGIN, y), line, font=link_font, fill=TEXT_COLOUR)
        y += 48
    y += 30
    row("help", f"{gettext('Need help?')} {invitation.help_line}")
    return page


def render_png(invitation: Invitation) -> bytes:
    """Return the English invitation as a PNG at 150 dots per inch."""
    buffer = io.BytesIO()
    # Pillow here draws glyphs one by one, with no shaping: right for English only.
    with force_locale("en"):
        image = render_image(invitation)
    image.save(buffer, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()


def _picture_uri(picture_id: str) -> str:
    path = pictures.file_for(picture_id, 192, "png")
    if path is None:
        raise KeyError(picture_id)
    return path.as_uri()


def render_pdf(invitation: Invitation, languages: list[str]) -> bytes:
    """Return the invitation as a tagged A4 PDF with one page for each language, in order."""
    sections = [section(invitation, language) for language in languages]
    first = sections[0].language
    with force_locale(first):
        document_title = gettext("Invitation: %(title)s", title=invitation.title)
    page = render_template(
        "staff/invitation_pdf.html",
        document_title=document_title,
        language=first,
        invitation=invitation,
        title_direction=text_direction(invitation.title, first),
        sections=sections,
        qr_data_uri=qr_code(invitation.link).svg_data_uri(scale=8, border=2),
        picture_uri=_picture_uri,
    )
    drawn = weasyprint.HTML(string=page, url_fetcher=_PictureFetcher()).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return _with_section_languages(drawn, [s.language for s in sections])


def _with_section_languages(pdf: bytes, languages: list[str]) -> bytes:
    """Mark each language's section of a tagged PDF with its language.

    The renderer gives the document one language; a screen reader would then read the Welsh,
    Polish, Urdu and Arabic pages with an English voice. Each <section> becomes one /Sect
    element, in page order, so each takes its page's language.
    """
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter(clone_from=reader)
    # A copy starts as PDF 1.3; tagged PDF/UA needs the version the renderer wrote.
    writer.pdf_header = reader.pdf_header
    document = writer.root_object["/StructTreeRoot"]["/K"].get_object()
    if isinstance(document, pypdf.generic.ArrayObject):
        (document,) = (kid.get_object() for kid in document)
    sections = [kid.get_object() for kid in document["/K"] if kid.get_object().get("/S") == "/Sect"]
    if len(sections) != len(languages):
        raise ValueError("the tagged PDF does not have one section per language")
    for element, language in zip(sections, languages, strict=True):
        element[pypdf.generic.NameObject("/Lang")] = pypdf.generic.TextStringObject(language)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class _PictureFetcher(weasyprint.URLFetcher):
    """Fetch only the library's own pictures and the inline QR code.

    The page holds the lead's words: nothing they type may make the renderer read another
    file or reach the network.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self._allowed = {
            _picture_uri(picture_id)
            for picture_id in (*(row[0] for row in ROWS), "clock", "camera", "help")
        }

    def fetch(self, url: str, headers=None):
        if url in self._allowed or url.startswith("data:image/svg+xml"):
            return super().fetch(url, headers)
        raise ValueError("not an invitation picture")
