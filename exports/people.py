"""Find people's names, and the places a campaign names, in free text in any of five languages.

Names come from two sources: the given names and surnames that Faker ships for Britain,
Poland, South Asia and the Arab world, with the project's own lists for what those lack
(Welsh names, Urdu script: `data/names.yaml`); and cue words around a word ("my son",
"fy mab", "mój syn", "میرا بیٹا", "ابني", "Sharon on nights"). A listed name counts on
its own unless it is also an ordinary word ("Hope", "Will", "نور"); then it needs a cue, a
title or a second name beside it. In Arabic script, where many names are everyday words,
only the common names of the project's list count on their own. Welsh mutations ("Ddafydd")
and Polish case endings ("Agnieszką", "Marka") are undone, to Welsh and Polish names only,
before a word is looked up. Arabic and Urdu spellings are folded together (hamza forms, yeh,
kaf, heh, teh marbuta; no diacritics).
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

_FAKER_NAME_LISTS = (
    "en_GB",
    "en_US",
    "en_IN",
    "en_PK",
    "pl_PL",
    "ar_AA",
    "ar_SA",
    "ar_PS",
    "fa_IR",
)
_FAKER_WORD_LISTS = ("en_US", "pl_PL", "ar_AA")
_DATA = Path(__file__).with_name("data") / "names.yaml"

_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d"
_LETTER = rf"(?:[^\W\d_]|[{_MARKS}])"
_TOKEN = re.compile(rf"{_LETTER}+(?:['’\-]{_LETTER}+)*")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_STRIP_MARKS = re.compile(rf"[{_MARKS}]")
_FOLD_ARABIC = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ي": "ی",
        "ك": "ک",
        "ة": "ه",
        "ہ": "ه",
        "ۃ": "ه",
        "ۀ": "ه",
    }
)
_SENTENCE_END = re.compile(r"[.!?؟۔\n:;\"“”«»(]")
# Words between a cue and the name it introduces: "my carer is Bethan", "mam na imię Ewa".
_LINKS = {"is", "was", "yw", "ydy", "oedd", "jest", "był", "była"}
# Words that join the names in a list ("Ewa i Kasia", "Gareth a Bethan", "علی اور حمزہ").
_JOINERS = {"and", "or", "&", "a", "ac", "neu", "i", "oraz", "albo", "lub", "اور", "یا", "و"}
# Cues with these in them name someone outright ("my name is", "اسمه"), so even an
# unlisted word after them is taken as the name.
_NAMING_WORDS = ("name", "enw", "call", "imi", "nazyw", "نام", "اسم", "يدعى", "تدعى")
_ARABIC_PREFIXES = ("و", "ف", "ب", "ل", "ک")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_POLISH_ENDINGS = (
    ("ą", ("a",)),
    ("ę", ("a",)),
    ("iej", ("a",)),
    ("ej", ("a",)),
    ("ce", ("ka", "ca")),
    ("ie", ("a",)),
    ("i", ("a", "ia")),
    ("y", ("a",)),
    ("iego", ("i",)),
    ("iemu", ("i",)),
    ("im", ("i",)),
    ("ego", ("y",)),
    ("owi", ("",)),
    ("iem", ("",)),
    ("em", ("",)),
    ("a", ("",)),
    ("u", ("",)),
)
_WELSH_MUTATIONS = (
    ("ngh", ("c",)),
    ("mh", ("p",)),
    ("nh", ("t",)),
    ("ng", ("g",)),
    ("ch", ("c",)),
    ("ph", ("p",)),
    ("th", ("t",)),
    ("dd", ("d",)),
    ("f", ("b", "m")),
    ("g", ("c",)),
    ("b", ("p",)),
    ("d", ("t",)),
    ("l", ("ll",)),
    ("r", ("rh",)),
    ("m", ("b",)),
    ("n", ("d",)),
)
_PLACE_WORDS_EN = (
    r"Care Home|Nursing Home|Residential Home|Care Centre|Day Centre|Day Service|Day Services"
    r"|Resource Centre|Respite Centre|House|Lodge|Court|Manor|Grange|Ward|Unit|Hospital"
    r"|Surgery|Medical Centre|Health Centre|Hall"
)
_CAPITAL_WORD = r"[^\W\d_a-zà-ÿ](?:[\w'’-])*"
_PLACE_PATTERNS = (
    re.compile(rf"(?<!\w)((?:{_CAPITAL_WORD}\s+){{1,3}})(?:{_PLACE_WORDS_EN})(?!\w)"),
    re.compile(r"(?<!\w)(?:Ward|Oddział|oddział|oddziale|oddziału|وارڈ|جناح)\s+\d+[A-Z]?(?!\w)"),
    re.compile(r"(?<!\w)Ward\s+[A-Z](?!\w)"),
    re.compile(
        rf"(?<!\w)(?:Cartref|Tŷ|Ty|Canolfan|Ysbyty|Ward|Uned|Dom Opieki|Dom Pomocy Społecznej"
        rf"|Dom Seniora|Ośrodek|Szpital)\s+(?:„|\")?{_CAPITAL_WORD}(?:\s+{_CAPITAL_WORD})?"
    ),
)


@dataclass(frozen=True)
class Lexicon:
    """The name lists, ordinary words and cue patterns, folded for lookup."""

    names: frozenset[str]
    welsh: frozenset[str]
    polish: frozenset[str]
    common_in_script: frozenset[str]
    ordinary: frozenset[str]
    titles: frozenset[str]
    particles: frozenset[str]
    cue_before: re.Pattern
    cue_after: re.Pattern
    naming_cues: frozenset[str]
    function_words: frozenset[str]
    roles: frozenset[str]


def fold(word: str) -> str:
    """Return a word in the form names are compared in: NFC, casefolded, script variants joined."""
    word = unicodedata.normalize("NFC", word).casefold()
    return _STRIP_MARKS.sub("", word).translate(_FOLD_ARABIC)


def _phrases(phrases: Iterable[str]) -> re.Pattern:
    ordered = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


@cache
def lexicon() -> Lexicon:
    """Load the name lists once per process."""
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    by_locale = {locale: _faker_names(locale) for locale in _FAKER_NAME_LISTS}
    names = set().union(*by_locale.values())
    own = {
        community: set(data["given_names"].get(community, []))
        | set(data["surnames"].get(community, []))
        for community in (
            "welsh",
            "polish",
            "south_asian",
            "arabic_latin",
            "urdu_script",
            "arabic_script",
        )
    }
    for listed in own.values():
        names.update(listed)

    def folded_parts(listed: set[str]) -> frozenset[str]:
        return frozenset(fold(part) for name in listed for part in _TOKEN.findall(name))

    folded = folded_parts(names)
    ordinary = {fold(w) for words in data["ordinary_words"].values() for w in words}
    for locale in _FAKER_WORD_LISTS:
        words = importlib.import_module(f"faker.providers.lorem.{locale}").Provider.word_list
        ordinary.update(fold(w) for w in words if len(w) > 1)
    # A name that Faker's lorem lists also hold is still a name when it is plainly one.
    ordinary -= {fold(n) for listed in data["given_names"].values() for n in listed}
    ordinary.update(fold(w) for words in data["ordinary_words"].values() for w in words)
    cues_before = [c for cues in data["cues_before"].values() for c in cues]
    return Lexicon(
        names=frozenset(folded - {fold(p) for p in data["particles"]}),
        # Welsh people mutate English names too ("i Ddavid"); Polish endings go on Polish names.
        welsh=folded_parts(own["welsh"] | by_locale["en_GB"]),
        polish=folded_parts(own["polish"] | by_locale["pl_PL"]),
        common_in_script=folded_parts(own["urdu_script"] | own["arabic_script"]),
        ordinary=frozenset(ordinary),
        titles=frozenset(fold(t) for t in data["titles"]),
        particles=frozenset(fold(p) for p in data["particles"]),
        cue_before=_phrases(cues_before),
        cue_after=_phrases(c for cues in data["cues_after"].values() for c in cues),
        function_words=frozenset(fold(w) for w in data["function_words"]),
        roles=frozenset(
            fold(c)
            for cues in (cues_before, [c for cues in data["cues_after"].values() for c in cues])
            for c in cues
            if " " not in c.strip()
        ),
        naming_cues=frozenset(
            fold(c) for c in cues_before if any(w in c.casefold() for w in _NAMING_WORDS)
        ),
    )


def _faker_names(locale: str) -> set[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    found: set[str] = set()
    for attribute in dir(provider):
        # first_names, last_names_male, unisex_last_names ...; not language_names.
        if not ("first_names" in attribute or "last_names" in attribute):
            continue
        value = getattr(provider, attribute)
        # Weighted lists are dicts of name to frequency; the others are tuples.
        if isinstance(value, (dict, tuple, list)):
            found.update(str(v) for v in value)
    return found


@dataclass
class _Token:
    start: int
    end: int
    text: str
    arabic: bool
    capital: bool
    sentence_start: bool


def _tokens(text: str) -> list[_Token]:
    found = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        word = match.group()
        arabic = bool(_ARABIC_SCRIPT.match(word))
        between = text[previous_end : match.start()]
        found.append(
            _Token(
                match.start(),
                match.end(),
                word,
                arabic,
                arabic or word[0].isupper(),
                not found or bool(_SENTENCE_END.search(between)),
            )
        )
        previous_end = match.end()
    return found


def _listed_forms(word: str, arabic: bool, lex: Lexicon) -> list[str]:
    """Return the listed names a word is a form of: itself, or undone Welsh mutation,
    Polish case ending or Arabic prefix."""
    base = fold(_POSSESSIVE.sub("", word))
    forms = [base]
    if arabic:
        # "وطه" is "and Taha": a prefix may stand before a name of two letters.
        forms += [base[1:] for p in _ARABIC_PREFIXES if base.startswith(p) and len(base) > 2]
        forms += [form[2:] for form in list(forms) if form.startswith("ال") and len(form) > 4]
        return [form for form in forms if form in lex.names]
    polish = []
    for ending, replacements in _POLISH_ENDINGS:
        if base.endswith(ending) and len(base) - len(ending) >= 3:
            stem = base[: -len(ending)]
            for replacement in replacements:
                polish.append(stem + replacement)
                # A fleeting e: Marka -> Marek, Tomkiem -> Tomek, Pawła -> Paweł.
                polish.append(stem[:-1] + "e" + stem[-1] + replacement)
    welsh = []
    for mutated, radicals in _WELSH_MUTATIONS:
        if base.startswith(mutated):
            welsh += [radical + base[len(mutated) :] for radical in radicals]
    if base[:1] in "aeiouwyâêîôûŵŷ":
        welsh.append("g" + base)
    return (
        [form for form in forms if form in lex.names]
        + [form for form in polish if form in lex.polish]
        + [form for form in welsh if form in lex.welsh]
    )


def name_forms(word: str) -> list[str]:
    """Return the folded forms a name may take elsewhere: Welsh radical, Polish nominative."""
    arabic = bool(_ARABIC_SCRIPT.match(word))
    return _listed_forms(word, arabic, lexicon()) or [fold(word)]


def _is_listed(token: _Token, lex: Lexicon) -> bool:
    return bool(_listed_forms(token.text, token.arabic, lex))


def _is_common_name(token: _Token, lex: Lexicon) -> bool:
    """Say whether a word is a name on its own, with nothing beside it to say so.

    In Arabic script many names are also everyday words (محفوظ "safe", أكبر "bigger"), so
    only the common names the project lists count alone; the rest need a cue or a title.
    """
    if not token.arabic:
        return _is_listed(token, lex) and not _is_ordinary(token, lex)
    forms = _listed_forms(token.text, True, lex)
    return any(form in lex.common_in_script for form in forms) and not _is_ordinary(token, lex)


def _is_ordinary(token: _Token, lex: Lexicon) -> bool:
    word = fold(_POSSESSIVE.sub("", token.text))
    return word in lex.ordinary or word in lex.function_words or word in lex.roles


def _namelike(token: _Token, lex: Lexicon) -> bool:
    """Say whether a word could be a name when a cue says one follows."""
    word = fold(token.text)
    if word in lex.function_words or word in lex.titles or word in lex.roles:
        return False
    if token.text.isupper() and len(word) > 1:
        return False
    if token.arabic:
        return _is_listed(token, lex) or word not in lex.ordinary
    return token.capital or _is_listed(token, lex)


def _span_end(token: _Token) -> int:
    match = _POSSESSIVE.search(token.text)
    return token.end - (len(match.group()) if match else 0)


def find_people(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) of each stretch of `text` that names a person."""
    lex = lexicon()
    tokens = _tokens(text)
    if not tokens:
        return []
    chosen = [False] * len(tokens)
    for index, token in enumerate(tokens):
        if not token.capital or (token.text.isupper() and len(token.text) > 1):
            continue
        if _is_common_name(token, lex):
            chosen[index] = True
    for cue in lex.cue_before.finditer(text):
        _after_cue(text, tokens, cue, chosen, lex)
    ends = {token.end: index for index, token in enumerate(tokens)}
    for cue in lex.cue_after.finditer(text):
        before = text[: cue.start()].rstrip(" ,")
        index = ends.get(len(before))
        if index is None:
            continue
        token = tokens[index]
        # "جی" is also "yes": only a listed name before it is taken as one.
        if token.arabic and fold(cue.group()) == fold("جی") and not _is_listed(token, lex):
            continue
        if _namelike(token, lex) and (token.capital or token.arabic):
            chosen[index] = True
    for index, token in enumerate(tokens):
        if fold(token.text) in lex.titles and index + 1 < len(tokens):
            following = tokens[index + 1]
            # A title is a strong cue: "Mrs Hope" names someone. Not so in Arabic, where
            # "الممرضة لطيفة" is "the nurse is kind": there an everyday word stays one.
            if following.arabic:
                chosen[index + 1] |= _namelike(following, lex)
            elif following.capital and fold(following.text) not in lex.function_words | lex.roles:
                chosen[index + 1] = True
    # A list reaches a name whose surname then joins it ("Sharon and Hope Okafor"), and a
    # long list is reached one name a pass ("Hope and Will and Bev and Sharon").
    grown = True
    while grown:
        _join_neighbours(text, tokens, chosen, lex)
        grown = _join_lists(text, tokens, chosen, lex)
    return _spans(text, tokens, chosen, lex)


