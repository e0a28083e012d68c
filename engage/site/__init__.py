"""Pages that belong to no campaign: the start page and the attributions."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("site", __name__, template_folder="templates")


@bp.get("/")
def index():
    """Explain what engage is to someone who arrives without a link."""
    return render_template("site/index.html")


@bp.get("/attributions")
def attributions():
    """Credit the pictures and tools the pages are built from."""
    return render_template("site/attributions.html")
