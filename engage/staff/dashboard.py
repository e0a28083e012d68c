"""The staff home page: every campaign with its links and how many people answered."""

from __future__ import annotations

from flask import Blueprint, render_template

from engage import auth
from engage.auth import require_role
from engage.store import get_db, reads

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@require_role(*auth.ROLES)
def dashboard():
    """List the campaigns with their links and how many people have answered."""
    return render_template("staff/dashboard.html", campaigns=reads.campaign_overview(get_db()))