def _after_cue(text: str, tokens: list[_Token], cue: re.Match, chosen: list[bool], lex) -> None:
    naming = fold(cue.group()) in lex.naming_cues
    for index, token in enumerate(tokens):
        if token.start < cue.end():
            continue
        gap = text[cue.end() : token.start]
        if gap.strip(" ,:-–\t") and fold(gap.strip(" ,:-–\t")) not in _LINKS:
            return
        if fold(token.text) in _LINKS and index + 1 < len(tokens):
            continue
        if not _namelike(token, lex):
            return
        if token.arabic and not naming and not _is_listed(token, lex):
            return
        lower = not token.arabic and token.text[:1].islower()
        if lower and (not _is_listed(token, lex) or _is_ordinary(token, lex)):
            return
        chosen[index] = True
        return


def _join_neighbours(text: str, tokens: list[_Token], chosen: list[bool], lex: Lexicon) -> None:
    """Grow each name over the next name-like words: "Dafydd Llewelyn-Rhys", "أحمد الخالدي"."""
    changed = True
    while changed:
        changed = False
        for index in range(len(tokens) - 1):
            left, right = tokens[index], tokens[index + 1]
            if chosen[index] == chosen[index + 1] or not text[left.end : right.start].isspace():
                continue
            if len(text[left.end : right.start]) > 2:
                continue
            other = right if chosen[index] else left
            other_index = index + 1 if chosen[index] else index
            if other is right and right.sentence_start:
                continue
            if other is left and right.sentence_start:
                continue
            if fold(other.text) in lex.particles and other is right:
                # A surname may follow one or two particles: "Ewa de la Cruz".
                run = _particle_run(text, tokens, index + 1, lex)
                following = tokens[run[-1] + 1] if run[-1] + 1 < len(tokens) else None
                if (
                    following
                    and following.capital
                    and not following.sentence_start
                    and text[tokens[run[-1]].end : following.start] == " "
                    and _namelike(following, lex)
                ):
                    for joined in (*run, run[-1] + 1):
                        chosen[joined] = True
                    changed = True
                continue
            if fold(other.text) in lex.particles and not other.capital:
                # ... and is reached from the surname too: "Hope de Silva" from "Silva".
                run = _particle_run_back(text, tokens, index, lex)
                before = run[0] - 1
                if (
                    before >= 0
                    and tokens[before].capital
                    and text[tokens[before].end : tokens[run[0]].start] == " "
                    and _namelike(tokens[before], lex)
                    and (not tokens[before].sentence_start or _is_listed(tokens[before], lex))
                ):
                    for joined in (before, *run):
                        chosen[joined] = True
                    changed = True
                continue
            if other.arabic != (left if other is right else right).arabic:
                continue
            if other.arabic:
                ok = _is_listed(other, lex) or fold(other.text) in lex.particles
            else:
                ok = other.capital and _namelike(other, lex)
                if other is left and left.sentence_start:
                    ok = ok and (_is_listed(left, lex) or fold(left.text) in lex.particles)
            if ok:
                chosen[other_index] = True
                changed = True


