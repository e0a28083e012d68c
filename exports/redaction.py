"""Suggest what to redact in free text, and apply the redactions a lead confirmed.

Suggestions are deliberately generous: a lead rejects a wrong one in a click, while a missed
name could reach a published report. Offsets are Python string indexes (code points), the
same as SQLite's substr() counts them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency
from stdnum import iban
from stdnum.gb import nhs

from exports import people

KINDS = ("name", "phone", "email", "postcode", "date", "address", "other")
LABELS = {
    "name": "[name]",
    "phone": "[phone number]",
    "email": "[email]",
    "postcode": "[postcode]",
    "date": "[date]",
    "address": "[address]",
    "other": "[removed]",
}


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of text to redact: [start, end) and what kind of detail it is."""

    start: int
    end: int
    kind: str

    def text(self, source: str) -> str:
        """Return the words this span covers in `source`."""
        return source[self.start : self.end]


# What the suggester finds, finer than the kinds a redaction is stored under.
TYPES = (
    "name",
    "place",
    "nhs_number",
    "ni_number",
    "bank",
    "phone",
    "email",
    "postcode",
    "address",
    "date",
)
KIND_OF = {
    "name": "name",
    "place": "other",
    "nhs_number": "other",
    "ni_number": "other",
    "bank": "other",
    "phone": "phone",
    "email": "email",
    "postcode": "postcode",
    "address": "address",
    "date": "date",
}


@dataclass(frozen=True, order=True)
class Finding:
    """One identifier found in free text: [start, end) and its type (one of TYPES)."""

    start: int
    end: int
    type: str


_B = r"(?<![\w@.+-])"  # a number or word starts here, not in the middle of another
_MONTHS = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
    r"|Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr"
    r"|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października"
    r"|listopada|grudnia|styczeń|luty|marzec|kwiecień|maj|czerwiec|lipiec|sierpień|wrzesień"
    r"|październik|listopad|grudzień"
    r"|جنوری|فروری|مارچ|اپریل|مئی|جون|جولائی|اگست|ستمبر|اکتوبر|نومبر|دسمبر"
    r"|يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر"
    r"|نوفمبر|ديسمبر|كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين الأول"
    r"|تشرين الثاني|كانون الأول"
)
_STREETS = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Place|Terrace"
    r"|Gardens|Grove|Square|Walk|Row|Mews|Hill|Parade|View|Park"
)
_UPPER = r"[^\W\d_a-zß-ÿ]"
_WORD = rf"{_UPPER}[\w'’-]*"
# Cue words that make a bare number a bank detail or an NHS number, in the five languages.
_BANK_CUE = re.compile(
    r"(?i:sort code|account|acc no|bank|cod didoli|cyfrif|banc|konto|konta|numer rachunku"
    r"|rachunek|rachunku|اکاؤنٹ|بینک|کھاتہ|حساب|بنك|البنك|رمز الفرز)"
)
_NHS_CUE = re.compile(r"(?i:NHS|GIG|رقم الخدمة الصحية|این ایچ ایس)")
_NHS = re.compile(rf"{_B}(\d{{3}})[ \u00a0-]?(\d{{3}})[ \u00a0-]?(\d{{4}})(?!\d)")
_COUNTRY_CODE = re.compile(r"(?<![\w+])\+\d{1,3}[ \u00a0-]?$")
_NI = re.compile(
    r"(?<![\w])(?!BG|GB|KN|NK|NT|TN|ZZ)([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\s?(\d{2})\s?(\d{2})"
    r"\s?(\d{2})\s?([A-D])(?![\w])",
    re.IGNORECASE,
)
_SORT_CODE = re.compile(rf"{_B}\d{{2}}[-\u2013 ]\d{{2}}[-\u2013 ]\d{{2}}(?!\d|[-/.]\d)")
_ACCOUNT = re.compile(rf"{_B}\d{{8}}(?!\d)")
_IBAN = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?!\w)")
_NUMERIC_DATE = re.compile(
    rf"{_B}(?:(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}})"
    rf"|(\d{{1,2}})[/.-](\d{{1,2}})[/.-](\d{{2}}|\d{{4}}))(?![\d/.-]?\d)"
)
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("email", re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "postcode",
        re.compile(
            r"(?<!\w)(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\s?\d[ABD-HJLNP-UW-Z]{2}(?!\w)",
            re.IGNORECASE,
        ),
    ),
    (
        "date",
        re.compile(
            rf"(?<!\w)\d{{1,2}}(?:st|nd|rd|th|af|ed|fed|ydd|eg|\.)?\s+(?:of\s+)?(?:{_MONTHS})(?!\w)"
            rf"(?:,?\s+\d{{4}}(?:\s*(?:r\.|roku|ء|م))?)?"
            rf"|(?<!\w)(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\w)(?:,?\s+\d{{4}})?"
            rf"|(?<!\w)(?:{_MONTHS})\s+\d{{4}}(?!\d)"
        ),
    ),
    (
        "address",
        re.compile(
            rf"(?<!\w)(?i:Flat|Apartment|Fflat|Mieszkanie|فلیٹ|شقة)\s+(?:nr\s+|number\s+)?\d+[A-Za-z]?(?!\w)"
            rf"|(?<!\w)\d{{1,4}}[A-Za-z]?,?\s+(?:{_WORD}\s+){{1,3}}(?:{_STREETS})(?!\w)"
            rf"|(?<!\w)\d{{1,4}}[A-Za-z]?,?\s+(?:Heol|Ffordd|Stryd|Lôn|Rhodfa|Teras|Cilgant)\s+"
            rf"(?:(?:y|yr)\s+)?{_WORD}(?:\s{_WORD})?"
            rf"|(?<!\w)(?:{_WORD}\s+){{1,2}}(?:Street|Road|Avenue|Lane|Close|Drive|Crescent"
            rf"|Terrace|Gardens)(?!\w)(?:\s+\d{{1,4}}[A-Za-z]?(?!\w))?"
            rf"|(?<!\w)(?:Heol|Ffordd|Stryd|Lôn)\s+(?:(?:y|yr)\s+)?{_WORD}"
            rf"|(?<!\w)(?:ul\.|ulica|ulicy|ulicę|al\.|aleja)\s+(?:{_WORD}\s+){{0,2}}{_WORD}"
            rf"(?:\s+\d{{1,4}}[A-Za-z]?(?:/\d+)?)?"
            rf"|(?<!\w)(?:مکان نمبر|گھر نمبر|رقم المنزل|منزل رقم)\s*\d+"
            rf"|(?<!\w)\d{{1,4}}\s+(?:شارع|روڈ|سٹریٹ|اسٹریٹ|گلی)\s+\S+"
            rf"|(?<!\w)(?:شارع)\s+\S+(?:\s+\d{{1,4}})?"
            rf"|(?<!\w)\S+\s+(?:روڈ|سٹریٹ|اسٹریٹ)(?!\w)"
        ),
    ),
)


