"""Find words of concern in free text: plain string work, no app or database."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _

PHRASE_LIMIT = 80


def normalise(text: str) -> str:
    """Lower-case the text and reduce every run of non-letters to one space.

    An apostrophe inside a word ("don't") stays; one that quotes words ('hits me') goes, or
    quoting a phrase would hide it.
    """
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"(?<!\w)'|'(?!\w)", " ", text)
    return " ".join(re.sub(r"[^\w']+", " ", text).split())


def find_concern(text: str, phrases: Iterable[str]) -> str | None:
    """Return the first phrase found whole in the text (any case, any punctuation), or None."""
    plain = f" {normalise(text)} "
    for phrase in phrases:
        wanted = normalise(phrase)
        if wanted and f" {wanted} " in plain:
            return phrase
    return None


def clean_phrase(typed: str) -> tuple[str, str | None]:
    """Return (phrase, problem) for a phrase a lead typed."""
    phrase = " ".join(typed.split())
    if not normalise(phrase):
        return phrase, _("Type a word or phrase.")
    if len(phrase) > PHRASE_LIMIT:
        return phrase, _("Use %(n)s characters or fewer.", n=PHRASE_LIMIT)
    return phrase, None
