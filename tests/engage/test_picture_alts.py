"""Every description a page gives a library picture says what the picture shows.

A page may word a picture's description its own way, but it must name the same thing as the
library's description: a megaphone is not "two people talking".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engage.respondent.media_kinds import CONSENT_CHOICES, KINDS
from engage.vocab import ALWAYS_CHOICES, ANSWERED_HOW, RESPONDENT_GROUPS, SCALE_CHOICES
from media import pictures

ROOT = Path(__file__).resolve().parents[2]
# Small words every description shares; what is left names the things in the picture.
COMMON = {"with", "for", "that", "this", "your", "what", "the", "and", "from", "into", "its"}
IN_TEMPLATE = (
    re.compile(r'picture\(\s*"([a-z0-9-]+)"\s*,\s*_\("([^"]+)"\)'),
    re.compile(r'"picture":\s*"([a-z0-9-]+)",\s*"alt":\s*_\("([^"]+)"\)'),
)


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z]{3,}", text.lower())} - COMMON


def given_descriptions() -> list[tuple[str, str, str]]:
    """Return (where, picture, description) for every description the app gives a picture."""
    found = []
    for template in sorted((ROOT / "engage").rglob("*.html")):
        text = template.read_text()
        for pattern in IN_TEMPLATE:
            for match in pattern.finditer(text):
                found.append((str(template.relative_to(ROOT)), match[1], match[2]))
    choices = [*RESPONDENT_GROUPS.values(), *ANSWERED_HOW.values(), *SCALE_CHOICES.values()]
    for choice in [*choices, *ALWAYS_CHOICES]:
        found.append(("engage/vocab.py", choice.picture, str(choice.alt)))
    for kind in KINDS.values():
        found.append(("engage/respondent/media_kinds.py", kind.picture, str(kind.alt)))
    for consent in CONSENT_CHOICES.values():
        found.append(("engage/respondent/media_kinds.py", consent["picture"], str(consent["alt"])))
    return found


def test_the_known_contradictions_are_gone():
    given = {(picture, alt) for _, picture, alt in given_descriptions()}
    for picture, wrong in (
        ("advocate", "Two people talking"),
        ("check", "A tick in a box"),
        ("thank-you", "Hands held together to say thank you"),
    ):
        assert (picture, wrong) not in given
        assert any(p == picture for p, _ in given), picture


def test_the_search_finds_descriptions_everywhere():
    # Templates, the fixed choices and the media kinds are all read.
    wheres = {where for where, _, _ in given_descriptions()}
    assert {"engage/vocab.py", "engage/respondent/media_kinds.py"} <= wheres
    assert sum(where.endswith(".html") for where in wheres) >= 8


@pytest.mark.parametrize(
    ("where", "picture", "alt"), given_descriptions(), ids=lambda v: str(v)[:40]
)
def test_each_description_names_what_the_library_picture_shows(where, picture, alt):
    library = pictures.default_alt(picture)
    assert _words(alt) & _words(library), f"{where}: {picture} is {library!r}, not {alt!r}"
