"""`engage media`: look after the files behind drawings, photos, video and voice answers."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from engage.services.media_files import STALLED_AFTER, sweep


@click.group("media")
def media_group() -> None:
    """Look after people's media answers."""


@media_group.command("sweep")
@click.option(
    "--hours",
    default=int(STALLED_AFTER.total_seconds() // 3600),
    show_default=True,
    type=click.IntRange(min=1),
    help="Drop uploads nobody has added to for this long.",
)
@with_appcontext
def media_sweep(hours: int) -> None:
    """Delete stalled uploads, stray part files and files no answer refers to.

    Erasure removes files at once, and the server drops stalled uploads by itself when it
    starts and now and then while it runs; this clears what a crash left behind.
    """
    swept = sweep(timedelta(hours=hours))
    click.echo(
        f"Removed: unfinished uploads {swept.stale_uploads}, part files {swept.part_files}, "
        f"unused files {swept.unused_files}."
    )
