"""The review queue, for leads: every item, its redactions, its description, in or out.

Everything under /staff/campaigns/<code>/evidence/ is for leads only: it shows people's own
words before redaction. An item, quote or redaction is always looked up inside the campaign
named in the address, so an id from another campaign is simply not found.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from engage import auth, evidence, store
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.campaigns import statements as campaign_statements
from engage.errors import refuse
from engage.forms import pressed
from engage.staff import evidence_pages
from engage.staff import review_forms as forms
from engage.store import get_db

bp = Blueprint("review", __name__, url_prefix="/campaigns/<code>/evidence")
bp.context_processor(evidence_pages.context)

PAGE_SIZE = 25
MEDIA_VARIANTS = ("main", "thumb", "poster")


# --- the queue ---


@bp.get("/")
@require_role("lead")
def queue(code: str):
    """List the review items with their context, filtered and a page at a time.

    Opening the queue suggests redactions for anything new, so nothing waits unseen.
    """
    campaign = campaign_or_404(code)
    db = get_db()
    evidence.suggest_redactions(db, campaign["id"])
    kind = request.args.get("kind") or None
    statement = request.args.get("statement") or None
    state = request.args.get("state") or None
    if kind not in (None, *evidence_pages.KINDS) or state not in (None, *evidence_pages.STATES):
        refuse(400)
    if statement not in (None, *campaign["statement_ids"]):
        refuse(400)
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        refuse(400)
    items = store.review.review_queue(
        db,
        campaign["id"],
        item_kind=kind,
        statement_id=statement,
        state=state,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    filters = {"kind": kind or "", "statement": statement or "", "state": state or ""}
    _audit_flagged_words_shown(db, campaign, items[:PAGE_SIZE])
    return render_template(
        "review/queue.html",
        campaign=campaign,
        statements=campaign_statements(campaign),
        items=_as_listed(items[:PAGE_SIZE]),
        filters=filters,
        page=page,
        more=len(items) > PAGE_SIZE,
    )


@bp.post("/suggest")
@require_role("lead")
def suggest(code: str):
    """Suggest redactions for every item that has none yet."""
    campaign = campaign_or_404(code)
    evidence.suggest_redactions(get_db(), campaign["id"])
    return redirect(url_for(".queue", code=code, state="to_redact"))


@bp.get("/search")
@require_role("lead")
def search(code: str):
    """Search every item's words and descriptions, matching inside words."""
    campaign = campaign_or_404(code)
    query = (request.args.get("q") or "").strip()[:200]
    items = store.review.search_items(get_db(), campaign["id"], query) if query else []
    _audit_flagged_words_shown(get_db(), campaign, items)
    return render_template(
        "review/search.html",
        campaign=campaign,
        query=query,
        items=_as_listed(items),
        searched=bool(query),
    )


def _audit_flagged_words_shown(db, campaign: dict, items: list[dict]) -> None:
    """Put on the record that a list showed the words of items held for safeguarding."""
    held = [str(item["id"]) for item in items if item["held"]]
    if held:
        subject = f"review items {', '.join(held)}"
        store.staff.audit(db, auth.current_user()["id"], "view_flagged", subject, campaign["code"])


def _as_listed(items: list[dict]) -> list[dict]:
    """Give each listed item its words and description without what a lead redacted.

    Lists are read at a glance and shown on screens others can see; the original words stay
    on each item's own page, where the redacting is done.
    """
    for found in items:
        found["shown_words"] = evidence.redacted_words(found)
        found["shown_description"] = evidence.scrubbed_description(found)
    return items


# --- one item ---


@bp.get("/items/<int:item_id>")
@require_role("lead")
def item(code: str, item_id: int):
    """Show one item with its context, redactions and quotes, and what can be done to it."""
    campaign = campaign_or_404(code)
    return evidence_pages.item_page(campaign, evidence_pages.item_or_404(campaign, item_id))


@bp.post("/items/<int:item_id>/decide-again")
@require_role("lead")
def decide_again(code: str, item_id: int):
    """Record that the lead checked an item whose words changed: its quotes may go out again."""
    campaign = campaign_or_404(code)
    found = evidence_pages.item_or_404(campaign, item_id)
    if not found["words_changed_at"]:
        return redirect(evidence_pages.item_url(campaign, found))
    db = get_db()
    try:
        with store.transaction(db):
            store.review.decide_words_again(db, found["id"], auth.current_user()["email"])
            store.staff.audit(
                db, auth.current_user()["id"], "decide_again", f"review item {item_id}", code
            )
    except store.review.EvidenceError:
        refuse(
            409, _("Decide the redactions first"), [_("Decide every suggested redaction first.")]
        )
    return redirect(evidence_pages.item_url(campaign, found, "#quotes"))


