"""The staff home page: every campaign with its links and how many people answered."""

from __future__ import annotations

from flask import Blueprint, render_template

from engage import auth, store
from engage.auth import require_role
from engage.store import get_db

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@require_role(*auth.ROLES)
def dashboard():
    """List the campaigns with their links and how many people have answered."""
    return render_template(
        "staff/dashboard.html", campaigns=store.campaigns.campaign_overview(get_db())
    )
