"""The lead's page for a campaign's list of names and places to always redact."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, request, url_for

from engage import auth, redact_list
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.errors import refuse
from engage.staff import review_forms as forms
from engage.store import get_db

bp = Blueprint("redact_names", __name__)


def _page(campaign: dict, form: forms.RedactNameForm, status: int = 200):
    return (
        render_template(
            "review/redact_names.html",
            campaign=campaign,
            entries=redact_list.entries(get_db(), campaign["id"]),
            form=form,
            page_errors=form.errors,
        ),
        status,
    )


@bp.route("/campaigns/<code>/redact-list", methods=["GET", "POST"])
@require_role("lead")
def names(code: str):
    """List, and add to, the names and places this campaign always redacts."""
    campaign = campaign_or_404(code)
    if request.method == "GET":
        return _page(campaign, forms.RedactNameForm(formdata=None))
    form = forms.RedactNameForm()
    try:
        redact_list.add(get_db(), campaign["id"], form.name.data, auth.current_user()["id"])
    except redact_list.ListError as problem:
        form.name.data = form.name.data[: redact_list.ENTRY_LIMIT * 2]
        form.name.errors = [str(problem)]
        return _page(campaign, form, 400)
    return redirect(url_for(".names", code=code))


@bp.post("/campaigns/<code>/redact-list/remove")
@require_role("lead")
def remove(code: str):
    """Take one name or place off the list."""
    campaign = campaign_or_404(code)
    form = forms.RemoveNameForm()
    form.validate()
    try:
        redact_list.remove(
            get_db(), campaign["id"], form.name.data or "", auth.current_user()["id"]
        )
    except redact_list.ListError:
        refuse(404)
    return redirect(url_for(".names", code=code))


def init_app(app: Flask) -> None:
    """Register the page."""
    app.register_blueprint(bp)
