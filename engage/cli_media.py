"""`engage media`: look after the files behind drawings, photos, video and voice answers."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from engage.mediaanswers import sweep


@click.group("media")
def media_group() -> None:
    """Look after people's media answers."""


@media_group.command("sweep")
@click.option(
    "--days", default=7, show_default=True, help="Drop uploads left unfinished this long."
)
@with_appcontext
def media_sweep(days: int) -> None:
    """Delete unfinished old uploads, stray part files and files no answer refers to.

    Erasure removes files at once; this clears what a crash left behind.
    """
    swept = sweep(days)
    click.echo(
        f"Removed: unfinished uploads {swept.stale_uploads}, part files {swept.part_files}, "
        f"unused files {swept.unused_files}."
    )
