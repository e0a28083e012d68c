"""Pages that belong to no campaign: the start page, the attributions and the way out."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request

from engage import safeguarding

bp = Blueprint("site", __name__, template_folder="templates")


@bp.get("/")
def index():
    """Explain what engage is to someone who arrives without a link."""
    return render_template("site/index.html")


@bp.get("/attributions")
def attributions():
    """Credit the pictures and tools the pages are built from."""
    return render_template("site/attributions.html")


@bp.get("/leave")
def leave():
    """Leave the survey at once: forget it on this device and go to a neutral page.

    A plain link, so it works without JavaScript; the survey stays shut for a while, so the
    back button finds the neutral page again instead of the survey.
    """
    safeguarding.start_exit_hold()
    return redirect(safeguarding.exit_url())


@bp.get("/search")
def search():
    """Show a plain search page that says nothing about the survey."""
    query = (request.args.get("q") or "").strip()[:100]
    return render_template("site/search.html", query=query)
