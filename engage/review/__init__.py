"""Leads' evidence pages: the review queue, quotes and redaction, triangulation, exports,
"we will", and the public "you said" page for the people who took part.

Everything under /staff/campaigns/<code>/evidence/ is for leads only: it shows people's own
words before redaction. An item, quote or redaction is always looked up inside the campaign
named in the address, so an id from another campaign is simply not found.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    g,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh

from easyread.checks import sentence_problems
from engage import auth, content, evidence, i18n, snapshots, store, typed
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.errors import refuse
from engage.i18n import lazy_gettext as _l
from engage.review import forms
from engage.review.words import SpanError, span_from_form, split_words
from engage.store import get_db
from engage.vocab import ANSWERED_HOW, RESPONDENT_GROUPS
from exports import redaction
from exports.charts import matrix_svg
from exports.content import LEAD_ROLE, quote_is_exportable
from exports.records import SignOff
from exports.triangulation import VALUE_LABELS, Tables

bp = Blueprint(
    "review",
    __name__,
    url_prefix="/staff/campaigns/<code>/evidence",
    template_folder="templates",
)

PAGE_SIZE = 25
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
EXPORT_FORMATS = {
    "xlsx": ("XLSX workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("CSV files in a ZIP", "application/zip"),
    "json": ("JSON", "application/json"),
    "zip": ("ZIP with the workbook, charts and media", "application/zip"),
}
TEXT_LIMIT = forms.TEXT_LIMIT
MEDIA_VARIANTS = ("main", "thumb", "poster")


@bp.context_processor
def _review_context() -> dict:
    return {
        "staff_user": auth.current_user(),
        "role_names": auth.ROLE_NAMES,
        "kinds": KINDS,
        "kind_names": KIND_NAMES,
        "language_label": _language_label,
        "states": STATES,
        "strengths": STRENGTHS,
        "redaction_kinds": REDACTION_KINDS,
        "respondent_groups": RESPONDENT_GROUPS,
        "answered_how": ANSWERED_HOW,
        "value_labels": VALUE_LABELS,
    }


def _language_label(code: str | None) -> str:
    """Return a language code as "Welsh (Cymraeg)"; English as just "English"."""
    code = code or "en"
    if code not in LANGUAGE_NAMES:
        return code
    english, own = str(LANGUAGE_NAMES[code]), i18n.own_name(code)
    return english if english == own else f"{english} ({own})"


def _me() -> dict:
    return auth.current_user()


def _statements(campaign: dict) -> list:
    framework = content.library().framework(campaign["framework_id"])
    return [framework.statement(s) for s in campaign["statement_ids"]]


def _item(campaign: dict, item_id: int) -> dict:
    item = store.review.review_item(get_db(), item_id)
    if item is None or item["campaign_id"] != campaign["id"]:
        refuse(404)
    return item


def _quote(campaign: dict, quote_id: int) -> dict:
    quote = store.review.review_quote(get_db(), quote_id)
    if quote is None or quote["campaign_id"] != campaign["id"]:
        refuse(404)
    return quote


def _we_will_problems(text: str) -> list[str]:
    """Return what is wrong with a "we will" text: too long, or not easy to read."""
    if len(text) > TEXT_LIMIT:
        return [_("Write %(n)s characters or fewer.", n=TEXT_LIMIT)]
    return sentence_problems(text)


def _item_url(campaign: dict, item: dict, anchor: str = "") -> str:
    return url_for(".item", code=campaign["code"], item_id=item["id"]) + anchor


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
    if kind not in (None, *KINDS) or state not in (None, *STATES):
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
        statements=_statements(campaign),
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
        store.staff.audit(db, _me()["id"], "view_flagged", subject, campaign["code"])


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
    return _item_page(campaign, _item(campaign, item_id))


def _item_page(campaign: dict, found: dict, sent: dict | None = None, status: int = 200):
    """Render an item's page; a form sent back with mistakes shows them and what was typed.

    sent holds the form the lead sent, by its place on the page ("quote", "redact",
    "describe" or "quote-<id>"); every other form starts from what is stored.
    """
    item_id = found["id"]
    db = get_db()
    if found["held"]:
        store.staff.audit(
            db, _me()["id"], "view_flagged", f"review item {item_id}", campaign["code"]
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
    statements = _statements(campaign)
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
        _offer(form, campaign, words, statements)
    return render_template(
        "review/item.html",
        campaign=campaign,
        item=found,
        media=media,
        note=note,
        words=words,
        redacted=redaction.apply(found["text"], spans),
        statements=statements,
        quotable=_quotable(found),
        next_item=store.review.next_review_item_id(db, campaign["id"], item_id),
        forms=page_forms,
        page_errors=[form.errors for form in (sent or {}).values() if form.errors],
    ), status


def _offer(form, campaign: dict, words=None, statements=None) -> None:
    """Give a review form the choices this campaign and item offer."""
    if isinstance(form, forms.QuoteForm):
        form.offer(statements or _statements(campaign), STRENGTHS)
    if isinstance(form, forms.RedactionForm):
        form.kind.choices = list(REDACTION_KINDS.items())
    if isinstance(form, (forms.QuoteForm, forms.RedactionForm)):
        form.offer_words(words or [])


def _checked(form, campaign: dict, found: dict | None = None) -> bool:
    """Offer a sent form its choices and check it (refusing values no form offered)."""
    _offer(form, campaign, split_words(found["text"]) if found else [])
    return form.validate()


def _span(form, found: dict) -> tuple[int, int] | None:
    """Return the span a words form chose, or None with the problem beside the words."""
    try:
        return span_from_form(found["text"], request.form)
    except SpanError as problem:
        form.words.errors = [*form.words.errors, str(problem)]
        return None


@bp.post("/items/<int:item_id>/decide-again")
@require_role("lead")
def decide_again(code: str, item_id: int):
    """Record that the lead checked an item whose words changed: its quotes may go out again."""
    campaign = campaign_or_404(code)
    found = _item(campaign, item_id)
    if not found["words_changed_at"]:
        return redirect(_item_url(campaign, found))
    db = get_db()
    try:
        with store.transaction(db):
            store.review.decide_words_again(db, found["id"], _me()["email"])
            store.staff.audit(db, _me()["id"], "decide_again", f"review item {item_id}", code)
    except store.review.EvidenceError:
        refuse(
            409, _("Decide the redactions first"), [_("Decide every suggested redaction first.")]
        )
    return redirect(_item_url(campaign, found, "#quotes"))


def _quotable(item: dict) -> bool:
    return bool(item["text"]) and item["quotable"] and item["quote_consent"] and not item["held"]


@bp.post("/items/<int:item_id>/quote")
@require_role("lead")
def mark_quote(code: str, item_id: int):
    """Mark a span of an item's words as a quote, once its redactions are all decided."""
    campaign = campaign_or_404(code)
    found = _item(campaign, item_id)
    if found["words_changed_at"]:
        refuse(
            409, _("The words changed: decide again"), [_("The words changed. Decide again first.")]
        )
    if not _quotable(found):
        refuse(
            409,
            _("This cannot be quoted yet"),
            [_("Decide every suggested redaction first. The person must have agreed to quotes.")],
        )
    form = forms.QuoteForm(id_prefix="quote")
    valid = _checked(form, campaign, found)
    span = _span(form, found)
    if not valid or span is None:
        return _item_page(campaign, found, {"quote": form}, 400)
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
            by=_me()["email"],
        )
        store.staff.audit(db, _me()["id"], "mark_quote", quote["evidence_ref"], campaign["code"])
    return redirect(_item_url(campaign, found, "#quotes"))