def _particle_run(text: str, tokens: list[_Token], first: int, lex: Lexicon) -> list[int]:
    """Return the indexes of the particles from `first` on, one or two, a space apart."""
    run = [first]
    after = first + 1
    if (
        after < len(tokens)
        and fold(tokens[after].text) in lex.particles
        and not tokens[after].capital
        and text[tokens[first].end : tokens[after].start] == " "
    ):
        run.append(after)
    return run


def _particle_run_back(text: str, tokens: list[_Token], last: int, lex: Lexicon) -> list[int]:
    """Return the indexes of the particles up to `last`, one or two, a space apart."""
    before = last - 1
    if (
        before >= 0
        and fold(tokens[before].text) in lex.particles
        and not tokens[before].capital
        and text[tokens[before].end : tokens[last].start] == " "
    ):
        return [before, last]
    return [last]


def _join_lists(text: str, tokens: list[_Token], chosen: list[bool], lex: Lexicon) -> bool:
    """Take the names listed beside a name: "Sharon, Tracey and Bev", "Wojtek i Staszek".

    Return whether any word was taken.
    """
    grown = False
    for index in range(len(tokens) - 2):
        first, joiner, last = tokens[index], tokens[index + 1], tokens[index + 2]
        if fold(joiner.text) not in _JOINERS or chosen[index] == chosen[index + 2]:
            continue
        before, after = text[first.end : joiner.start], text[joiner.end : last.start]
        if before.strip(" ,") or after.strip():
            continue
        other, other_index = (last, index + 2) if chosen[index] else (first, index)
        if other.arabic:
            ok = _is_listed(other, lex) and fold(other.text) not in lex.function_words
        else:
            ok = other.capital and _namelike(other, lex) and not other.sentence_start
            ok = ok or (other is first and _is_listed(first, lex) and _namelike(first, lex))
        if ok:
            chosen[other_index] = grown = True
    return grown


