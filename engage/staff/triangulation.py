"""Triangulation, for leads: statements by respondent group and by how people answered."""

from __future__ import annotations

from flask import (
    Blueprint,
    render_template,
)
from flask_babel import gettext as _

from engage import evidence
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.staff import evidence_pages
from engage.store import get_db
from exports.charts import matrix_svg

bp = Blueprint("triangulation", __name__, url_prefix="/campaigns/<code>/evidence")
bp.context_processor(evidence_pages.context)


@bp.get("/triangulation")
@require_role("lead")
def triangulation(code: str):
    """Show statements by respondent group and by answered_how, as charts and tables."""
    campaign = campaign_or_404(code)
    tables = evidence.published_tables(get_db(), campaign)
    by_group, by_how = tables.by_group, tables.by_how
    charts = {
        "group": matrix_svg(
            by_group, _("Share positive by group"), "chart-group", inline_style=False
        ),
        "how": matrix_svg(
            by_how, _("Share positive by how people answered"), "chart-how", inline_style=False
        ),
    }
    return render_template(
        "review/triangulation.html",
        campaign=campaign,
        matrices=(("group", by_group), ("how", by_how)),
        charts=charts,
    )
