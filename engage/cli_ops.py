"""`engage backup` and `engage restore`: operator commands for the instance's data."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from engage import backup
from engage.store import get_db, writes


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write a backup (.tar.gz) of the database and files while engage keeps running."""
    count = backup.create_backup(
        Path(current_app.config["DATABASE"]), Path(current_app.instance_path), target
    )
    writes.audit(get_db(), None, "backup", str(target), f"{count} files")
    click.echo(f"Backed up {count} files to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the current data with a backup's."""
    if not yes:
        click.confirm("Replace every answer and file with the backup's?", abort=True)
    try:
        count = backup.restore_backup(
            source, Path(current_app.config["DATABASE"]), Path(current_app.instance_path)
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    writes.audit(get_db(), None, "restore", str(source), f"{count} files")
    click.echo(f"Restored the database and {count} files from {source}.")
