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

from easyread.checks import sentence_problems
from engage import auth, typed
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.campaigns import statements as campaign_statements
from engage.errors import refuse
from engage.staff import evidence_pages
from engage.staff.review_words import SpanError, span_from_form
from engage.store import get_db, reads, writes

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
    statement_ids = request.form.getlist("statements")
    strength = request.form.get("strength") or None
    # Values no form offers can only be tampering; mistakes go back to the lead on the form.
    if any(s not in campaign["statement_ids"] for s in statement_ids):
        refuse(400)
    if strength not in (None, *evidence_pages.STRENGTHS):
        refuse(400)
    translation = typed.clean(request.form.get("english_translation"))
    errors = {}
    try:
        start, end = span_from_form(found["text"], request.form)
    except SpanError as problem:
        errors["words"] = str(problem)
    if not statement_ids:
        errors["statements"] = _("Tag the quote to at least one statement.")
    if len(translation) > evidence_pages.TEXT_LIMIT:
        errors["english_translation"] = _(
            "Write %(n)s characters or fewer.", n=evidence_pages.TEXT_LIMIT
        )
    if errors:
        values = {
            "first_word": request.form.get("first_word", ""),
            "last_word": request.form.get("last_word", ""),
            "words": typed.clean(request.form.get("words"))[: evidence_pages.TEXT_LIMIT],
            "statements": statement_ids,
            "strength": strength or "",
            "english_translation": translation[: evidence_pages.TEXT_LIMIT + 100],
        }
        return evidence_pages.item_page(campaign, found, errors, values, 400)
    db = get_db()
    with writes.transaction(db):
        quote = writes.mark_quote(
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
        writes.audit(
            db, auth.current_user()["id"], "mark_quote", quote["evidence_ref"], campaign["code"]
        )
    return redirect(evidence_pages.item_url(campaign, found, "#quotes"))


@bp.post("/quotes/<int:quote_id>")
@require_role("lead")
def update_quote(code: str, quote_id: int):
    """Change a quote's statements, strength or English translation."""
    campaign = campaign_or_404(code)
    quote = evidence_pages.quote_or_404(campaign, quote_id)
    statement_ids = request.form.getlist("statements")
    if any(s not in campaign["statement_ids"] for s in statement_ids):
        refuse(400, _("Choose a statement"), [_("Tag the quote to this campaign's statements.")])
    strength = request.form.get("strength") or None
    if strength not in (None, *evidence_pages.STRENGTHS):
        refuse(400)
    db = get_db()
    with writes.transaction(db):
        writes.tag_quote(db, quote_id, statement_ids)
        writes.set_quote_strength(db, quote_id, strength)
        writes.set_quote_translation(db, quote_id, evidence_pages.text_field("english_translation"))
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
    with writes.transaction(db):
        writes.withdraw_quote(db, quote_id, "withdrawn in review")
        writes.audit(
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
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        texts = {s.id: evidence_pages.text_field(f"we_will_{s.id}") for s in statements}
        errors = {
            key: problems for key, text in texts.items() if (problems := sentence_problems(text))
        }
        if errors:
            return (
                render_template(
                    "review/we_will.html",
                    campaign=campaign,
                    statements=statements,
                    texts=texts,
                    errors=errors,
                    saved=False,
                ),
                400,
            )
        with writes.transaction(db):
            for statement_id, text in texts.items():
                writes.set_we_will(
                    db, campaign["id"], statement_id, text, auth.current_user()["email"]
                )
            publish = request.form.get("published")
            if publish in ("yes", "no"):
                writes.set_you_said_published(db, campaign["id"], publish == "yes")
                writes.audit(
                    db, auth.current_user()["id"], "publish_you_said", campaign["code"], publish
                )
        return redirect(url_for(".we_will", code=code, saved=1))
    return render_template(
        "review/we_will.html",
        campaign=campaign,
        statements=statements,
        texts=reads.we_will(db, campaign["id"]),
        errors=errors,
        saved=request.args.get("saved") == "1",
    )
