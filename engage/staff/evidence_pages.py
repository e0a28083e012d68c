"""What the evidence pages share: one item's page, the words for kinds and states, the checks.

The evidence rooms are review (the queue and each item), quotes, triangulation and exports;
each registers `context` so its templates have the same words."""

from __future__ import annotations

from flask import (
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from engage import auth, i18n, typed
from engage.campaigns import statements as campaign_statements
from engage.errors import refuse
from engage.i18n import lazy_gettext as _l
from engage.staff.review_words import split_words
from engage.store import get_db, reads, writes
from engage.vocab import ANSWERED_HOW, RESPONDENT_GROUPS
from exports import redaction
from exports.triangulation import VALUE_LABELS

KINDS = {
    "answer": _l("Written answers"),
    "group_note": _l("Group notes"),
    "media": _l("Pictures, video and recordings"),
}


# One item's kind, as its title says it.
KIND_NAMES = {
    "answer": _l("Written answer"),
    "group_note": _l("Group note"),
    "media": _l("Picture, video or recording"),
}


# Language codes as a lead reads them, in English beside the language's own name.
LANGUAGE_NAMES = {
    "en": _l("English"),
    "cy": _l("Welsh"),
    "pl": _l("Polish"),
    "ur": _l("Urdu"),
    "ar": _l("Arabic"),
}


STATES = {
    "to_redact": _l("Waiting for redaction"),
    "words_changed": _l("The words changed: decide again"),
    "included": _l("Included"),
    "excluded": _l("Left out"),
}


STRENGTHS = {"strength": _l("A strength"), "improve": _l("An area to improve")}


REDACTION_KINDS = {
    "name": _l("Name"),
    "phone": _l("Phone number"),
    "email": _l("Email address"),
    "postcode": _l("Postcode"),
    "date": _l("Date"),
    "address": _l("Address"),
    "other": _l("Something else"),
}


TEXT_LIMIT = 2000


def context() -> dict:
    """Return the words every evidence page's templates use for kinds, states and groups."""
    return {
        "kinds": KINDS,
        "kind_names": KIND_NAMES,
        "language_label": language_label,
        "states": STATES,
        "strengths": STRENGTHS,
        "redaction_kinds": REDACTION_KINDS,
        "respondent_groups": RESPONDENT_GROUPS,
        "answered_how": ANSWERED_HOW,
        "value_labels": VALUE_LABELS,
    }


def language_label(code: str | None) -> str:
    """Return a language code as "Welsh (Cymraeg)"; English as just "English"."""
    code = code or "en"
    if code not in LANGUAGE_NAMES:
        return code
    english, own = str(LANGUAGE_NAMES[code]), i18n.own_name(code)
    return english if english == own else f"{english} ({own})"


def item_or_404(campaign: dict, item_id: int) -> dict:
    """Return one of the campaign's review items, or answer 404."""
    item = reads.review_item(get_db(), item_id)
    if item is None or item["campaign_id"] != campaign["id"]:
        refuse(404)
    return item


def quote_or_404(campaign: dict, quote_id: int) -> dict:
    """Return one of the campaign's quotes, or answer 404."""
    quote = reads.review_quote(get_db(), quote_id)
    if quote is None or quote["campaign_id"] != campaign["id"]:
        refuse(404)
    return quote


def text_field(name: str) -> str:
    """Return a form's text field cleaned, refusing it when it is too long."""
    value = typed.clean(request.form.get(name))
    if len(value) > TEXT_LIMIT:
        refuse(400, _("That is too long"), [_("Write %(n)s characters or fewer.", n=TEXT_LIMIT)])
    return value


def item_url(campaign: dict, item: dict, anchor: str = "") -> str:
    """Return the address of an item's page, at an anchor on it."""
    return url_for("staff.review.item", code=campaign["code"], item_id=item["id"]) + anchor


def item_page(campaign: dict, found: dict, errors=None, values=None, status: int = 200):
    """Render an item's page; a quote form sent back with mistakes shows them and what was typed."""
    item_id = found["id"]
    db = get_db()
    if found["held"]:
        writes.audit(
            db,
            auth.current_user()["id"],
            "view_flagged",
            f"review item {item_id}",
            campaign["code"],
        )
    media = None
    if found["item_kind"] == "media":
        media = reads.media_item(db, found["item_id"])
    note = reads.group_note(db, found["item_id"]) if found["item_kind"] == "group_note" else None
    spans = [
        redaction.Span(r["start_offset"], r["end_offset"], r["kind"])
        for r in found["redactions"]
        if r["status"] == "confirmed"
    ]
    return render_template(
        "review/item.html",
        campaign=campaign,
        item=found,
        media=media,
        note=note,
        words=split_words(found["text"]),
        redacted=redaction.apply(found["text"], spans),
        statements=campaign_statements(campaign),
        quotable=quotable(found),
        next_item=reads.next_review_item_id(db, campaign["id"], item_id),
        errors=errors or {},
        values=values or {},
    ), status


def quotable(item: dict) -> bool:
    """Say whether words of this item may be marked as a quote."""
    return bool(item["text"]) and item["quotable"] and item["quote_consent"] and not item["held"]
