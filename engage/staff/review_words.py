"""Find spans of an item's words from a form: numbered words, or the exact words typed."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Word:
    """One word of an item's text: its number (from 1), its offsets and how it reads."""

    number: int
    start: int
    end: int
    text: str


class SpanError(ValueError):
    """The form does not name a span of the item's words."""


def split_words(text: str) -> list[Word]:
    """Return the words of `text`, numbered from 1, with their character offsets."""
    return [
        Word(number, match.start(), match.end(), match.group())
        for number, match in enumerate(_WORD.finditer(text), start=1)
    ]


def span_from_form(text: str, form) -> tuple[int, int]:
    """Return (start, end) offsets for the span a form names.

    Typed words win: they must occur in the text exactly (the first occurrence is taken).
    Otherwise the form's first_word and last_word numbers choose whole words, in order.
    """
    typed = (form.get("words") or "").strip()
    if typed:
        found = text.find(typed)
        if found < 0:
            raise SpanError("Those exact words are not in the text.")
        return found, found + len(typed)
    words = split_words(text)
    try:
        first = int(form.get("first_word", ""))
        last = int(form.get("last_word", ""))
    except ValueError:
        raise SpanError("Choose the first and last word.") from None
    if not (1 <= first <= len(words) and 1 <= last <= len(words)):
        raise SpanError("Choose words from the text.")
    if last < first:
        raise SpanError("The last word must come after the first word.")
    return words[first - 1].start, words[last - 1].end
