"""Recorded voices, for leads: a recording of a campaign's text replaces its generated speech.

The same work as `engage narration record`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage import auth, store
from engage import picture_uploads as pictures
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.errors import refuse
from engage.services import recordings
from engage.staff import review_forms as forms
from engage.store import get_db
from media import narration

bp = Blueprint("voices", __name__)

RECORDING_LIMIT = 50 * 1024 * 1024


def _language(campaign: dict) -> str:
    language = request.values.get("language") or "en"
    if language not in campaign["languages"]:
        refuse(400, _("Choose one of the campaign's languages"))
    return language


# --- recorded voices ---


@bp.get("/campaigns/<code>/voices")
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


@bp.post("/campaigns/<code>/voices")
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


@bp.post("/campaigns/<code>/voices/remove")
@require_role("lead")
def remove_voice(code: str):
    """Go back to generated speech for one text."""
    campaign = campaign_or_404(code)
    language = _language(campaign)
    form = forms.RemoveVoiceForm()
    form.validate()
    key = form.key.data or ""
    if not recordings.remove(get_db(), campaign, key, language, auth.current_user()["id"]):
        refuse(404)
    return redirect(url_for(".voices", code=code, language=language, done="removed"))
