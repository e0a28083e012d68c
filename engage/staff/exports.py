"""Exports, for leads: the evidence as a workbook, CSV, JSON or a ZIP with charts and media."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    render_template,
    stream_with_context,
)

from engage import auth, evidence, snapshots, store
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.staff import evidence_pages
from engage.staff import review_forms as forms
from engage.store import get_db
from exports.content import LEAD_ROLE
from exports.records import SignOff

bp = Blueprint("exports", __name__, url_prefix="/campaigns/<code>/evidence")
bp.context_processor(evidence_pages.context)


EXPORT_FORMATS = {
    "xlsx": ("XLSX workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("CSV files in a ZIP", "application/zip"),
    "json": ("JSON", "application/json"),
    "zip": ("ZIP with the workbook, charts and media", "application/zip"),
}


@bp.get("/exports")
@require_role("lead")
def exports(code: str):
    """Offer the export formats and list the exports made so far."""
    campaign = campaign_or_404(code)
    return _exports_page(
        campaign, forms.ExportForm(formdata=None, format=next(iter(EXPORT_FORMATS)))
    )


def _export_form(form: forms.ExportForm) -> forms.ExportForm:
    form.format.choices = [(key, label) for key, (label, _mime) in EXPORT_FORMATS.items()]
    return form


def _exports_page(campaign: dict, form: forms.ExportForm, status: int = 200):
    """Render the exports page with its form, as sent back when something needs fixing."""
    return render_template(
        "review/exports.html",
        campaign=campaign,
        form=_export_form(form),
        page_errors=form.errors,
        log=store.evidence.export_log(get_db(), campaign["id"]),
        snapshot_taken_at=snapshots.taken_at(get_db(), campaign["id"]),
    ), status


@bp.post("/exports")
@require_role("lead")
def download(code: str):
    """Write an export to a temporary file and stream it, logging who took it."""
    campaign = campaign_or_404(code)
    form = _export_form(forms.ExportForm())
    if not form.validate():
        return _exports_page(campaign, form, 400)
    export_format = form.format.data
    db = get_db()
    me = auth.current_user()
    lead = f"{me['name']} ({me['email']})"
    # Ticking the box approves this export for filing; the approval goes in the file too.
    sign_off = (
        SignOff(approved_by=lead, role=LEAD_ROLE, approved_at=store.now())
        if form.sign_off.data
        else None
    )
    extension = {"csv": "zip", "zip": "zip"}.get(export_format, export_format)
    file_name = f"engage-{campaign['code']}-{export_format}.{extension}"
    folder = tempfile.TemporaryDirectory(prefix="engage-export-")
    path = Path(folder.name) / file_name
    try:
        tally = evidence.export_campaign(
            db,
            campaign,
            export_format,
            path,
            by=me["email"],
            owner=lead,
            sign_off=sign_off,
            user_id=me["id"],
        )
        store.staff.audit(
            db,
            auth.current_user()["id"],
            "export",
            campaign["code"],
            json.dumps({"format": export_format, "quotes": tally.quotes, "media": tally.media}),
        )
    except BaseException:
        folder.cleanup()
        raise

    def chunks():
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(256 * 1024):
                    yield chunk
        finally:
            folder.cleanup()

    response = Response(stream_with_context(chunks()), mimetype=EXPORT_FORMATS[export_format][1])
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response.headers["Content-Length"] = str(path.stat().st_size)
    response.headers["Cache-Control"] = "private, no-store"
    return response
