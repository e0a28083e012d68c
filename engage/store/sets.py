"""Every migration set, in the order they are applied at start-up.

Each area of the app keeps its own numbered set in its own module, so areas grow independently;
a set may rely on tables made by the sets before it.
"""

from __future__ import annotations

from sqlite_utils import Migrations

from engage.store.outbox import outbox
from engage.store.schema import core
from engage.store.schema_assist import assist
from engage.store.schema_evidence import evidence
from engage.store.schema_media import media
from engage.store.schema_narration import narration
from engage.store.schema_pages import pages
from engage.store.schema_review import review
from engage.store.schema_setup import setup
from engage.store.schema_snapshots import snapshots
from engage.store.schema_staff import staff

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