@bp.post("/quotes/<int:quote_id>")
@require_role("lead")
def update_quote(code: str, quote_id: int):
    """Change a quote's statements, strength or English translation."""
    campaign = campaign_or_404(code)
    quote = _quote(campaign, quote_id)
    form = forms.QuoteChangeForm(id_prefix=f"q{quote_id}")
    if not _checked(form, campaign):
        found = _item(campaign, quote["review_item_id"])
        return _item_page(campaign, found, {f"quote-{quote_id}": form}, 400)
    db = get_db()
    with store.transaction(db):
        store.review.tag_quote(db, quote_id, form.statements.data)
        store.review.set_quote_strength(db, quote_id, form.strength.data or None)
        store.review.set_quote_translation(db, quote_id, form.english_translation.data)
    return redirect(url_for(".item", code=code, item_id=quote["review_item_id"]) + "#quotes")


@bp.post("/quotes/<int:quote_id>/withdraw")
@require_role("lead")
def withdraw_quote(code: str, quote_id: int):
    """Take a quote out of the evidence; its reference is never used again."""
    campaign = campaign_or_404(code)
    quote = _quote(campaign, quote_id)
    db = get_db()
    with store.transaction(db):
        store.review.withdraw_quote(db, quote_id, "withdrawn in review")
        store.staff.audit(
            db, _me()["id"], "withdraw_quote", quote["evidence_ref"], campaign["code"]
        )
    return redirect(url_for(".item", code=code, item_id=quote["review_item_id"]) + "#quotes")