def _digits(text: str) -> str:
    return "".join(str(unicodedata.digit(c)) for c in text if c.isdigit())


def _numbers(text: str) -> list[Finding]:
    """Find NHS numbers, National Insurance numbers, bank details and phone numbers."""
    found: list[Finding] = []
    for match in _NHS.finditer(text):
        digits = _digits(match.group())
        cue = _NHS_CUE.search(text[max(0, match.start() - 40) : match.start()])
        if not cue and _COUNTRY_CODE.search(text, 0, match.start()):
            continue  # "+1 212 555 0199" is a phone number abroad, left to the phone finder
        if nhs.is_valid(digits) or cue:
            found.append(Finding(match.start(), match.end(), "nhs_number"))
    for match in _NI.finditer(text):
        found.append(Finding(match.start(), match.end(), "ni_number"))
    for match in _IBAN.finditer(text):
        if iban.is_valid(match.group()):
            found.append(Finding(match.start(), match.end(), "bank"))
    bank_cue = _BANK_CUE.search(text)
    for match in _SORT_CODE.finditer(text):
        if any(f.start < match.end() and match.start() < f.end for f in found):
            continue
        account = _ACCOUNT.search(text, match.end(), match.end() + 30)
        if bank_cue or account:
            found.append(Finding(match.start(), match.end(), "bank"))
        # The account number that makes a sort code a bank detail is one too, cue or none.
        if account:
            found.append(Finding(account.start(), account.end(), "bank"))
    if bank_cue:
        for match in _ACCOUNT.finditer(text):
            found.append(Finding(match.start(), match.end(), "bank"))
    taken = [(f.start, f.end) for f in found]
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE):
        if any(s < match.end and match.start < e for s, e in taken):
            continue
        raw = match.raw_string  # the matcher never starts a number with white space
        if len(_digits(raw)) < 9:
            continue
        if phonenumbers.is_valid_number(match.number) or (
            # Numbers kept for drama (07700 900xxx) are possible but not valid: written
            # whole, with the leading 0 or +, they are still a phone number to a reader.
            raw[:1] in "0+(٠۰" and phonenumbers.is_possible_number(match.number)
        ):
            found.append(Finding(match.start, match.end, "phone"))
    return found


def _dates(text: str) -> list[Finding]:
    found = []
    for match in _NUMERIC_DATE.finditer(text):
        if match.group(1):
            year, month, day = (int(_digits(match.group(i))) for i in (1, 2, 3))
        else:
            day, month, year = (int(_digits(match.group(i))) for i in (4, 5, 6))
        # Day first as in Britain, or month first as some write it.
        if 1 <= month <= 12 and 1 <= day <= 31 or 1 <= day <= 12 and 1 <= month <= 31:
            found.append(Finding(match.start(), match.end(), "date"))
    return found


