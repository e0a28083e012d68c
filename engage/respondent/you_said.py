"""'You said': what the people who took part said, and what will happen, once a lead publishes it.

The page stays open after the campaign closes, so it is the one room of the wing that does not
refuse a closed campaign.
"""

from __future__ import annotations

from flask import Blueprint, g, render_template

from engage import evidence, store
from engage.campaigns import statements
from engage.errors import refuse
from engage.store import get_db
from exports import redaction
from exports.content import quote_is_exportable

bp = Blueprint("you_said", __name__)


@bp.get("/you-said")
def you_said():
    """Tell the people who took part what they said and what will happen, in easy read."""
    campaign = g.campaign
    if not campaign.get("you_said_published_at"):
        refuse(404)
    # A statement gets a figure only where the exports show its share for everyone.
    tables = evidence.published_tables(get_db(), campaign)
    shares = {row.statement.id: row.total.share_positive for row in tables.by_group.rows}
    return render_template(
        "respondent/you_said.html",
        campaign=campaign,
        statements=statements(campaign),
        shares=shares,
        quotes=you_said_quotes(campaign),
        texts=store.evidence.we_will(get_db(), campaign["id"]),
    )


def you_said_quotes(campaign: dict, per_statement: int = 3) -> dict[str, list[str]]:
    """Return a few shareable quotes per statement: consented, included, not held, redacted."""
    chosen: dict[str, list[str]] = {}
    for quote in evidence.quote_records(get_db(), campaign["id"]):
        if not quote_is_exportable(quote):
            continue
        spans = [redaction.Span(s, e, k) for s, e, k in quote.redactions]
        words = redaction.redact_quote(quote.item_text, quote.start, quote.end, spans)
        listed = chosen.setdefault(quote.statement_ids[0], [])
        if len(listed) < per_statement:
            listed.append(words)
    return chosen
