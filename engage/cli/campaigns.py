"""`engage init`, `engage demo`, `engage campaign` and `engage responses`."""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext

from engage import campaigns, evidence, store
from engage.cli.common import find_campaign, split_list
from engage.services import demo
from engage.services.links import campaign_link
from engage.store import get_db


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create the instance folder and database, applying every migration."""
    address = current_app.config.get("DATABASE_URL")
    # A PostgreSQL address may carry a password: name only the engine and the database.
    where = f"PostgreSQL database {urlsplit(address).path.lstrip('/')}" if address else None
    click.echo(f"Database ready: {where or current_app.config['DATABASE']}")


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
    campaign = demo.ensure_campaign(get_db(), full=full)
    click.echo(f"Demo campaign: {campaign['title']}")
    if responses:
        count = demo.seed_responses(get_db(), campaign, responses)
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
            statement_ids=split_list(statements),
            title=title,
            scale_points=int(scale_points),
            respondent_groups=split_list(groups) or None,
        )
    except campaigns.CampaignError as error:
        raise click.ClickException(str(error)) from None
    click.echo(campaign_link(campaign))


@campaign_group.command("close")
@click.argument("code")
@with_appcontext
def campaign_close(code: str) -> None:
    """Close a campaign so it takes no more answers."""
    store.campaigns.set_campaign_status(get_db(), find_campaign(code)["id"], "closed")
    click.echo(f"Closed {code}.")


@campaign_group.command("open")
@click.argument("code")
@with_appcontext
def campaign_open(code: str) -> None:
    """Open a closed campaign again."""
    store.campaigns.set_campaign_status(get_db(), find_campaign(code)["id"], "open")
    click.echo(f"Opened {code}.")


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
    campaign = find_campaign(code)
    rows, held = evidence.response_rows(db, campaign["id"])
    if held.sessions:
        click.echo(f"{len(held.sessions)} session(s) held for safeguarding are left out.", err=True)
    if held.group_sessions:
        click.echo(
            f"{len(held.group_sessions)} group session(s) held for safeguarding are left out.",
            err=True,
        )
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