def find(text: str, names: Iterable[str] = ()) -> list[Finding]:
    """Return every identifier found in `text`, each with its type; they may overlap.

    `names` are the campaign's list of people and places to always redact; each is found
    as a whole word in any case, a person's full name also by each of its parts.
    """
    found = _numbers(text)
    numbers = [(f.start, f.end) for f in found]
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if not any(s < match.end() and match.start() < e for s, e in numbers):
                found.append(Finding(match.start(), match.end(), kind))
    found += [f for f in _dates(text) if not any(s < f.end and f.start < e for s, e in numbers)]
    found += [Finding(s, e, "place") for s, e in people.find_places(text)]
    for term, place in people.listed_terms(names):
        pattern = re.escape(term).replace(r"\ ", r"\s+")
        for match in re.finditer(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE):
            found.append(Finding(match.start(), match.end(), "place" if place else "name"))
    # A word inside a place or a street ("Oakfield Care Home", "Victoria Street") is not a
    # person, and the place or address already covers it.
    covering = [f for f in found if f.type in ("place", "address")]
    for start, end in people.find_people(text):
        if not any(f.start <= start and end <= f.end for f in covering):
            found.append(Finding(start, end, "name"))
    return sorted(set(found))


def suggest(text: str, names: Iterable[str] = ()) -> list[Span]:
    """Return the spans of `text` a lead should consider redacting, in order.

    `names` are the campaign's list of people and places to always redact. Each finding of
    `find()` becomes a span of the kind it is stored under (KIND_OF); overlaps are joined.
    """
    return merge(Span(f.start, f.end, KIND_OF[f.type]) for f in find(text, names))


def merge(spans: Iterable[Span]) -> list[Span]:
    """Join overlapping spans; the joined span keeps the kind of its longest part."""
    merged: list[tuple[Span, Span]] = []  # (joined span, longest part)
    for span in sorted(s for s in spans if s.end > s.start):
        if merged and span.start < merged[-1][0].end:
            joined, longest = merged[-1]
            if span.end - span.start > longest.end - longest.start:
                longest = span
            merged[-1] = (Span(joined.start, max(joined.end, span.end), longest.kind), longest)
        else:
            merged.append((span, span))
    return [Span(joined.start, joined.end, longest.kind) for joined, longest in merged]


def apply(text: str, spans: Iterable[Span]) -> str:
    """Return `text` with each span replaced by a label such as "[name]"."""
    pieces = []
    position = 0
    for span in merge(spans):
        pieces.append(text[position : span.start])
        pieces.append(LABELS.get(span.kind, LABELS["other"]))
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def redact_quote(item_text: str, start: int, end: int, spans: Iterable[Span]) -> str:
    """Return the quote [start, end) of an item's text with the confirmed spans replaced.

    A span that runs over the quote's edge is cut to the quote, so the label still shows.
    """
    inside = [
        Span(max(s.start, start) - start, min(s.end, end) - start, s.kind)
        for s in spans
        if s.start < end and s.end > start
    ]
    return apply(item_text[start:end], inside)


_TRANSLATION_WORD = re.compile(r"[\w\u0300-\u036f\u064b-\u065f\u0670\u200c]+(?:['’\-][\w]+)*")


def scrub_translation(translation: str, item_text: str, spans: Iterable[Span]) -> str:
    """Remove from a translation every word of each span confirmed for redaction.

    A translation is written by the review team from the original, so a name it repeats,
    whole or in part ("Dafydd" after "Dafydd Jones"), would otherwise slip past the
    redaction. Each word is matched whole, in any case and script; a word is also matched
    in its Welsh radical or Polish nominative form ("Ddafydd" finds "Dafydd", "Agnieszką"
    finds "Agnieszka"). Labels that end up side by side are joined into one.
    """
    if not translation:
        return translation
    lex = people.lexicon()
    forms: dict[str, str] = {}
    for span in sorted(spans, key=lambda s: s.start - s.end):
        label = LABELS.get(span.kind, LABELS["other"])
        for word in _TRANSLATION_WORD.findall(item_text[span.start : span.end]):
            folded = people.fold(word)
            if len(folded) < 2 or folded in lex.function_words or folded in lex.titles:
                continue
            forms.setdefault(folded, label)
            # A street or place is as often mutated as a name: "Heol Ddewi" is "Dewi Road".
            if not word.isdigit():
                for form in people.name_forms(word):
                    forms.setdefault(form, label)

    def replace(match: re.Match) -> str:
        return forms.get(people.fold(match.group()), match.group())

    scrubbed = _TRANSLATION_WORD.sub(replace, translation)
    for label in set(forms.values()):
        repeated = re.escape(label) + r"(?:[ \u00a0-]+" + re.escape(label) + ")+"
        scrubbed = re.sub(repeated, label, scrubbed)
    return scrubbed
