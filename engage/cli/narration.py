"""The `engage narrate` and `engage narration` commands: clips in advance, recorded voices."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from engage import store
from engage.cli.common import find_campaign
from engage.services import narrate, recordings
from engage.store import get_db
from media import narration


@click.command("narrate")
@click.argument("code", required=False)
@click.option(
    "--jobs",
    default=os.cpu_count() or 1,
    show_default=True,
    type=click.IntRange(1, 16),
    help="Clips rendered at once.",
)
@with_appcontext
def narrate_command(code: str | None, jobs: int) -> None:
    """Render every clip a respondent can hear, for one campaign or all open ones."""
    db = get_db()
    campaign = find_campaign(code) if code else None
    rows = narrate.clips_to_render(current_app._get_current_object(), db, campaign)
    with click.progressbar(length=len(rows), label="Narrating", show_pos=True) as bar:
        result = narrate.render(rows, jobs, done_one=lambda: bar.update(1))
    click.echo(
        f"{result.total} clips: {result.made} made now, {result.already_there} "
        f"already there, {len(result.failed)} failed."
    )
    if result.retried > 0:
        click.echo(
            f"The speech engine failed {result.retried} times and was tried again after a pause."
        )
    if result.failed:
        click.echo("Still missing:")
        for row, error in result.failed:
            click.echo(f"- {row['text']!r} ({row['language']}, {row['speed']}): {error}")
        raise click.ClickException(
            f"{len(result.failed)} of {result.total} clips are missing. Run engage narrate "
            "again; a missing clip is also made when someone plays it."
        )


@click.group("narration")
def narration_group() -> None:
    """Manage recorded voices that replace generated narration."""


@narration_group.command("texts")
@click.argument("code")
@click.option("--language", default="en", show_default=True)
@with_appcontext
def narration_texts_command(code: str, language: str) -> None:
    """List the texts of a campaign with the key a recording is attached by."""
    campaign = find_campaign(code)
    recorded = store.narration.recordings_for_campaign(get_db(), campaign["id"])
    for text in recordings.campaign_texts(get_db(), campaign, language):
        key = narration.text_key(text, language)
        mark = "recorded" if (key, recordings.base_language(language)) in recorded else "generated"
        click.echo(f"{key}\t{mark}\t{text}")


@narration_group.command("record")
@click.argument("code")
@click.argument("key")
@click.argument("recording", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--language", default="en", show_default=True)
@with_appcontext
def narration_record(code: str, key: str, recording: Path, language: str) -> None:
    """Use a recording (WAV, MP3, M4A or OGG) for one text instead of generated speech."""
    campaign = find_campaign(code)
    try:
        recordings.record(get_db(), campaign, key, language, recording, by=None)
    except recordings.UnknownText:
        raise click.ClickException(
            f"No text has the key {key!r}. Run `engage narration texts {campaign['code']}`."
        ) from None
    except narration.RecordingRejected as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Recorded voice in use for {key}.")


@narration_group.command("remove")
@click.argument("code")
@click.argument("key")
@click.option("--language", default="en", show_default=True)
@with_appcontext
def narration_remove(code: str, key: str, language: str) -> None:
    """Stop using a recording for a text, so generated speech is used again."""
    campaign = find_campaign(code)
    if not recordings.remove(get_db(), campaign, key, language, by=None):
        raise click.ClickException(f"{key} has no recording.")
    click.echo(f"Generated speech in use again for {key}.")


COMMANDS = (narrate_command, narration_group)
