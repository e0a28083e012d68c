"""Question pages rendered once per server process, then filled in for each person.

A question page is the same for everyone who sees the same question of the same campaign, in
the same language, with the same personal settings and the same face chosen, except for three
things: the words in the "tell us more" box, the form's CSRF token and the scripts' nonce.
Those three become holes, marked by a random string no one can type, and the rest is kept.
Rendering costs most of a question page's time; filling three holes costs almost nothing.

What is kept is tagged with the store's content generation, which a trigger changes whenever a
campaign, its questions, pictures or recorded voices change, or a narration text is erased
(engage.store.schema_pages). Every process reads it once per respondent request, so an edit in
one shows in all of them at once, and pages and questions from before it are dropped.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app, g
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from engage import narration
from engage.security import csp_nonce
from engage.store import get_db, reads

# A page is about 13,000 characters (13 KB in English, up to twice that held in Arabic or Urdu
# script): tens of megabytes a process at most, and far more pages than a campaign's questions
# times the languages and settings people really choose.
MAX_PAGES = 1000


class RenderedPages:
    """Keep rendered question pages and decoded campaign questions for one content generation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._questions: dict[tuple[int, int], list[dict]] = {}
        mark = secrets.token_hex(12)
        self.holes = {name: f"engage-hole-{mark}-{name}" for name in ("nonce", "csrf", "words")}

    def refresh(self) -> int:
        """Read the content generation for this request; forget what an older one made."""
        generation = reads.content_generation(get_db())
        with self._lock:
            changed = self._generation is not None and generation != self._generation
            if generation != self._generation:
                self._generation = generation
                self._pages.clear()
                self._questions.clear()
        if changed:
            # Another process may have erased narration texts this one still links to.
            narration.runtime().reload()
        g.content_generation = generation
        return generation

    def questions(self, campaign_id: int) -> list[dict]:
        """Return the campaign's questions, decoded once per generation (read them, never edit)."""
        key = (g.content_generation, campaign_id)
        found = self._questions.get(key)
        if found is None:
            found = reads.campaign_questions(get_db(), campaign_id)
            with self._lock:
                self._questions[key] = found
        return found

    def page(self, key: Hashable, render: Callable[[str], str], words: str) -> str:
        """Return the page for `key` with this person's words, token and nonce in its holes.

        `render(words)` renders the page with those words in the "tell us more" box. It is
        called with the words' hole, so the kept page holds nothing of this person's.
        """
        key = (g.content_generation, key)
        with self._lock:
            kept = self._pages.get(key)
            if kept is not None:
                self._pages.move_to_end(key)
        if kept is None:
            kept = self._keep(render(self.holes["words"]))
            with self._lock:
                self._pages[key] = kept
                while len(self._pages) > MAX_PAGES:
                    self._pages.popitem(last=False)
        # The person's words go in last, so nothing they typed is searched for a hole.
        return (
            kept.replace(self.holes["nonce"], csp_nonce())
            .replace(self.holes["csrf"], generate_csrf())
            .replace(self.holes["words"], str(escape(words)))
        )

    def _keep(self, rendered: str) -> str:
        """Turn this request's nonce and token into holes; both are long and random."""
        return rendered.replace(csp_nonce(), self.holes["nonce"]).replace(
            generate_csrf(), self.holes["csrf"]
        )


def rendered_pages() -> RenderedPages:
    """Return this process's kept pages."""
    return current_app.extensions["rendered_pages"]


def can_keep() -> bool:
    """Say whether this request's page may be kept: not while narration texts are collected."""
    return narration.runtime().collecting is None


def init_app(app: Flask) -> None:
    """Give the app its store of rendered pages."""
    app.extensions["rendered_pages"] = RenderedPages()
