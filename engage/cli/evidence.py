"""The `engage export` command: a campaign's evidence as XLSX, CSV, JSON or ZIP."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from engage import evidence, store
from engage.cli.common import find_campaign
from engage.store import get_db
from exports.content import LEAD_ROLE
from exports.records import SignOff
from exports.writers import FORMATS


@click.command("export")
@click.argument("code")
@click.option("--format", "export_format", type=click.Choice(FORMATS), required=True)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The file to write. CSV is written as a ZIP of one CSV per sheet.",
)
@click.option(
    "--by",
    default=None,
    help="The lead exporting: named as the owner on every row, and as the one who signed "
    "the export off for filing (recorded in the export log and the audit log).",
)
@with_appcontext
def export_command(code: str, export_format: str, output: Path, by: str | None) -> None:
    """Export a campaign's evidence, honouring consent, redaction, suppression and holds."""
    campaign = find_campaign(code)

    def progress(stage: str, done: int) -> None:
        click.echo(f"{stage}: {done:,} read", err=True)

    sign_off = SignOff(approved_by=by, role=LEAD_ROLE, approved_at=store.now()) if by else None
    tally = evidence.export_campaign(
        get_db(), campaign, export_format, output, progress=progress, by=by, sign_off=sign_off
    )
    click.echo(f"Wrote {output} ({tally.quotes} quotes, {tally.media} media).")
    if sign_off:
        click.echo(f"Signed off by {by} at {sign_off.approved_at}.")
