"""A lead's own pictures for a campaign, cleaned like any upload, then chosen for its questions.

A picture's id is "own-<number>"; engage.site.pictures serves it and resolves it on every page.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage import auth, typed
from engage import picture_uploads as pictures
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.errors import refuse
from engage.picture_uploads import OWN_PREFIX
from engage.store import get_db, reads, writes

bp = Blueprint("pictures", __name__)


PICTURE_LIMIT = 20 * 1024 * 1024


ALT_LIMIT = 200


@bp.route("/campaigns/<code>/pictures", methods=["GET", "POST"])
@require_role("lead")
def own_pictures(code: str):
    """List the campaign's own pictures and take a new one, with its alt text."""
    campaign = campaign_or_404(code)
    db = get_db()
    if request.method == "POST":
        pictures.allow_upload(PICTURE_LIMIT)
        alt = typed.clean(request.form.get("alt"), one_line=True)
        if not alt or len(alt) > ALT_LIMIT:
            refuse(
                400,
                _("Describe the picture"),
                [_("Say what the picture shows, for people who cannot see it.")],
            )
        full, small, mime = pictures.cleaned_upload("picture")
        with writes.transaction(db):
            picture_id = writes.add_campaign_picture(
                db,
                campaign["id"],
                alt,
                large_sha256=full,
                small_sha256=small,
                mime=mime,
                by=auth.current_user()["id"],
            )
            writes.audit(db, auth.current_user()["id"], "add_picture", code, str(picture_id))
        return redirect(url_for(".own_pictures", code=code))
    return render_template(
        "review/pictures.html",
        campaign=campaign,
        own=reads.campaign_pictures(db, campaign["id"]),
        prefix=OWN_PREFIX,
    )