@bp.post("/items/<int:item_id>/included")
@require_role("lead")
def set_included(code: str, item_id: int):
    """Include an item in the evidence, or leave it out."""
    campaign = campaign_or_404(code)
    found = _item(campaign, item_id)
    choice = request.form.get("included")
    if choice not in ("yes", "no"):
        refuse(400, _("Choose include or leave out"))
    store.review.set_item_included(get_db(), found["id"], choice == "yes", _me()["email"])
    return redirect(_item_url(campaign, found))


@bp.post("/items/<int:item_id>/describe")
@require_role("lead")
def describe(code: str, item_id: int):
    """Describe a drawing, photo, video or recording in words."""
    campaign = campaign_or_404(code)
    found = _item(campaign, item_id)
    if found["item_kind"] == "answer":
        refuse(400, _("Only media is described"), [_("Written answers have their own words.")])
    form = forms.DescriptionForm()
    if not form.validate():
        return _item_page(campaign, found, {"describe": form}, 400)
    store.review.describe_media(get_db(), found["id"], form.description.data, _me()["email"])
    return redirect(_item_url(campaign, found))


@bp.post("/items/<int:item_id>/redactions/<int:redaction_id>")
@require_role("lead")
def decide_redaction(code: str, item_id: int, redaction_id: int):
    """Confirm or reject one suggested redaction."""
    campaign = campaign_or_404(code)
    found = _item(campaign, item_id)
    if redaction_id not in {r["id"] for r in found["redactions"]}:
        refuse(404)
    decision = request.form.get("decision")
    if decision not in ("confirm", "reject"):
        refuse(400, _("Choose confirm or reject"))
    store.review.decide_redaction(get_db(), redaction_id, decision == "confirm", _me()["email"])
    return redirect(_item_url(campaign, found, "#redactions"))


@bp.post("/items/<int:item_id>/redactions")
@require_role("lead")
def add_redaction(code: str, item_id: int):
    """Redact words the suggestions missed."""
    campaign = campaign_or_404(code)
    found = _item(campaign, item_id)
    form = forms.RedactionForm(id_prefix="redact")
    valid = _checked(form, campaign, found)
    span = _span(form, found)
    if not valid or span is None:
        return _item_page(campaign, found, {"redact": form}, 400)
    start, end = span
    store.review.add_redaction(get_db(), found["id"], start, end, form.kind.data, _me()["email"])
    return redirect(_item_url(campaign, found, "#redactions"))


