"""The `engage narrate` and `engage narration` commands: clips in advance, recorded voices."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from engage import store
from engage.cli.common import find_campaign
from engage.narration import runtime
from engage.narration import texts as narration_texts
from engage.services import recordings
from engage.store import get_db
from media import narration


def _open_campaigns() -> list[dict]:
    db = get_db()
    opened = sorted(store.campaigns.open_campaigns(db), key=lambda campaign: campaign["id"])
    return [store.campaigns.campaign_by_code(db, campaign["code"]) for campaign in opened]


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
    state = runtime()
    # Showing the pages below would start background renders: this command makes every clip
    # itself, and counts what it made.
    state.prerender = False
    campaigns = [find_campaign(code)] if code else _open_campaigns()
    found: set[tuple[str, str]] = set()
    for campaign in campaigns:
        found |= narration_texts.journey_texts(current_app._get_current_object(), campaign["code"])
        questions = store.campaigns.campaign_questions(db, campaign["id"])
        found |= set(narration_texts.campaign_texts(campaign, questions))
    state.register(db, sorted(found))
    if code:
        rows = [row for text, language in sorted(found) for row in state.clips(text, language)]
    else:
        rows = store.narration.narration_texts(db)
    tries_failed_before = state.store.failed_tries
    rendered, failed = _render_all(state, rows, jobs)
    retried = state.store.failed_tries - tries_failed_before - len(failed)
    click.echo(
        f"{len(rows)} clips: {rendered} made now, {len(rows) - rendered - len(failed)} "
        f"already there, {len(failed)} failed."
    )
    if retried > 0:
        click.echo(f"The speech engine failed {retried} times and was tried again after a pause.")
    if failed:
        click.echo("Still missing:")
        for row, error in failed:
            click.echo(f"- {row['text']!r} ({row['language']}, {row['speed']}): {error}")
        raise click.ClickException(
            f"{len(failed)} of {len(rows)} clips are missing. Run engage narrate again; a "
            "missing clip is also made when someone plays it."
        )


def _render_all(state, rows: list[dict], jobs: int) -> tuple[int, list[tuple[dict, Exception]]]:
    """Render every missing clip; return how many were made and which failed, with why.

    A clip that fails (after the store's own tries) is set aside and the rest carry on.
    """
    rendered = 0
    failed: list[tuple[dict, Exception]] = []
    # Each clip renders in child processes of its own, so a few can run side by side.
    with (
        ThreadPoolExecutor(max_workers=jobs) as pool,
        click.progressbar(length=len(rows), label="Narrating", show_pos=True) as bar,
    ):
        futures = {pool.submit(state.render, row): row for row in rows}
        for future in as_completed(futures):
            try:
                rendered += future.result()
            except (narration.NarrationError, OSError) as error:
                failed.append((futures[future], error))
            bar.update(1)
    failed.sort(key=lambda item: (item[0]["text"], item[0]["language"], item[0]["speed"]))
    return rendered, failed


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