def _spans(text: str, tokens: list[_Token], chosen: list[bool], lex) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for index, token in enumerate(tokens):
        if not chosen[index]:
            continue
        start = token.start
        if index and fold(tokens[index - 1].text) in lex.titles:
            title = tokens[index - 1]
            if text[title.end : start].strip(". ") == "":
                start = title.start
        end = _span_end(token)
        if spans and text[spans[-1][1] : start].strip(" -") == "" and start - spans[-1][1] <= 2:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def find_places(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) of each care home, ward or service named in `text`."""
    lex = lexicon()
    found = []
    for pattern in _PLACE_PATTERNS:
        for match in pattern.finditer(text):
            start = match.start()
            if pattern.groups:
                # "The Day Centre", "My Ward": a capital that starts a sentence is not a name.
                for word in re.finditer(r"\S+", match.group(1)):
                    if fold(word.group()) not in lex.function_words:
                        break
                    start = match.start(1) + word.end()
                else:
                    continue
                start = len(text) - len(text[start:].lstrip())
            found.append((start, match.end()))
    return found


_WELSH_INITIALS = (
    ("ll", ("l",)),
    ("rh", ("r",)),
    ("p", ("b", "mh", "ph")),
    ("t", ("d", "nh", "th")),
    ("c", ("g", "ngh", "ch")),
    ("b", ("f", "m")),
    ("d", ("dd", "n")),
    ("g", ("", "ng")),
    ("m", ("f",)),
)


def welsh_mutations(word: str) -> list[str]:
    """Return the forms Welsh mutation gives a word: "Tŷ" -> "Dŷ", "Nhŷ", "Thŷ"."""
    lower = word.casefold()
    for radical, mutated in _WELSH_INITIALS:
        if lower.startswith(radical):
            rest = word[len(radical) :]
            forms = [m + rest for m in mutated if m + rest]
            return [f[:1].upper() + f[1:] if word[:1].isupper() else f for f in forms]
    return []


def listed_terms(entries: Iterable[str]) -> list[tuple[str, bool]]:
    """Return the words to look for from a campaign's list, each saying whether it is a place.

    A person's full name on the list also finds each part of it ("Sharon Evans" finds
    "Sharon"), unless that part is an ordinary word. A place is found only whole. Each is
    also found in its Welsh mutated forms ("yn Nhŷ Gwyn", "i Ddafydd").
    """
    lex = lexicon()
    terms: dict[str, bool] = {}
    for entry in entries:
        entry = " ".join(entry.split())
        if not entry:
            continue
        place = is_place(entry)
        wanted = [entry]
        if not place:
            wanted += [
                part
                for part in _TOKEN.findall(entry)
                if len(part) >= 3
                and fold(part) not in lex.ordinary
                and fold(part) not in lex.particles
            ]
        for term in wanted:
            terms.setdefault(term, place)
            first, _, rest = term.partition(" ")
            if not _ARABIC_SCRIPT.match(first):
                for form in welsh_mutations(first):
                    terms.setdefault(f"{form} {rest}".strip(), place)
    return sorted(terms.items(), key=lambda item: len(item[0]), reverse=True)


_PLACE_HINT = re.compile(
    r"(?<!\w)(?:home|house|lodge|court|manor|grange|ward|unit|centre|center|service|services"
    r"|hospital|surgery|clinic|hall|cartref|tŷ|ty|canolfan|ysbyty|uned|gwasanaeth|dom|oddział"
    r"|ośrodek|szpital|dps|ہوم|وارڈ|سنٹر|ہسپتال|دار|جناح|مركز|مستشفى|وحدة)(?!\w)",
    re.IGNORECASE,
)


def is_place(entry: str) -> bool:
    """Say whether an entry of a campaign's list names a place rather than a person."""
    return bool(_PLACE_HINT.search(entry))
