"""A lead's own pictures for a campaign, cleaned like any upload, then chosen for its questions.

A picture's id is "own-<number>"; engage.site.pictures serves it and resolves it on every page.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from engage import auth, store
from engage import picture_uploads as pictures
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.picture_uploads import OWN_PREFIX
from engage.staff import review_forms as forms
from engage.store import get_db

bp = Blueprint("pictures", __name__)


PICTURE_LIMIT = 20 * 1024 * 1024


@bp.route("/campaigns/<code>/pictures", methods=["GET", "POST"])
@require_role("lead")
def own_pictures(code: str):
    """List the campaign's own pictures and take a new one, with its alt text."""
    campaign = campaign_or_404(code)
    db = get_db()
    if request.method == "GET":
        return _pictures_page(campaign, forms.OwnPictureForm(formdata=None))
    pictures.allow_upload(PICTURE_LIMIT)
    form = forms.OwnPictureForm()
    kept = _kept_upload(form.picture, "picture", PICTURE_LIMIT) if form.validate() else None
    if kept is None:
        return _pictures_page(campaign, form, 400)
    full, small, mime = kept
    with store.transaction(db):
        picture_id = store.media.add_campaign_picture(
            db,
            campaign["id"],
            " ".join(form.alt.data.split()),
            large_sha256=full,
            small_sha256=small,
            mime=mime,
            by=auth.current_user()["id"],
        )
        store.staff.audit(db, auth.current_user()["id"], "add_picture", code, str(picture_id))
    return redirect(url_for(".own_pictures", code=code))


def _pictures_page(campaign: dict, form, status: int = 200):
    """Render the own pictures page with its form, as sent back when something needs fixing."""
    return render_template(
        "review/pictures.html",
        campaign=campaign,
        own=store.media.campaign_pictures(get_db(), campaign["id"]),
        prefix=OWN_PREFIX,
        form=form,
        page_errors=form.errors,
    ), status


def _kept_upload(field, name: str, max_bytes: int):
    """Return the cleaned picture a form sent, or None with why it was refused beside the field.

    Too big or not a picture is a mistake the lead can put right on the same form; a busy
    server still gets the "try again" page.
    """
    try:
        return pictures.cleaned_upload(name, max_bytes)
    except (BadRequest, RequestEntityTooLarge) as refused:
        field.errors = [" ".join(str(line) for line in refused.easy_lines or [])]
        return None
