"""The `engage export` command: a campaign's evidence as XLSX, CSV, JSON or ZIP."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from engage import evidence
from engage.store import get_db, reads
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
@click.option("--by", default=None, help="Who is exporting, for the export log.")
@with_appcontext
def export_command(code: str, export_format: str, output: Path, by: str | None) -> None:
    """Export a campaign's evidence, honouring consent, redaction, suppression and holds."""
    campaign = reads.campaign_by_code(get_db(), code)
    if campaign is None:
        raise click.ClickException(f"No campaign has the code {code!r}.")

    def progress(stage: str, done: int) -> None:
        click.echo(f"{stage}: {done:,} read", err=True)

    tally = evidence.export_campaign(
        get_db(), campaign, export_format, output, progress=progress, by=by
    )
    click.echo(f"Wrote {output} ({tally.quotes} quotes, {tally.media} media).")
