"""What the evidence pages share: one item's page, the words for kinds and states, the checks.

The evidence rooms are review (the queue and each item), quotes, triangulation and exports;
each registers `context` so its templates have the same words."""

from __future__ import annotations

from flask import (
    render_template,
    url_for,
)

from engage import auth, i18n, store
from engage.campaigns import statements as campaign_statements
from engage.errors import refuse
from engage.i18n import lazy_gettext as _l
from engage.staff import review_forms as forms
from engage.staff.review_words import SpanError, span_from_form, split_words
from engage.store import get_db
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


TEXT_LIMIT = forms.TEXT_LIMIT


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
    item = store.review.review_item(get_db(), item_id)
    if item is None or item["campaign_id"] != campaign["id"]:
        refuse(404)
    return item


def quote_or_404(campaign: dict, quote_id: int) -> dict:
    """Return one of the campaign's quotes, or answer 404."""
    quote = store.review.review_quote(get_db(), quote_id)
    if quote is None or quote["campaign_id"] != campaign["id"]:
        refuse(404)
    return quote


def item_url(campaign: dict, item: dict, anchor: str = "") -> str:
    """Return the address of an item's page, at an anchor on it."""
    return url_for("staff.review.item", code=campaign["code"], item_id=item["id"]) + anchor


def item_page(campaign: dict, found: dict, sent: dict | None = None, status: int = 200):
    """Render an item's page; a form sent back with mistakes shows them and what was typed.

    sent holds the form the lead sent, by its place on the page ("quote", "redact",
    "describe" or "quote-<id>"); every other form starts from what is stored.
    """
    item_id = found["id"]
    db = get_db()
    if found["held"]:
        store.staff.audit(
            db,
            auth.current_user()["id"],
            "view_flagged",
            f"review item {item_id}",
            campaign["code"],
        )
    media = None
    if found["item_kind"] == "media":
        media = store.media.media_item(db, found["item_id"])
    note = (
        store.groups.group_note(db, found["item_id"])
        if found["item_kind"] == "group_note"
        else None
    )
    spans = [
        redaction.Span(r["start_offset"], r["end_offset"], r["kind"])
        for r in found["redactions"]
        if r["status"] == "confirmed"
    ]
    words = split_words(found["text"])
    statements = campaign_statements(campaign)
    page_forms = {
        "quote": forms.QuoteForm(
            formdata=None, id_prefix="quote", data={"statements": [found["statement_id"]]}
        ),
        "redact": forms.RedactionForm(formdata=None, id_prefix="redact"),
        "describe": forms.DescriptionForm(
            formdata=None, data={"description": found["media_description"] or ""}
        ),
    }
    for quote in found["quote_list"]:
        page_forms[f"quote-{quote['id']}"] = forms.QuoteChangeForm(
            formdata=None,
            id_prefix=f"q{quote['id']}",
            data={
                "statements": quote["statement_ids"],
                "strength": quote["strength"] or "",
                "english_translation": quote["english_translation"] or "",
            },
        )
    page_forms.update(sent or {})
    for form in page_forms.values():
        offer_choices(form, campaign, words, statements)
    return render_template(
        "review/item.html",
        campaign=campaign,
        item=found,
        media=media,
        note=note,
        words=words,
        redacted=redaction.apply(found["text"], spans),
        statements=statements,
        quotable=quotable(found),
        next_item=store.review.next_review_item_id(db, campaign["id"], item_id),
        forms=page_forms,
        page_errors=[form.errors for form in (sent or {}).values() if form.errors],
    ), status


def offer_choices(form, campaign: dict, words=None, statements=None) -> None:
    """Give a review form the choices this campaign and item offer."""
    if isinstance(form, forms.QuoteForm):
        form.offer(statements or campaign_statements(campaign), STRENGTHS)
    if isinstance(form, forms.RedactionForm):
        form.kind.choices = list(REDACTION_KINDS.items())
    if isinstance(form, (forms.QuoteForm, forms.RedactionForm)):
        form.offer_words(words or [])


def check_form(form, campaign: dict, found: dict | None = None) -> bool:
    """Offer a sent form its choices and check it (refusing values no form offered)."""
    offer_choices(form, campaign, split_words(found["text"]) if found else [])
    return form.validate()


def chosen_span(form, found: dict) -> tuple[int, int] | None:
    """Return the span a words form chose, or None with the problem beside the words."""
    try:
        chosen = {name: form[name].data or "" for name in ("words", "first_word", "last_word")}
        return span_from_form(found["text"], chosen)
    except SpanError as problem:
        form.words.errors = [*form.words.errors, str(problem)]
        return None


def quotable(item: dict) -> bool:
    """Say whether words of this item may be marked as a quote."""
    return bool(item["text"]) and item["quotable"] and item["quote_consent"] and not item["held"]
