"""The `engage` command: everything an operator or lead does from a shell."""

from __future__ import annotations

import json
import os
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from engage import campaigns, evidence
from engage.cli_evidence import export_command
from engage.links import campaign_link
from engage.store import get_db, reads, writes
from exports import redaction


def _create_app():
    from engage import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Run and manage engage."""
    from engage import PRIVATE_UMASK

    # Before any command writes: backups and exports hold personal data.
    os.umask(PRIVATE_UMASK)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create the instance folder and database, applying every migration."""
    click.echo(f"Database ready: {current_app.config['DATABASE']}")


@click.command("demo")
@click.option(
    "--responses",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Top the demo up to this many synthetic respondents across the groups.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Ask every question (27, about 20 minutes) instead of one per statement.",
)
@with_appcontext
def demo_command(responses: int, full: bool) -> None:
    """Seed the demo campaign (once) and print its link last."""
    campaign = campaigns.ensure_demo(get_db(), full=full)
    click.echo(f"Demo campaign: {campaign['title']}")
    if responses:
        count = evidence.seed_demo_responses(get_db(), campaign, responses)
        click.echo(f"Synthetic demo respondents: {count} (made up, not real people)")
    click.echo(campaign_link(campaign))


@click.group("campaign")
def campaign_group() -> None:
    """Create and manage campaigns."""


@campaign_group.command("create")
@click.option("--framework", "framework_id", required=True, help="Framework id, e.g. cqc-la.")
@click.option("--statements", default="", help="Comma-separated ids, e.g. QS1,QS7 (all if empty).")
@click.option("--title", required=True)
@click.option("--scale", "scale_points", type=click.Choice(["3", "5"]), default="3")
@click.option("--groups", default="", help="Comma-separated respondent groups (all if empty).")
@with_appcontext
def campaign_create(
    framework_id: str, statements: str, title: str, scale_points: str, groups: str
) -> None:
    """Create a campaign and print its link."""
    try:
        campaign = campaigns.create(
            get_db(),
            framework_id=framework_id,
            statement_ids=_split(statements),
            title=title,
            scale_points=int(scale_points),
            respondent_groups=_split(groups) or None,
        )
    except campaigns.CampaignError as error:
        raise click.ClickException(str(error)) from None
    click.echo(campaign_link(campaign))


@campaign_group.command("close")
@click.argument("code")
@with_appcontext
def campaign_close(code: str) -> None:
    """Close a campaign so it takes no more answers."""
    writes.set_campaign_status(get_db(), _campaign(code)["id"], "closed")
    click.echo(f"Closed {code}.")


@campaign_group.command("open")
@click.argument("code")
@with_appcontext
def campaign_open(code: str) -> None:
    """Open a closed campaign again."""
    writes.set_campaign_status(get_db(), _campaign(code)["id"], "open")
    click.echo(f"Opened {code}.")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _campaign(code: str) -> dict:
    campaign = reads.campaign_by_code(get_db(), code)
    if campaign is None:
        raise click.ClickException(f"No campaign has the code {code!r}.")
    return campaign


@click.command("responses")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of one line an answer.")
@with_appcontext
def responses_command(code: str, as_json: bool) -> None:
    """Print every saved answer and group tally of a campaign, except what safeguarding holds.

    A person's answer counts 1 person; a group tally line counts the people in the group who
    chose that answer. Written words are printed with what a lead redacted, and what still
    waits for a lead's decision, replaced by a label such as "[name]"; new words get their
    suggestions first.
    """
    db = get_db()
    campaign = _campaign(code)
    evidence.suggest_redactions(db, campaign["id"])
    held = reads.held_for_safeguarding(db, campaign["id"])
    if held.sessions:
        click.echo(f"{len(held.sessions)} session(s) held for safeguarding are left out.", err=True)
    if held.group_sessions:
        click.echo(
            f"{len(held.group_sessions)} group session(s) held for safeguarding are left out.",
            err=True,
        )
    rows = [
        {
            "session": row["session_id"],
            "group_session": None,
            "question_id": row["question_id"],
            "statement_id": row["statement_id"],
            "value": row["value"],
            "people": 1,
            "free_text": redaction.apply(
                row["free_text"], [redaction.Span(*span) for span in row["redactions"]]
            ),
            "respondent_group": row["respondent_group"],
            "answered_how": row["answered_how"],
            "answered_offline": bool(row["answered_offline"]),
            "language": row["language"],
            "saved_at": row["updated_at"],
        }
        for row in reads.campaign_responses(db, campaign["id"])
        if not held.holds(session_id=row["session_id"])
    ]
    rows += [
        {
            "session": None,
            "group_session": row["group_session_id"],
            "question_id": row["question_id"],
            "statement_id": row["statement_id"],
            "value": value,
            "people": people,
            "free_text": "",
            "respondent_group": row["respondent_group"],
            "answered_how": row["answered_how"],
            "answered_offline": False,
            "language": "",
            "saved_at": row["updated_at"],
        }
        for row in reads.evidence_group_tallies(db, campaign["id"])
        if not held.holds(group_session_id=row["group_session_id"])
        for value, people in json.loads(row["counts"]).items()
        if people
    ]
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        click.echo()
        return
    for row in rows:
        who = row["session"] if row["group_session"] is None else f"group {row['group_session']}"
        click.echo(
            f"{who}\t{row['question_id']}\t{row['value']}\t"
            f"{row['respondent_group']}\t{row['answered_how']}\t{row['language'] or '-'}\t"
            f"{row['people']}"
        )


@click.group("content")
def content_group() -> None:
    """Check the easy-read content."""


@content_group.command("check")
def content_check() -> None:
    """Validate every framework and question file; exit 1 if any problem is found."""
    from easyread import fallbacks, validate_content
    from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
    from media import pictures

    problems = validate_content(known_pictures=pictures.library_ids())
    for problem in problems:
        click.echo(str(problem))
    # A missing translation is shown in English, marked as such: counted, not a failure.
    missing = fallbacks(tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE))
    for language, places in missing.items():
        for question_id, field in places:
            click.echo(
                f"{question_id}: the {field} has no {language} text, so it shows in English."
            )
    click.echo(
        "Fallbacks to English: "
        + ", ".join(f"{language} {len(places)}" for language, places in missing.items())
    )
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found.")
    click.echo("Content is valid.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int, envvar="PORT")
@click.option("--workers", default=2, show_default=True, type=int)
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve engage with gunicorn, a production WSGI server."""
    from engage.server import serve

    serve(host, port, workers)


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's CLI group."""
    from engage.cli_media import media_group
    from engage.cli_narration import COMMANDS as NARRATION_COMMANDS
    from engage.cli_ops import backup_command, erase_command, restore_command
    from engage.cli_redact import redact_list_group
    from engage.cli_staff import user_group

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
    ):
        app.cli.add_command(command)