@bp.post("/items/<int:item_id>/included")
@require_role("lead")
def set_included(code: str, item_id: int):
    """Include an item in the evidence, or leave it out."""
    campaign = campaign_or_404(code)
    found = evidence_pages.item_or_404(campaign, item_id)
    choice = pressed(forms.IncludedForm(), ("yes", "no"), _("Choose include or leave out"))
    store.review.set_item_included(
        get_db(), found["id"], choice == "yes", auth.current_user()["email"]
    )
    return redirect(evidence_pages.item_url(campaign, found))


@bp.post("/items/<int:item_id>/describe")
@require_role("lead")
def describe(code: str, item_id: int):
    """Describe a drawing, photo, video or recording in words."""
    campaign = campaign_or_404(code)
    found = evidence_pages.item_or_404(campaign, item_id)
    if found["item_kind"] == "answer":
        refuse(400, _("Only media is described"), [_("Written answers have their own words.")])
    form = forms.DescriptionForm()
    if not form.validate():
        return evidence_pages.item_page(campaign, found, {"describe": form}, 400)
    store.review.describe_media(
        get_db(), found["id"], form.description.data, auth.current_user()["email"]
    )
    return redirect(evidence_pages.item_url(campaign, found))


@bp.post("/items/<int:item_id>/redactions/<int:redaction_id>")
@require_role("lead")
def decide_redaction(code: str, item_id: int, redaction_id: int):
    """Confirm or reject one suggested redaction."""
    campaign = campaign_or_404(code)
    found = evidence_pages.item_or_404(campaign, item_id)
    if redaction_id not in {r["id"] for r in found["redactions"]}:
        refuse(404)
    decision = pressed(
        forms.RedactionDecisionForm(), ("confirm", "reject"), _("Choose confirm or reject")
    )
    store.review.decide_redaction(
        get_db(), redaction_id, decision == "confirm", auth.current_user()["email"]
    )
    return redirect(evidence_pages.item_url(campaign, found, "#redactions"))


@bp.post("/items/<int:item_id>/redactions")
@require_role("lead")
def add_redaction(code: str, item_id: int):
    """Redact words the suggestions missed."""
    campaign = campaign_or_404(code)
    found = evidence_pages.item_or_404(campaign, item_id)
    form = forms.RedactionForm(id_prefix="redact")
    valid = evidence_pages.check_form(form, campaign, found)
    span = evidence_pages.chosen_span(form, found)
    if not valid or span is None:
        return evidence_pages.item_page(campaign, found, {"redact": form}, 400)
    start, end = span
    store.review.add_redaction(
        get_db(), found["id"], start, end, form.kind.data, auth.current_user()["email"]
    )
    return redirect(evidence_pages.item_url(campaign, found, "#redactions"))


@bp.get("/items/<int:item_id>/media/<variant>")
@require_role("lead")
def media_file(code: str, item_id: int, variant: str):
    """Send a media item's file (or a group's flip-chart photo) to the review team."""
    from engage import media_sending

    campaign = campaign_or_404(code)
    found = evidence_pages.item_or_404(campaign, item_id)
    if variant not in MEDIA_VARIANTS:
        refuse(404)
    db = get_db()
    action = "view_flagged" if found["held"] else "view_media"
    store.staff.audit(db, auth.current_user()["id"], action, f"review item {item_id}", variant)
    if found["item_kind"] == "media":
        media = store.media.media_item(db, found["item_id"])
        if media is None:
            refuse(404)
        return media_sending.send_item(media, variant)
    note = (
        store.groups.group_note(db, found["item_id"])
        if found["item_kind"] == "group_note"
        else None
    )
    if note is None or not note["photo_sha256"] or variant == "poster":
        refuse(404)
    return media_sending.send_item(
        {
            "id": note["id"],
            "kind": "flipchart",
            "sha256": note["photo_sha256"],
            "thumb_sha256": note["photo_thumb_sha256"],
            "mime": note["photo_mime"],
            "ext": "png" if note["photo_mime"] == "image/png" else "jpg",
        },
        variant,
    )
