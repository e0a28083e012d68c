"""Safeguarding for the named lead: flags, decisions, the concern list and the named leads.

Every page here is under /staff/safeguarding/ (leads only). The rules both wings use are in
engage.safeguarding; the person's pages in engage.respondent.worried.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage import auth, store
from engage.auth import require_role
from engage.errors import refuse
from engage.i18n import lazy_gettext as _l
from engage.safeguarding.concern import clean_phrase
from engage.staff import safeguarding_forms as forms
from engage.store import get_db
from engage.vocab import (
    ALWAYS_CHOICES,
    ANSWERED_HOW,
    RESPONDENT_GROUPS,
    SCALE_CHOICES,
    SPEAKER_ROLES,
)

bp = Blueprint("safeguarding", __name__, url_prefix="/safeguarding")
DECISIONS = {
    "no_concern": _l("No concern"),
    "referred": _l("Referred"),
    "could_not_contact": _l("Could not contact"),
}
# "Could not contact" records a try without closing the flag: the session stays held and a
# lead may decide again once they reach the person, or record no concern.
STILL_DECIDABLE = ("open", "could_not_contact")
CONTACT_WAYS = {
    "phone": _l("Phone"),
    "email": _l("Email"),
    "other": _l("Another way"),
    "supporter": _l("Their supporter can say how"),
}
REASONS = {
    "worried": _l("The person said they are worried"),
    "concern_words": _l("Words of concern"),
}
CHOICE_LABELS = {c.value: c.label for c in (*SCALE_CHOICES.values(), *ALWAYS_CHOICES)}


# --- staff pages ---


@bp.get("/")
@require_role("lead")
def flagged():
    """List the flags, those awaiting a decision first, without what was said."""
    user = auth.current_user()
    rows = store.safeguarding.flags(get_db())
    return render_template(
        "safeguarding/flagged.html",
        flags=rows,
        reasons=REASONS,
        decisions=DECISIONS,
        waiting=sum(1 for row in rows if row["status"] == "open"),
        mine=store.safeguarding.open_flag_count(get_db(), user["id"]),
    )


def _flag_or_404(flag_id: int) -> dict:
    flag = store.safeguarding.flag(get_db(), flag_id)
    if flag is None:
        refuse(404)
    return flag


def _flag_page(flag: dict, sent=None, status: int = 200):
    """Render a flag's page; a form sent with a mistake comes back with what was typed."""
    page_forms = {
        "decide": forms.DecisionForm(formdata=None),
        "remove": forms.RemoveFlagForm(formdata=None),
        **(sent or {}),
    }
    page_forms["decide"].decision.choices = list(DECISIONS.items())
    db = get_db()
    user = auth.current_user()
    # Every view of flagged words is on the record.
    store.staff.audit(db, user["id"], "view_flagged", f"flag:{flag['id']}")
    questions = {
        q["question_id"]: q for q in store.campaigns.campaign_questions(db, flag["campaign_id"])
    }
    respondent = (
        store.respondents.respondent_session(db, flag["session_id"]) if flag["session_id"] else None
    )
    answers = store.respondents.answers_for_session(db, respondent["id"]) if respondent else {}
    group = (
        store.groups.group_session(db, flag["group_session_id"])
        if flag["group_session_id"]
        else None
    )
    notes = store.groups.group_notes(db, group["id"]) if group else []
    return (
        render_template(
            "safeguarding/flag.html",
            flag=flag,
            respondent=respondent,
            answers=answers,
            questions=questions,
            group=group,
            notes=notes,
            speakers=SPEAKER_ROLES,
            reasons=REASONS,
            decisions=DECISIONS,
            decidable=flag["status"] in STILL_DECIDABLE,
            contact_ways=CONTACT_WAYS,
            choice_labels=CHOICE_LABELS,
            groups=RESPONDENT_GROUPS,
            ways=ANSWERED_HOW,
            decide_form=page_forms["decide"],
            remove_form=page_forms["remove"],
            page_errors=[form.errors for form in (sent or {}).values() if form.errors],
            removable=removable(flag),
        ),
        status,
    )


@bp.get("/<int:flag_id>")
@require_role("lead")
def flag_page(flag_id: int):
    """Show what was flagged and let a lead record a decision; the view is audited."""
    return _flag_page(_flag_or_404(flag_id))


