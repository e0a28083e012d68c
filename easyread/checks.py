"""Check text against easy-read rules: short sentences, short words, no jargon.

Each check returns plain-English messages (or words), so a form can show them
live while a lead types, and the content validator can report them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_WORDS = 15
MAX_LETTERS = 12

# Full stop, question and exclamation marks, ellipsis, and the Arabic question mark and
# Urdu full stop, so translations split into sentences too. The mark must be followed by
# a space, so "1.5" stays whole; closing quotes and brackets stay with their sentence.
_SENTENCE_END = re.compile(r"[.!?\u2026\u061f\u06d4]+[\"'\u2019\u201d)\]]*(?=\s)")

# Two letters in capitals are usually everyday words, not short forms to spell out.
_ALLOWED_CAPITALS = frozenset({"OK", "TV"})

# Words that put people off or that few people outside social care know, with an
# everyday way to say the same thing.
JARGON = {
    "assessment": "a meeting to find out what help you need",
    "capacity": "being able to make a decision",
    "care package": "the support you get",
    "co-production": "working together as equals",
    "commissioned": "paid for",
    "commissioner": "the person who buys services",
    "commissioning": "buying services",
    "domiciliary": "at home",
    "eligibility": "who can get help",
    "eligible": "able to get",
    "facilitate": "help",
    "holistic": "looking at your whole life",
    "integrated": "joined up",
    "integration": "working together",
    "multidisciplinary": "different kinds of staff working together",
    "multi-disciplinary": "different kinds of staff working together",
    "outcome": "what changed for you",
    "pathway": "the steps you go through",
    "personalisation": "support that fits you",
    "personalised": "made for you",
    "personalization": "support that fits you",
    "provision": "help",
    "reablement": "short help to do things for yourself again",
    "respite": "a short break",
    "safeguarding": "keeping people safe from harm",
    "service user": "person who gets support",
    "signposting": "telling you where to get help",
    "stakeholder": "people who are involved",
    "statutory": "by law",
    "transition": "a move or a change",
    "utilise": "use",
}


def _is_word(token: str) -> bool:
    return any(character.isalnum() for character in token)


def sentences(text: str) -> list[str]:
    """Split text into sentences; a line break also ends a sentence."""
    found = []
    for line in text.splitlines():
        start = 0
        for match in _SENTENCE_END.finditer(line):
            found.append(line[start : match.end()].strip())
            start = match.end()
        found.append(line[start:].strip())
    return [sentence for sentence in found if any(_is_word(t) for t in sentence.split())]


def word_count(sentence: str) -> int:
    """Count words: a hyphenated word is one word, numbers count, lone dashes do not."""
    return sum(1 for token in sentence.split() if _is_word(token))


def sentence_problems(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """Return a message for each sentence longer than max_words."""
    problems = []
    for sentence in sentences(text):
        count = word_count(sentence)
        if count > max_words:
            problems.append(
                f'This sentence has {count} words. Use {max_words} or fewer: "{sentence}"'
            )
    return problems


def _bare(token: str) -> str:
    return token.strip("\"'\u2018\u2019\u201c\u201d()[]{}.,;:!?\u2026\u061f\u06d4")


def long_words(text: str, max_letters: int = MAX_LETTERS) -> list[str]:
    """Return the words with more than max_letters letters, once each, in order.

    Each part of a hyphenated word is measured on its own: "well-known" is two short parts.
    """
    found: list[str] = []
    for token in text.split():
        for part in _bare(token).split("-"):
            part = _bare(part)
            if sum(character.isalpha() for character in part) > max_letters and part not in found:
                found.append(part)
    return found


def _acronym(token: str) -> str | None:
    word = _bare(token)
    # "GPs" and "GP's" are still short forms; drop the plural to judge the rest.
    stem = re.sub(r"(?:'s|\u2019s|s)$", "", word)
    letters = [character for character in stem if character.isalpha()]
    capitals = sum(character.isupper() for character in letters)
    if capitals >= 2 and capitals == len(letters) and stem not in _ALLOWED_CAPITALS:
        return word
    return None


def _term_pattern(term: str) -> re.Pattern[str]:
    # Spaces in a term also match hyphens, and a plural "s" or "es" still matches.
    parts = [re.escape(part) for part in term.split()]
    return re.compile(r"\b" + r"[\s-]+".join(parts) + r"(?:s|es)?\b", re.IGNORECASE)


_JARGON_PATTERNS = {term: _term_pattern(term) for term in JARGON}


def jargon_problems(text: str, extra_terms: Iterable[str] = ()) -> list[str]:
    """Return a message for each short form in capitals and each hard word found.

    extra_terms adds words a campaign wants people to avoid, on top of the built-in list.
    """
    problems = []
    seen_acronyms = set()
    for token in text.split():
        acronym = _acronym(token)
        if acronym and acronym not in seen_acronyms:
            seen_acronyms.add(acronym)
            problems.append(
                f'Write "{acronym}" out in full words. Many people do not know short forms.'
            )
    checks = [(term, _JARGON_PATTERNS[term], JARGON[term]) for term in JARGON]
    checks += [(term, _term_pattern(term), None) for term in extra_terms if term.strip()]
    hits = []
    for _term, pattern, plainer in checks:
        match = pattern.search(text)
        if match:
            hits.append((match.start(), match.group(0), plainer))
    for _, found, plainer in sorted(hits, key=lambda hit: hit[0]):
        advice = f'Try "{plainer}".' if plainer else "Use an everyday word, or explain it."
        problems.append(f'The word "{found}" may be hard to understand. {advice}')
    return problems


_YES_NO_OPENERS = frozenset({
    "am", "are", "can", "could", "did", "do", "does", "had", "has", "have", "is", "may",
    "might", "must", "shall", "should", "was", "were", "will", "would",
})  # fmt: skip


def question_form_problems(text: str) -> list[str]:
    """Return messages if an English question invites a plain yes or no answer.

    People with a learning disability often say yes to yes-or-no questions, so an open
    question that starts with "How" gives truer answers on a faces scale.
    """
    problems = []
    words = text.split()
    if words and _bare(words[0]).lower() in _YES_NO_OPENERS:
        problems.append(
            f'"{words[0]}" starts a yes-or-no question. Try an open question, such as "How is..."'
        )
    if not text.rstrip().endswith("?"):
        problems.append("End the question with a question mark.")
    return problems