@bp.get("/items/<int:item_id>/media/<variant>")
@require_role("lead")
def media_file(code: str, item_id: int, variant: str):
    """Send a media item's file (or a group's flip-chart photo) to the review team."""
    from engage import mediaanswers

    campaign = campaign_or_404(code)
    found = _item(campaign, item_id)
    if variant not in MEDIA_VARIANTS:
        refuse(404)
    db = get_db()
    action = "view_flagged" if found["held"] else "view_media"
    store.staff.audit(db, _me()["id"], action, f"review item {item_id}", variant)
    if found["item_kind"] == "media":
        media = store.media.media_item(db, found["item_id"])
        if media is None:
            refuse(404)
        return mediaanswers.send_item(media, variant)
    note = (
        store.groups.group_note(db, found["item_id"])
        if found["item_kind"] == "group_note"
        else None
    )
    if note is None or not note["photo_sha256"] or variant == "poster":
        refuse(404)
    return mediaanswers.send_item(
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


# --- triangulation ---


def _tables(campaign: dict) -> Tables:
    """Return the campaign's published tables: its snapshot, suppressed as every export is."""
    db = get_db()
    return snapshots.tables(db, campaign, evidence.export_input(db, campaign))


@bp.get("/triangulation")
@require_role("lead")
def triangulation(code: str):
    """Show statements by respondent group and by answered_how, as charts and tables."""
    campaign = campaign_or_404(code)
    tables = _tables(campaign)
    by_group, by_how = tables.by_group, tables.by_how
    charts = {
        "group": matrix_svg(
            by_group, _("Share positive by group"), "chart-group", inline_style=False
        ),
        "how": matrix_svg(
            by_how, _("Share positive by how people answered"), "chart-how", inline_style=False
        ),
    }
    return render_template(
        "review/triangulation.html",
        campaign=campaign,
        matrices=(("group", by_group), ("how", by_how)),
        charts=charts,
    )


# --- exports ---


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
    me = _me()
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
            _me()["id"],
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


# --- "we will" and "you said" ---


@bp.route("/we-will", methods=["GET", "POST"])
@require_role("lead")
def we_will(code: str):
    """Write what the organisation will do about each statement, and publish "you said"."""
    campaign = campaign_or_404(code)
    db = get_db()
    statements = _statements(campaign)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        texts = {s.id: typed.clean(request.form.get(f"we_will_{s.id}")) for s in statements}
        errors = {
            key: problems for key, text in texts.items() if (problems := _we_will_problems(text))
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
        with store.transaction(db):
            for statement_id, text in texts.items():
                store.evidence.set_we_will(db, campaign["id"], statement_id, text, _me()["email"])
            publish = request.form.get("published")
            if publish in ("yes", "no"):
                store.campaigns.set_you_said_published(db, campaign["id"], publish == "yes")
                store.staff.audit(db, _me()["id"], "publish_you_said", campaign["code"], publish)
        return redirect(url_for(".we_will", code=code, saved=1))
    return render_template(
        "review/we_will.html",
        campaign=campaign,
        statements=statements,
        texts=store.evidence.we_will(db, campaign["id"]),
        errors=errors,
        saved=request.args.get("saved") == "1",
    )


def you_said_quotes(campaign: dict, per_statement: int = 3) -> dict[str, list[str]]:
    """Return a few shareable quotes per statement: consented, included, not held, redacted."""
    chosen: dict[str, list[str]] = {}
    for quote in evidence.quote_records(get_db(), campaign["id"]):
        if not quote_is_exportable(quote):
            continue
        spans = [redaction.Span(s, e, k) for s, e, k in quote.redactions]
        words = redaction.redact_quote(quote.item_text, quote.start, quote.end, spans)
        listed = chosen.setdefault(quote.statement_ids[0], [])
        if len(listed) < per_statement:
            listed.append(words)
    return chosen


public = Blueprint("yousaid", __name__, template_folder="templates")


@public.get("/s/<code>/you-said")
def you_said(code: str):
    """Tell the people who took part what they said and what will happen, in easy read."""
    campaign = store.campaigns.campaign_by_code(get_db(), code)
    if campaign is None or not campaign.get("you_said_published_at"):
        refuse(404)
    # In the language the person chose for this campaign's pages, which they can change here.
    g.campaign = campaign
    g.language = i18n.usable(session.get("languages", {}).get(code), campaign["languages"])
    refresh()
    # A statement gets a figure only where the exports show its share for everyone.
    shares = {row.statement.id: row.total.share_positive for row in _tables(campaign).by_group.rows}
    return render_template(
        "review/you_said.html",
        campaign=campaign,
        statements=_statements(campaign),
        shares=shares,
        quotes=you_said_quotes(campaign),
        texts=store.evidence.we_will(get_db(), campaign["id"]),
    )
