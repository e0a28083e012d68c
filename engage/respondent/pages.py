"""Question pages rendered once per server process, then filled in for each person.

A question page is the same for everyone who sees the same question of the same campaign, in
the same language, with the same personal settings and the same face chosen, except for three
things: the words in the "tell us more" box, the form's CSRF token and the scripts' nonce.
Those three become holes, marked by a random string no one can type, and the rest is kept.
Rendering costs most of a question page's time; filling three holes costs almost nothing.

What is kept is tagged with the store's content generation, which a trigger changes whenever a
campaign, its questions, pictures or recorded voices change, or a narration text is erased
(engage.store.campaigns). Every process reads it once per request, whatever the page, so an
edit in one shows in all of them at once: pages, campaigns and questions from before it are
dropped, and the narration registry is read again, so no page links to an erased clip.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app, g, request
from flask_wtf.csrf import generate_csrf as csrf_token
from markupsafe import escape

from engage import narration, store
from engage.security import csp_nonce
from engage.store import get_db

# A page is about 13,000 characters (13 KB in English, up to twice that held in Arabic or Urdu
# script): tens of megabytes a process at most, and far more pages than a campaign's questions
# times the languages and settings people really choose.
MAX_PAGES = 1000


class RenderedPages:
    """Keep rendered question pages, campaigns and their questions for one content generation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._pages: OrderedDict[Hashable, list[str]] = OrderedDict()
        self._campaigns: dict[tuple[int, str], dict] = {}
        self._questions: dict[tuple[int, int], list[dict]] = {}
        mark = secrets.token_hex(12)
        self.holes = {name: f"engage-hole-{mark}-{name}" for name in ("nonce", "csrf", "words")}
        self._hole_names = {hole: name for name, hole in self.holes.items()}
        self._hole_pattern = re.compile("(" + "|".join(self.holes.values()) + ")")

    def refresh(self) -> int:
        """Read the content generation, once a request; forget what an older one made."""
        request_g = g._get_current_object()
        generation = getattr(request_g, "content_generation", None)
        if generation is not None:
            return generation
        generation = store.campaigns.content_generation(get_db())
        with self._lock:
            changed = self._generation is not None and generation != self._generation
            if generation != self._generation:
                self._generation = generation
                self._pages.clear()
                self._campaigns.clear()
                self._questions.clear()
        if changed:
            # Another process may have erased narration texts this one still links to.
            narration.runtime().reload()
        request_g.content_generation = generation
        return generation

    def campaign(self, code: str) -> dict | None:
        """Return the campaign with this link code, read once per generation (never edit it)."""
        key = (self.refresh(), code)
        found = self._campaigns.get(key)
        if found is None:
            found = store.campaigns.campaign_by_code(get_db(), code)
            # Only real campaigns are kept, so made-up codes cannot fill the memory.
            if found is not None:
                with self._lock:
                    self._campaigns[key] = found
        return found

    def questions(self, campaign_id: int) -> list[dict]:
        """Return the campaign's questions, decoded once per generation (read them, never edit)."""
        key = (self.refresh(), campaign_id)
        found = self._questions.get(key)
        if found is None:
            found = store.campaigns.campaign_questions(get_db(), campaign_id)
            with self._lock:
                self._questions[key] = found
        return found

    def page(self, key: Hashable, render: Callable[[str], str], words: str) -> str:
        """Return the page for `key` with this person's words, token and nonce in its holes.

        `render(words)` renders the page with those words in the "tell us more" box. It is
        called with the words' hole, so the kept page holds nothing of this person's.
        """
        filled = self.filled(key, words, csp_nonce(), csrf_token())
        if filled is not None:
            return filled
        kept = self._keep(render(self.holes["words"]))
        with self._lock:
            self._pages[(self.refresh(), key)] = kept
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        return self._fill(kept, words, csp_nonce(), csrf_token())

    def filled(self, key: Hashable, words: str, nonce: str, token: str) -> str | None:
        """Return the kept page for `key` with these words, nonce and token, or None if none is."""
        key = (self.refresh(), key)
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            self._pages.move_to_end(key)
        return self._fill(kept, words, nonce, token)

    @staticmethod
    def _fill(kept: list[str], words: str, nonce: str, token: str) -> str:
        filling = {"nonce": nonce, "csrf": token, "words": str(escape(words))}
        # The kept page alternates text and hole names; what fills a hole is never searched.
        return "".join(filling[part] if index % 2 else part for index, part in enumerate(kept))

    def _keep(self, rendered: str) -> list[str]:
        """Split a page at its holes, this request's nonce and token made holes too.

        The result alternates kept text and hole names: text, name, text, ..., text.
        """
        rendered = rendered.replace(csp_nonce(), self.holes["nonce"]).replace(
            csrf_token(), self.holes["csrf"]
        )
        parts = self._hole_pattern.split(rendered)
        return [self._hole_names[part] if index % 2 else part for index, part in enumerate(parts)]


def question_key(
    campaign_id: int,
    question_id: str,
    language: str,
    settings: dict[str, str],
    answer: str,
    script_root: str,
) -> tuple:
    """Return what tells kept question pages apart: all a plain visit's page depends on."""
    return (campaign_id, question_id, language, tuple(settings.items()), answer, script_root)


def rendered_pages() -> RenderedPages:
    """Return this process's kept pages."""
    return current_app.extensions["rendered_pages"]


def can_keep() -> bool:
    """Say whether this request's page may be kept: not while narration texts are collected."""
    return narration.runtime().collecting is None


def _read_generation() -> None:
    if request.endpoint != "static":
        rendered_pages().refresh()


def init_app(app: Flask) -> None:
    """Give the app its store of rendered pages, checked against the store on every request."""
    app.extensions["rendered_pages"] = RenderedPages()
    app.before_request(_read_generation)
