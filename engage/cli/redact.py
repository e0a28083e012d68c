"""`engage redact-list`: a campaign's names and places to always redact, from the shell."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from engage import redact_list
from engage.cli.common import find_campaign
from engage.store import get_db


@click.group("redact-list")
def redact_list_group() -> None:
    """Keep a campaign's names and places to always redact (staff, homes, wards, services)."""


@redact_list_group.command("add")
@click.argument("code")
@click.argument("names", nargs=-1, required=True)
@with_appcontext
def redact_list_add(code: str, names: tuple[str, ...]) -> None:
    """Add each NAME (quote a name with spaces) and suggest again where it appears."""
    campaign = find_campaign(code)
    for name in names:
        try:
            entry = redact_list.add(get_db(), campaign["id"], name, None)
        except redact_list.ListError as problem:
            raise click.ClickException(f"{name!r}: {problem}") from None
        click.echo(f"Added {entry}.")


@redact_list_group.command("remove")
@click.argument("code")
@click.argument("names", nargs=-1, required=True)
@with_appcontext
def redact_list_remove(code: str, names: tuple[str, ...]) -> None:
    """Take each NAME off the list."""
    campaign = find_campaign(code)
    for name in names:
        try:
            redact_list.remove(get_db(), campaign["id"], " ".join(name.split()), None)
        except redact_list.ListError as problem:
            raise click.ClickException(f"{name!r}: {problem}") from None
        click.echo(f"Removed {name}.")


@redact_list_group.command("show")
@click.argument("code")
@with_appcontext
def redact_list_show(code: str) -> None:
    """Print the list, one entry a line, with whether it is taken as a person or a place."""
    for entry in redact_list.entries(get_db(), find_campaign(code)["id"]):
        click.echo(f"{entry['name']}\t{'place' if entry['place'] else 'person'}")
