"""Render every clip a respondent can hear, ahead of time, for `engage narrate`.

The texts are found by walking the campaign's pages as a person would, and from its questions;
each missing clip is rendered, a few at once, and one that keeps failing is set aside so the
rest carry on. Nothing here reads a request: the command only reports what came back.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from flask import Flask

from engage import store
from engage.narration import runtime
from engage.narration import texts as narration_texts
from engage.store.engine import Database
from media import narration


@dataclass
class Narrated:
    """What one run made: how many clips in all, made now, failed (with why), tried again."""

    total: int
    made: int = 0
    failed: list[tuple[dict, Exception]] = field(default_factory=list)
    retried: int = 0

    @property
    def already_there(self) -> int:
        """Return how many clips were there before this run."""
        return self.total - self.made - len(self.failed)


def open_campaigns(db: Database) -> list[dict]:
    """Return every open campaign, oldest first, with all its columns."""
    opened = sorted(store.campaigns.open_campaigns(db), key=lambda campaign: campaign["id"])
    return [store.campaigns.campaign_by_code(db, campaign["code"]) for campaign in opened]


def clips_to_render(app: Flask, db: Database, campaign: dict | None) -> list[dict]:
    """Register every text of one campaign (or of every open one) and return their clips.

    For every open campaign this is every clip registered, so texts of campaigns closed
    since are kept ready too.
    """
    state = runtime()
    # Walking the pages would start background renders: `render` makes every clip itself,
    # and counts what it made.
    state.prerender = False
    campaigns = [campaign] if campaign else open_campaigns(db)
    found: set[tuple[str, str]] = set()
    for each in campaigns:
        found |= narration_texts.journey_texts(app, each["code"])
        questions = store.campaigns.campaign_questions(db, each["id"])
        found |= set(narration_texts.campaign_texts(each, questions))
    state.register(db, sorted(found))
    if campaign:
        return [row for text, language in sorted(found) for row in state.clips(text, language)]
    return store.narration.narration_texts(db)


def render(rows: list[dict], jobs: int, done_one: Callable[[], object] = lambda: None) -> Narrated:
    """Render every missing clip of rows, `jobs` at once; return what happened.

    A clip that fails (after the clip store's own tries) is set aside and the rest carry on;
    `done_one` is told after each clip, so a caller can show progress.
    """
    state = runtime()
    failed_before = state.store.failed_tries
    result = Narrated(total=len(rows))
    # Each clip renders in child processes of its own, so a few can run side by side.
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(state.render, row): row for row in rows}
        for future in as_completed(futures):
            try:
                result.made += future.result()
            except (narration.NarrationError, OSError) as error:
                result.failed.append((futures[future], error))
            done_one()
    result.failed.sort(key=lambda item: (item[0]["text"], item[0]["language"], item[0]["speed"]))
    result.retried = state.store.failed_tries - failed_before - len(result.failed)
    return result
