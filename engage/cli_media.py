"""`engage media`: look after the files behind drawings, photos, video and voice answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext

from engage.mediaanswers import media_root, sweep_blobs
from engage.store import get_db, reads, writes


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

    Erasing a respondent's session removes their media rows at once; this removes the files.
    """
    db = get_db()
    cutoff = (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).isoformat()
    stale = reads.media_uploads_untouched_since(db, cutoff)
    for upload_id in stale:
        writes.delete_media_upload(db, upload_id)
    live = reads.media_upload_ids(db)
    parts = media_root() / "uploads"
    stray = [p for p in parts.glob("*.part") if p.stem not in live] if parts.exists() else []
    for part in stray:
        part.unlink(missing_ok=True)
    files = sweep_blobs()
    click.echo(
        f"Removed: unfinished uploads {len(stale)}, part files {len(stray)}, unused files {files}."
    )
