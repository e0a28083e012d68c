"""`engage db copy`: move an instance's database from its SQLite file to PostgreSQL."""

from __future__ import annotations

import urllib.parse

import click
from flask import current_app
from flask.cli import with_appcontext

from engage.store import copy
from engage.store.engine import is_postgresql_url


def shown_address(url: str) -> str:
    """Return a database address without its password, for printing and the audit log."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


@click.group("db")
def db_group() -> None:
    """Look after the database: copy it to PostgreSQL."""


@db_group.command("copy")
@click.option(
    "--to",
    "target_url",
    required=True,
    metavar="postgresql://…",
    help="The address of a new, empty PostgreSQL database.",
)
@with_appcontext
def copy_command(target_url: str) -> None:
    """Copy this instance's SQLite database into an empty PostgreSQL database, then compare.

    Safe while engage keeps serving: the copy is of one moment. Prints each table's rows and
    checksum on both sides, and exits non-zero if any differs.
    """
    if not is_postgresql_url(target_url):
        raise click.ClickException("Give --to a postgresql:// address.")
    if current_app.config.get("DATABASE_URL"):
        raise click.ClickException(
            "This instance is already on PostgreSQL (ENGAGE_DATABASE_URL): nothing to copy."
        )
    try:
        checks = copy.copy_file_to_postgresql(current_app.config["DATABASE"], target_url)
    except copy.CopyRefused as refused:
        raise click.ClickException(f"Nothing was copied: {refused}.") from None
    width = max(len(check.table) for check in checks)
    click.echo(f"{'table':<{width}}  {'SQLite':>8}  {'PostgreSQL':>10}  checksum (SHA-256)")
    for check in checks:
        match = "same" if check.source_sha256 == check.target_sha256 else "DIFFERENT"
        click.echo(
            f"{check.table:<{width}}  {check.source_rows:>8}  {check.target_rows:>10}  "
            f"{check.source_sha256[:16]} {match}"
        )
    differing = [check.table for check in checks if not check.same]
    rows = sum(check.source_rows for check in checks)
    if differing:
        raise click.ClickException(
            f"The copy differs from the source in {', '.join(differing)}. Do not switch over."
        )
    click.echo(
        f"Copied {rows} rows in {len(checks)} tables to {shown_address(target_url)}: "
        "every count and checksum is the same."
    )
