"""What several commands share: finding a campaign by its code, reading a list option."""

from __future__ import annotations

import click

from engage import store
from engage.store import get_db


def find_campaign(code: str) -> dict:
    """Return the campaign with this code, or stop the command saying there is none."""
    campaign = store.campaigns.campaign_by_code(get_db(), code)
    if campaign is None:
        raise click.ClickException(f"No campaign has the code {code!r}.")
    return campaign


def split_list(value: str) -> list[str]:
    """Return the items of a comma-separated option, without blanks."""
    return [part.strip() for part in value.split(",") if part.strip()]
