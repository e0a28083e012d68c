"""Every migration set, in the order they are applied at start-up.

Each subject module keeps its own numbered sets, so subjects grow independently; a set may
rely on tables made by the sets before it. The set and migration names are what applied
databases record: they never change, even when a set moves between modules.
"""

from __future__ import annotations

from sqlite_utils import Migrations

from engage.store.campaigns import core, pages, setup
from engage.store.evidence import snapshots
from engage.store.media import media
from engage.store.narration import narration
from engage.store.outbox import outbox
from engage.store.review import evidence, review
from engage.store.safeguarding import assist
from engage.store.staff import staff

MIGRATION_SETS: list[Migrations] = [
    core,
    staff,
    setup,
    evidence,
    assist,
    narration,
    media,
    review,
    pages,
    snapshots,
    outbox,
]
