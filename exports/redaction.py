"""Suggest what to redact in free text, and apply the redactions a lead confirmed.

Suggestions are deliberately generous: a lead rejects a wrong one in a click, while a missed
name could reach a published report. Offsets are Python string indexes (code points), the
same as SQLite's substr() counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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


_NAME = r"[A-Z][a-z'\u2019-]+(?:[ -][A-Z][a-z'\u2019-]+)?"
_MONTHS = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
    r"|Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr"
)
_STREETS = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Place|Terrace"
    r"|Gardens|Grove|Square|Walk|Row|Mews|Hill|Parade"
)

# Each pattern's group 1, when present, is the part to redact; otherwise the whole match.
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("email", re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "phone",
        re.compile(
            r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,9}(?!\d)"
            r"|\(0\d{3,4}\)\s?\d{3}[\s-]?\d{3,4}(?!\d)"
        ),
    ),
    (
        "postcode",
        re.compile(
            r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\s?\d[ABD-HJLNP-UW-Z]{2}\b",
            re.IGNORECASE,
        ),
    ),
    ("date", re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")),
    (
        "date",
        re.compile(
            rf"\b\d{{1,2}}(?:st|nd|rd|th|af|ed|fed|ydd)?\s+(?:of\s+)?(?:{_MONTHS})\b"
            rf"(?:,?\s+\d{{4}})?"
            rf"|\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
            rf"|\b(?:{_MONTHS})\s+\d{{4}}\b"
        ),
    ),
    (
        "address",
        re.compile(
            rf"\b(?:Flat|Apartment|Fflat)\s+\d+[A-Za-z]?\b"
            rf"|\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][a-z']+\s+){{1,3}}(?:{_STREETS})\b"
            rf"|\b\d{{1,4}}[A-Za-z]?,?\s+(?:Heol|Ffordd|Stryd|Lôn|Rhodfa)\s+(?:(?:y|yr)\s+)?[A-Z]\w+(?:\s[A-Z]\w+)?"
            rf"|\b(?:[A-Z][a-z']+\s+){{1,2}}(?:Street|Road|Avenue|Lane|Close|Drive|Crescent"
            rf"|Terrace|Gardens)\b"
        ),
    ),
    (
        "name",
        re.compile(
            rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Nurse|Sister|Auntie|Uncle)\.?\s+{_NAME}"
        ),
    ),
    (
        "name",
        re.compile(
            r"(?i:\b(?:my name is|my name's|i am called|i'm called|call me|called|named"
            r"|fy enw i yw|fy enw i ydy|fy enw yw))"
            rf"\s+({_NAME})"
        ),
    ),
    (
        "name",
        re.compile(
            r"(?i:\bmy\s+(?:carer|support worker|social worker|key worker|worker|son|daughter"
            r"|wife|husband|partner|mum|mother|dad|father|brother|sister|friend|nurse|doctor"
            r"|advocate|neighbour|manager|gofalwr|mab|merch|chwaer|brawd|ffrind)(?:\s+is)?)"
            rf"\s+({_NAME})"
        ),
    ),
)


def suggest(text: str, names: Iterable[str] = ()) -> list[Span]:
    """Return the spans of `text` a lead should consider redacting, in order.

    `names` are names known from the campaign's own records (staff, services, people a lead
    listed); each is found case-insensitively as a whole word.
    """
    spans: list[Span] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            group = 1 if pattern.groups and match.group(1) is not None else 0
            spans.append(Span(match.start(group), match.end(group), kind))
    known = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if known:
        alternatives = "|".join(re.escape(name) for name in known)
        for match in re.finditer(rf"(?<!\w)(?:{alternatives})(?!\w)", text, re.IGNORECASE):
            spans.append(Span(match.start(), match.end(), "name"))
    return merge(spans)


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


def scrub_translation(translation: str, item_text: str, spans: Iterable[Span]) -> str:
    """Remove from a translation any words that were confirmed for redaction in the original.

    A translation is written by the review team from the original, so a name it repeats
    would otherwise slip past the redaction.
    """
    result = translation
    if not result:
        return result
    for span in sorted(spans, key=lambda s: s.start - s.end):
        words = item_text[span.start : span.end].strip()
        if len(words) >= 2:
            label = LABELS.get(span.kind, LABELS["other"])
            result = re.sub(rf"(?<!\w){re.escape(words)}(?!\w)", label, result, flags=re.I)
    return result
