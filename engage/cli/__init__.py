"""The `engage` command: everything an operator or lead does from a shell.

One module per area holds its commands; each parses its arguments and calls the store or a
service (engage.services), printing what happened.
"""

from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create_app():
    from engage import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Run and manage engage."""
    from engage import PRIVATE_UMASK

    # Before any command writes: backups and exports hold personal data.
    os.umask(PRIVATE_UMASK)


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's CLI group."""
    from engage.cli.campaigns import (
        campaign_group,
        demo_command,
        init_command,
        responses_command,
    )
    from engage.cli.content import content_group
    from engage.cli.db import db_group
    from engage.cli.evidence import export_command
    from engage.cli.media import media_group
    from engage.cli.narration import COMMANDS as NARRATION_COMMANDS
    from engage.cli.ops import backup_command, erase_command, restore_command, serve_command
    from engage.cli.redact import redact_list_group
    from engage.cli.staff import user_group

    for command in (
        user_group,
        backup_command,
        erase_command,
        restore_command,
        init_command,
        demo_command,
        campaign_group,
        responses_command,
        content_group,
        serve_command,
        export_command,
        redact_list_group,
        *NARRATION_COMMANDS,
        media_group,
        db_group,
    ):
        app.cli.add_command(command)
