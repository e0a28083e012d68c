"""Campaigns, for leads: make one, its page, its settings, open or close it, and the printable
invitation for families.
"""

from __future__ import annotations

import io
import json
from datetime import date

from flask import (
    Blueprint,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from engage import auth, campaigns, content, store
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.forms import pressed
from engage.services import links
from engage.staff import printable
from engage.staff import setup_forms as forms
from engage.store import get_db
from engage.vocab import RESPONDENT_GROUPS

bp = Blueprint("campaigns", __name__)


@bp.context_processor
def _setup_context() -> dict:
    return {
        "respondent_groups": RESPONDENT_GROUPS,
        "extra_languages": forms.EXTRA_LANGUAGES,
    }


# --- campaigns ---


def _statement_groups(framework) -> list[tuple[str, list]]:
    """Return a framework's statements grouped by theme, in order."""
    groups: list[tuple[str, list]] = []
    for statement in framework.statements:
        theme = content.localise(statement.theme_name, "en") if statement.theme_name else ""
        if not groups or groups[-1][0] != theme:
            groups.append((theme, []))
        groups[-1][1].append(statement)
    return groups


def _campaign_form(form: forms.CampaignForm, campaign: dict | None, status: int = 200):
    library = content.library()
    frameworks = (
        [library.frameworks[campaign["framework_id"]]]
        if campaign
        else [library.frameworks[framework_id] for framework_id in sorted(library.frameworks)]
    )
    return (
        render_template(
            "staff/campaign_form.html",
            form=form,
            campaign=campaign,
            frameworks=[(f, _statement_groups(f)) for f in frameworks],
            ranges={
                "min_group_size": forms.MIN_GROUP_SIZE_RANGE,
                "min_cell_count": forms.MIN_CELL_COUNT_RANGE,
            },
            media_limits=forms.MEDIA_LIMITS,
        ),
        status,
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@require_role("lead")
def new_campaign():
    """Set up a campaign: framework, statements, scale, groups, languages, dates, thresholds."""
    if request.method == "GET":
        form = forms.CampaignForm(formdata=None, data=forms.CampaignForm.initial(None))
    else:
        form = forms.CampaignForm()
    form.offer(content.library())
    if request.method == "GET" or not form.validate():
        return _campaign_form(form, None, 400 if form.errors else 200)
    settings = form.settings()
    db = get_db()
    with store.transaction(db):
        campaign = campaigns.create(
            db,
            framework_id=form.framework.data,
            statement_ids=form.statements.data,
            title=settings["title"],
            scale_points=settings["scale_points"],
            respondent_groups=settings["respondent_groups"],
        )
        store.campaigns.update_campaign_settings(db, campaign["id"], settings)
        store.staff.audit(
            db,
            auth.current_user()["id"],
            "create_campaign",
            campaign["code"],
            json.dumps(
                {
                    **settings,
                    "framework_id": form.framework.data,
                    "statement_ids": form.statements.data,
                },
                ensure_ascii=False,
            ),
        )
    return redirect(url_for(".campaign", code=campaign["code"]))


@bp.get("/campaigns/<code>/")
@require_role("lead")
def campaign(code: str):
    """Show a campaign's settings, its link, and where to change each part."""
    found = campaign_or_404(code)
    library = content.library()
    framework = library.frameworks[found["framework_id"]]
    return render_template(
        "staff/campaign.html",
        campaign=found,
        framework=framework,
        statements=[framework.statement(s) for s in found["statement_ids"]],
        questions=store.campaigns.campaign_questions(get_db(), found["id"]),
        link=links.campaign_link(found),
    )


@bp.route("/campaigns/<code>/settings", methods=["GET", "POST"])
@require_role("lead")
def campaign_settings(code: str):
    """Change a campaign's settings; statements with answers cannot be taken out."""
    found = campaign_or_404(code)
    if request.method == "GET":
        form = forms.CampaignSettingsForm(formdata=None, data=forms.CampaignForm.initial(found))
    else:
        form = forms.CampaignSettingsForm()
    library = content.library()
    form.offer(library, framework_id=found["framework_id"])
    if request.method == "GET":
        return _campaign_form(form, found)
    db = get_db()
    form.validate()
    if not form.statements.errors:
        removed = set(found["statement_ids"]) - set(form.statements.data)
        answered = sorted(removed & store.campaigns.answered_statements(db, found["id"]))
        if answered:
            form.statements.errors.append(
                _(
                    "People have already answered about %(statements)s. Keep it in.",
                    statements=", ".join(answered),
                )
            )
    if form.errors:
        return _campaign_form(form, found, 400)
    settings = form.settings()
    statement_ids = form.statements.data
    changes = {key: value for key, value in settings.items() if value != found[key]}
    with store.transaction(db):
        if statement_ids != found["statement_ids"]:
            added = [s for s in statement_ids if s not in found["statement_ids"]]
            framework = library.frameworks[found["framework_id"]]
            store.campaigns.set_campaign_statements(
                db,
                found["id"],
                statement_ids,
                [content.question_copy(q) for q in framework.questions_for(added)],
            )
            changes["statement_ids"] = statement_ids
        store.campaigns.update_campaign_settings(db, found["id"], settings)
        if changes:
            store.staff.audit(
                db,
                auth.current_user()["id"],
                "edit_campaign",
                code,
                json.dumps(changes, ensure_ascii=False),
            )
    return redirect(url_for(".campaign", code=code))


@bp.post("/campaigns/<code>/status")
@require_role("lead")
def campaign_status(code: str):
    """Open or close a campaign for answers."""
    found = campaign_or_404(code)
    status = pressed(forms.CampaignStatusForm(), ("open", "closed"))
    if status != found["status"]:
        db = get_db()
        with store.transaction(db):
            store.campaigns.set_campaign_status(db, found["id"], status)
            action = "open_campaign" if status == "open" else "close_campaign"
            store.staff.audit(db, auth.current_user()["id"], action, code)
    return redirect(url_for(".campaign", code=code))


# --- the invitation for families ---


def _invitation_parts(found: dict) -> printable.Invitation:
    closes = found["closes_at"]
    return printable.Invitation(
        title=found["title"],
        link=links.campaign_link(found),
        help_contact=found["help_contact"],
        closes_on=date.fromisoformat(closes[:10]) if closes else None,
    )


@bp.get("/campaigns/<code>/invitation")
@require_role("lead")
def family_invitation(code: str):
    """Show the one-page easy-read invitation, ready to print."""
    found = campaign_or_404(code)
    parts = _invitation_parts(found)
    return render_template(
        "staff/invitation.html",
        campaign=found,
        invitation=parts,
        qr_data_uri=printable.qr_code(parts.link).svg_data_uri(scale=8, border=2),
    )


@bp.get("/campaigns/<code>/invitation.png")
@require_role("lead")
def family_invitation_png(code: str):
    """Download the invitation as an A4 picture."""
    found = campaign_or_404(code)
    data = printable.render_png(_invitation_parts(found))
    return send_file(
        io.BytesIO(data),
        mimetype="image/png",
        as_attachment=True,
        download_name=f"invitation-{code}.png",
    )


@bp.get("/campaigns/<code>/invitation.pdf")
@require_role("lead")
def family_invitation_pdf(code: str):
    """Download the invitation as a tagged A4 PDF, a page in each of the campaign's languages."""
    found = campaign_or_404(code)
    data = printable.render_pdf(_invitation_parts(found), found["languages"])
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"invitation-{code}.pdf",
    )
