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
from engage.checks import Checked
from engage.errors import refuse
from engage.services import links
from engage.staff import printable
from engage.staff import setup_forms as forms
from engage.store import get_db
from engage.vocab import RESPONDENT_GROUPS, SCALE_CHOICES

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


def _campaign_form(checked: Checked, campaign: dict | None, status: int = 200):
    library = content.library()
    frameworks = (
        [library.frameworks[campaign["framework_id"]]]
        if campaign
        else [library.frameworks[framework_id] for framework_id in sorted(library.frameworks)]
    )
    return (
        render_template(
            "staff/campaign_form.html",
            checked=checked,
            campaign=campaign,
            frameworks=[(f, _statement_groups(f)) for f in frameworks],
            scale_choices=SCALE_CHOICES,
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
        return _campaign_form(
            Checked(
                values={
                    "title": "",
                    "statements": [],
                    "scale": 3,
                    "groups": list(RESPONDENT_GROUPS),
                    "languages": ["en"],
                    "opens_at": "",
                    "closes_at": "",
                    "min_group_size": "10",
                    "min_cell_count": "5",
                    "help_contact": "",
                    "safeguarding_number": "",
                    **forms.media_limit_values(None),
                }
            ),
            None,
        )
    checked = forms.campaign(request.form, content.library())
    if checked.errors:
        return _campaign_form(checked, None, 400)
    db = get_db()
    with store.transaction(db):
        campaign = campaigns.create(
            db,
            framework_id=checked.values["framework"],
            statement_ids=checked.values["statements"],
            title=checked.values["title"],
            scale_points=checked.values["scale"],
            respondent_groups=checked.values["groups"],
        )
        store.campaigns.update_campaign_settings(db, campaign["id"], forms.settings_from(checked))
        store.staff.audit(
            db,
            auth.current_user()["id"],
            "create_campaign",
            campaign["code"],
            json.dumps(
                {
                    **forms.settings_from(checked),
                    "framework_id": checked.values["framework"],
                    "statement_ids": checked.values["statements"],
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
        return _campaign_form(
            Checked(
                values={
                    "title": found["title"],
                    "statements": found["statement_ids"],
                    "scale": found["scale_points"],
                    "groups": found["respondent_groups"],
                    "languages": found["languages"],
                    "opens_at": (found["opens_at"] or "")[:10],
                    "closes_at": (found["closes_at"] or "")[:10],
                    "min_group_size": str(found["min_group_size"]),
                    "min_cell_count": str(found["min_cell_count"]),
                    "help_contact": found["help_contact"],
                    "safeguarding_number": found["safeguarding_number"],
                    **forms.media_limit_values(found),
                }
            ),
            found,
        )
    library = content.library()
    checked = forms.campaign(request.form, library, framework_id=found["framework_id"])
    db = get_db()
    if "statements" not in checked.errors:
        removed = set(found["statement_ids"]) - set(checked.values["statements"])
        answered = sorted(removed & store.campaigns.answered_statements(db, found["id"]))
        if answered:
            checked.errors["statements"] = _(
                "People have already answered about %(statements)s. Keep it in.",
                statements=", ".join(answered),
            )
    if checked.errors:
        return _campaign_form(checked, found, 400)
    settings = forms.settings_from(checked)
    changes = {key: value for key, value in settings.items() if value != found[key]}
    with store.transaction(db):
        if checked.values["statements"] != found["statement_ids"]:
            added = [s for s in checked.values["statements"] if s not in found["statement_ids"]]
            framework = library.frameworks[found["framework_id"]]
            store.campaigns.set_campaign_statements(
                db,
                found["id"],
                checked.values["statements"],
                [content.question_copy(q) for q in framework.questions_for(added)],
            )
            changes["statement_ids"] = checked.values["statements"]
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
    status = request.form.get("status")
    if status not in ("open", "closed"):
        refuse(400)
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