@bp.post("/<int:flag_id>/decision")
@require_role("lead")
def decide(flag_id: int):
    """Record a lead's decision, with a note, on a flag awaiting one."""
    flag = _flag_or_404(flag_id)
    if flag["status"] not in STILL_DECIDABLE:
        refuse(400, _("This flag already has a decision"), [_("Nothing has been changed.")])
    form = forms.DecisionForm()
    form.decision.choices = list(DECISIONS.items())
    if not form.validate():
        return _flag_page(flag, {"decide": form}, 400)
    decision, note = form.decision.data, form.note.data
    user = auth.current_user()
    store.safeguarding.decide_flag(get_db(), flag_id, decision, note, user["id"])
    store.staff.audit(get_db(), user["id"], "flag_decision", f"flag:{flag_id}", decision)
    return redirect(url_for(".flagged"))


def removable(flag: dict) -> bool:
    """Say whether a flag holds nobody's evidence, so a lead may remove it as not a real worry."""
    return flag["status"] == "open" and not flag["session_id"] and not flag["group_session_id"]


@bp.post("/<int:flag_id>/remove")
@require_role("lead")
def remove(flag_id: int):
    """Remove a worry sent from outside the survey that was not real (a flood, a test)."""
    flag = _flag_or_404(flag_id)
    if not removable(flag):
        refuse(400, _("This flag cannot be removed"), [_("Record a decision on it instead.")])
    form = forms.RemoveFlagForm()
    if not form.validate():
        return _flag_page(flag, {"remove": form}, 400)
    note = form.remove_note.data
    user = auth.current_user()
    with store.transaction(get_db()):
        store.safeguarding.remove_flag(get_db(), flag_id)
        # The record keeps who removed it and why, never the words that were sent.
        store.staff.audit(get_db(), user["id"], "flag_removed", f"flag:{flag_id}", note)
    return redirect(url_for(".flagged"))


@bp.route("/phrases", methods=["GET", "POST"])
@require_role("lead")
def phrases():
    """List and add the words and phrases that flag free text."""
    form = forms.PhraseForm(formdata=None)
    status = 200
    if request.method == "POST":
        form = forms.PhraseForm()
        phrase, error = clean_phrase(form.phrase.data)
        if error is None:
            user = auth.current_user()
            store.safeguarding.add_concern_phrase(get_db(), phrase, user["id"])
            store.staff.audit(get_db(), user["id"], "concern_phrase_added", "", phrase)
            return redirect(url_for(".phrases"))
        form.phrase.data = phrase[:200]
        form.phrase.errors = [error]
        status = 400
    return (
        render_template(
            "safeguarding/phrases.html",
            phrases=store.safeguarding.concern_phrases(get_db()),
            form=form,
            page_errors=form.errors,
        ),
        status,
    )


@bp.post("/phrases/<int:phrase_id>/remove")
@require_role("lead")
def remove_phrase(phrase_id: int):
    """Stop a word or phrase flagging free text."""
    db = get_db()
    known = {row["id"]: row["phrase"] for row in store.safeguarding.concern_phrases(db)}
    if phrase_id not in known:
        refuse(404)
    store.safeguarding.remove_concern_phrase(db, phrase_id)
    user = auth.current_user()
    store.staff.audit(db, user["id"], "concern_phrase_removed", "", known[phrase_id])
    return redirect(url_for(".phrases"))


@bp.route("/leads", methods=["GET", "POST"])
@require_role("lead")
def leads():
    """Choose, per campaign, the named lead who receives its flags."""
    db = get_db()
    people = store.staff.active_users(db, "lead")
    campaigns = store.campaigns.all_campaigns(db)
    form = forms.SafeguardingLeadForm()
    form.offer(campaigns, people)
    if form.is_submitted() and form.validate():
        campaign_id = int(form.campaign_id.data)
        chosen = int(form.lead_id.data) if form.lead_id.data else None
        store.safeguarding.set_safeguarding_lead(db, campaign_id, chosen)
        user = auth.current_user()
        store.staff.audit(
            db, user["id"], "safeguarding_lead_set", f"campaign:{campaign_id}", str(chosen or "")
        )
        return redirect(url_for(".leads"))
    chosen = []
    for campaign in campaigns:
        each = forms.SafeguardingLeadForm(
            formdata=None,
            id_prefix=f"lead-{campaign['id']}",
            campaign_id=str(campaign["id"]),
            lead_id=str(campaign["safeguarding_lead_id"] or ""),
        )
        each.offer(campaigns, people)
        chosen.append((campaign, each))
    return render_template("safeguarding/leads.html", leads=chosen)
