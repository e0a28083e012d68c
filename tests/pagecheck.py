"""The page check every GET in the tests passes: the house rules for a page's HTML."""

from __future__ import annotations

import re
from collections import Counter

from bs4 import BeautifulSoup

LABELLED_INPUT_TYPES_EXEMPT = {"hidden", "submit", "button", "reset", "image"}
MAX_WORDS = 15


def _text(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


def page_problems(html: str, path: str = "") -> list[str]:
    """Return every way a page breaks the house rules (empty when it passes)."""
    soup = BeautifulSoup(html, "html.parser")
    problems: list[str] = []
    root = soup.find("html")
    if root is None or not root.get("lang"):
        problems.append("<html> has no lang")
    h1s = soup.find_all("h1")
    title = soup.find("title")
    if len(h1s) != 1:
        problems.append(f"expected one h1, found {len(h1s)}")
    else:
        problems += _title_problems(soup, title, _text(h1s[0]))
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    problems += [f"duplicate id {key!r}" for key, count in ids.items() if count > 1]
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type", "text") in LABELLED_INPUT_TYPES_EXEMPT:
            continue
        if field.get("aria-label") or field.get("aria-labelledby"):
            continue
        if field.find_parent("label"):
            continue
        field_id = field.get("id")
        if not field_id or not soup.find("label", attrs={"for": field_id}):
            problems.append(f"{field.name} {field.get('name')!r} has no label")
    for img in soup.find_all("img"):
        if not img.has_attr("alt"):
            problems.append(f"img {img.get('src')!r} has no alt")
    for audio in soup.find_all("audio"):
        holder = audio.parent
        beside = _text(holder) if holder else ""
        if not beside:
            problems.append("an audio control has no text beside it")
    for script in soup.find_all("script"):
        if not script.get("nonce") and script.get("type") != "application/json":
            problems.append("a script has no nonce")
    for form in soup.find_all("form"):
        if not form.get("action"):
            problems.append("a form has no action")
        if form.get("method", "get").lower() == "post" and not form.find(
            "input", attrs={"name": "csrf_token"}
        ):
            problems.append("a POST form has no CSRF token")
    for link in soup.find_all("a"):
        if not link.get("href"):
            problems.append(f"a link {_text(link)!r} has no href")
        if not _text(link) and not link.get("aria-label") and not link.find("img", alt=True):
            problems.append(f"a link to {link.get('href')!r} has no text")
    if path.startswith("/s/"):
        problems += _easy_read_problems(soup)
    return problems


# "Error:" in each language, before the title of a page that shows a form error.
ERROR_PREFIX = re.compile(r"\S{1,12}: ")


def _title_problems(soup: BeautifulSoup, title, h1: str) -> list[str]:
    """Say if the title is not, in order: "Error: " on a page showing a form error, then
    "Question 2 of 27: " on a question page, then the h1 text."""
    text = _text(title) if title else ""
    rest = text
    shows_error = soup.find(attrs={"data-page-error": True}) or soup.find(class_="error-message")
    if shows_error:
        prefix = ERROR_PREFIX.match(rest)
        if prefix is None or rest.startswith(h1):
            return [f"title {text!r} of a page showing an error does not begin with 'Error:'"]
        rest = rest[prefix.end() :]
    progress = soup.find(id="progress")
    if progress is not None:
        counted = _text(progress) + ": "
        if not rest.startswith(counted):
            return [f"title {text!r} of a question page does not say {counted!r} first"]
        rest = rest[len(counted) :]
    if not rest.startswith(h1):
        return [f"title {text!r} does not begin with h1 {h1!r} after its prefixes"]
    return []


def _easy_read_problems(soup: BeautifulSoup) -> list[str]:
    """Flag sentences over the easy-read length in what a respondent reads."""
    problems = []
    main = soup.find("main")
    if main is None:
        return ["no <main>"]
    for element in main.find_all(["p", "h1", "h2", "legend", "label", "summary", "li", "button"]):
        if element.find(["p", "li"]) or "resume-link" in " ".join(element.get("class", [])):
            continue
        for sentence in re.split(r"(?<=[.!?\u061f\u06d4])\s+", _text(element)):
            words = [w for w in sentence.split() if re.search(r"\w", w)]
            if len(words) > MAX_WORDS and "http" not in sentence:
                problems.append(f"sentence of {len(words)} words: {sentence!r}")
    return problems


def assert_page_ok(html: str, path: str = "") -> None:
    """Fail with every problem the page has."""
    problems = page_problems(html, path)
    assert not problems, f"{path}: " + "; ".join(problems)
