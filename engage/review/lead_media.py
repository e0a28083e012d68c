"""A lead's own media for a campaign: recorded voices for its texts, and its own pictures.

A recorded voice replaces generated speech for one text (engage.services.recordings, as
`engage narration record` does). A lead's own picture is cleaned like any upload and can then be
chosen for a question: its picture id is "own-<number>", which the picture macro resolves.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from engage import auth, store
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.errors import refuse
from engage.review import forms, pictures
from engage.services import recordings
from engage.store import get_db
from media import narration

bp = Blueprint("leadmedia", __name__, template_folder="templates")

OWN_PREFIX = "own-"
RECORDING_LIMIT = 50 * 1024 * 1024
PICTURE_LIMIT = 20 * 1024 * 1024


bp.context_processor(auth.staff_context)


def _language(campaign: dict) -> str:
    language = request.values.get("language") or "en"
    if language not in campaign["languages"]:
        refuse(400, _("Choose one of the campaign's languages"))
    return language


# --- recorded voices ---


@bp.get("/staff/campaigns/<code>/voices")
@require_role("lead")
def voices(code: str):
    """List a campaign's texts in one language, saying which have a recorded voice."""
    campaign = campaign_or_404(code)
    return _voices_page(campaign, _language(campaign), forms.VoiceForm(formdata=None))


def _voices_page(campaign: dict, language: str, form, status: int = 200):
    """Render the voices page; an upload sent with a mistake shows it beside the field."""
    db = get_db()
    recorded = store.narration.recordings_for_campaign(db, campaign["id"])
    texts = [
        {
            "key": (key := narration.text_key(text, language)),
            "text": text,
            "recorded": (key, recordings.base_language(language)) in recorded,
        }
        for text in recordings.campaign_texts(db, campaign, language)
    ]
    form.key.choices = [(row["key"], row["text"]) for row in texts]
    return render_template(
        "review/voices.html",
        campaign=campaign,
        language=language,
        texts=texts,
        done=request.args.get("done", ""),
        form=form,
        page_errors=form.errors,
    ), status


@bp.post("/staff/campaigns/<code>/voices")
@require_role("lead")
def record_voice(code: str):
    """Use an uploaded recording for one text instead of generated speech."""
    campaign = campaign_or_404(code)
    request.max_content_length = RECORDING_LIMIT + pictures.FORM_OVERHEAD
    language = _language(campaign)
    form = forms.VoiceForm()
    db = get_db()
    form.key.choices = [
        (narration.text_key(t, language), t)
        for t in recordings.campaign_texts(db, campaign, language)
    ]
    if not form.validate():
        return _voices_page(campaign, language, form, 400)
    key = form.key.data
    upload = form.recording.data
    with tempfile.TemporaryDirectory(prefix="engage-voice-") as work:
        source = Path(work) / "recording"
        upload.save(source)
        try:
            recordings.record(db, campaign, key, language, source, auth.current_user()["id"])
        except narration.RecordingRejected:
            form.recording.errors = [_("Use a WAV, MP3, M4A or OGG sound file.")]
            return _voices_page(campaign, language, form, 400)
    return redirect(url_for(".voices", code=code, language=language, done="recorded"))


@bp.post("/staff/campaigns/<code>/voices/remove")
@require_role("lead")
def remove_voice(code: str):
    """Go back to generated speech for one text."""
    campaign = campaign_or_404(code)
    language = _language(campaign)
    key = request.form.get("key", "")
    if not recordings.remove(get_db(), campaign, key, language, auth.current_user()["id"]):
        refuse(404)
    return redirect(url_for(".voices", code=code, language=language, done="removed"))


# --- a lead's own pictures ---


@bp.route("/staff/campaigns/<code>/pictures", methods=["GET", "POST"])
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


@bp.get("/pictures/own/<int:picture_id>/<size>")
def own_picture_file(picture_id: int, size: str):
    """Send a lead's own picture (questions show it to respondents, so it is public)."""
    found = store.media.campaign_picture(get_db(), picture_id)
    if found is None or size not in ("large", "small"):
        refuse(404)
    digest = found["large_sha256"] if size == "large" else found["small_sha256"]
    return pictures.picture_file(digest, found["mime"], f"picture-{picture_id}-{size}")


def own_choices(campaign_id: int) -> list[tuple[str, str]]:
    """Return (picture id, alt text) for each of a campaign's own pictures."""
    return [
        (f"{OWN_PREFIX}{row['id']}", row["alt"])
        for row in store.media.campaign_pictures(get_db(), campaign_id)
    ]


def init_app(app: Flask) -> None:
    """Register the pages, and let pictures on every page include a lead's own pictures.

    An "own-<number>" picture id gets the URLs of the kept picture's two sizes; any other id
    is a library picture, as before.
    """
    app.register_blueprint(bp)
    library_sources = app.extensions["picture_sources"]

    def picture_sources(picture_id: str) -> dict[str, str]:
        if not picture_id.startswith(OWN_PREFIX):
            return library_sources(picture_id)
        number = picture_id.removeprefix(OWN_PREFIX)
        small = f"/pictures/own/{number}/small"
        large = f"/pictures/own/{number}/large"
        return {"webp96": small, "webp192": large, "png96": small, "png192": large}

    app.extensions["picture_sources"] = picture_sources
