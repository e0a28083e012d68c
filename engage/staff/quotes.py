"""Quotes, for leads: mark words of an item as a quote, change or withdraw it; write "we will"."""

from __future__ import annotations

from flask import (
    Blueprint,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from engage import auth, store
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.campaigns import statements as campaign_statements
from engage.errors import refuse
from engage.staff import evidence_pages
from engage.staff import review_forms as forms
from engage.store import get_db

bp = Blueprint("quotes", __name__, url_prefix="/campaigns/<code>/evidence")
bp.context_processor(evidence_pages.context)


@bp.post("/items/<int:item_id>/quote")
@require_role("lead")
def mark_quote(code: str, item_id: int):
    """Mark a span of an item's words as a quote, once its redactions are all decided."""
    campaign = campaign_or_404(code)
    found = evidence_pages.item_or_404(campaign, item_id)
    if found["words_changed_at"]:
        refuse(
            409, _("The words changed: decide again"), [_("The words changed. Decide again first.")]
        )
    if not evidence_pages.quotable(found):
        refuse(
            409,
            _("This cannot be quoted yet"),
            [_("Decide every suggested redaction first. The person must have agreed to quotes.")],
        )
    form = forms.QuoteForm(id_prefix="quote")
    valid = evidence_pages.check_form(form, campaign, found)
    span = evidence_pages.chosen_span(form, found)
    if not valid or span is None:
        return evidence_pages.item_page(campaign, found, {"quote": form}, 400)
    start, end = span
    statement_ids = form.statements.data
    strength = form.strength.data or None
    translation = form.english_translation.data
    db = get_db()
    with store.transaction(db):
        quote = store.review.mark_quote(
            db,
            found["id"],
            start,
            end,
            statement_id=statement_ids[0],
            also_statements=tuple(statement_ids[1:]),
            strength=strength,
            english_translation=translation,
            by=auth.current_user()["email"],
        )
        store.staff.audit(
            db, auth.current_user()["id"], "mark_quote", quote["evidence_ref"], campaign["code"]
        )
    return redirect(evidence_pages.item_url(campaign, found, "#quotes"))


@bp.post("/quotes/<int:quote_id>")
@require_role("lead")
def update_quote(code: str, quote_id: int):
    """Change a quote's statements, strength or English translation."""
    campaign = campaign_or_404(code)
    quote = evidence_pages.quote_or_404(campaign, quote_id)
    form = forms.QuoteChangeForm(id_prefix=f"q{quote_id}")
    if not evidence_pages.check_form(form, campaign):
        found = evidence_pages.item_or_404(campaign, quote["review_item_id"])
        return evidence_pages.item_page(campaign, found, {f"quote-{quote_id}": form}, 400)
    db = get_db()
    with store.transaction(db):
        store.review.tag_quote(db, quote_id, form.statements.data)
        store.review.set_quote_strength(db, quote_id, form.strength.data or None)
        store.review.set_quote_translation(db, quote_id, form.english_translation.data)
    return redirect(
        url_for("staff.review.item", code=code, item_id=quote["review_item_id"]) + "#quotes"
    )


@bp.post("/quotes/<int:quote_id>/withdraw")
@require_role("lead")
def withdraw_quote(code: str, quote_id: int):
    """Take a quote out of the evidence; its reference is never used again."""
    campaign = campaign_or_404(code)
    quote = evidence_pages.quote_or_404(campaign, quote_id)
    db = get_db()
    with store.transaction(db):
        store.review.withdraw_quote(db, quote_id, "withdrawn in review")
        store.staff.audit(
            db, auth.current_user()["id"], "withdraw_quote", quote["evidence_ref"], campaign["code"]
        )
    return redirect(
        url_for("staff.review.item", code=code, item_id=quote["review_item_id"]) + "#quotes"
    )


@bp.route("/we-will", methods=["GET", "POST"])
@require_role("lead")
def we_will(code: str):
    """Write what the organisation will do about each statement, and publish "you said"."""
    campaign = campaign_or_404(code)
    db = get_db()
    statements = campaign_statements(campaign)
    if request.method == "POST":
        form = forms.we_will_form(statements, request.form)
        if not form.validate():
            return (
                render_template(
                    "review/we_will.html",
                    campaign=campaign,
                    statements=statements,
                    form=form,
                    saved=False,
                ),
                400,
            )
        with store.transaction(db):
            for statement in statements:
                store.evidence.set_we_will(
                    db,
                    campaign["id"],
                    statement.id,
                    form[f"we_will_{statement.id}"].data,
                    auth.current_user()["email"],
                )
            publish = form.published.data
            if publish is not None:
                store.campaigns.set_you_said_published(db, campaign["id"], publish == "yes")
                store.staff.audit(
                    db, auth.current_user()["id"], "publish_you_said", campaign["code"], publish
                )
        return redirect(url_for(".we_will", code=code, saved=1))
    form = forms.we_will_form(statements, texts=store.evidence.we_will(db, campaign["id"]))
    return render_template(
        "review/we_will.html",
        campaign=campaign,
        statements=statements,
        form=form,
        saved=request.args.get("saved") == "1",
    )
