"""A campaign's questions, for leads: edit, add, preview, check the wording; the words to avoid."""

from __future__ import annotations

import json
import re

from flask import (
    Blueprint,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from easyread import checks as easyread_checks
from engage import auth, content, picture_uploads, store
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.checks import Checked
from engage.errors import refuse
from engage.staff import setup_forms as forms
from engage.store import get_db
from engage.vocab import Choice, answer_choices
from media import pictures

bp = Blueprint("questions", __name__)


NEW_QUESTION_ID = re.compile(r"^(?P<statement>[A-Z0-9]+)-C(?P<number>\d{2,})$")


def _extra_terms(campaign_id: int | None) -> list[str]:
    return [row["term"] for row in store.campaigns.extra_terms(get_db(), campaign_id)]


def wording_checks(values: dict[str, str], terms: list[str]) -> dict[str, list[str]]:
    """Return the easy-read problems of each field of a question's wording."""
    results = {}
    for name in forms.QUESTION_FIELDS:
        text = values.get(name) or ""
        found = easyread_checks.sentence_problems(text)
        found += [
            _('"%(word)s" is a long word. Try a shorter one.', word=word)
            for word in easyread_checks.long_words(text)
        ]
        found += easyread_checks.jargon_problems(text, terms)
        if name == "text" and text:
            found += easyread_checks.question_form_problems(text)
        results[name] = found
    return results


def _picture_choices(campaign_id: int) -> list[Choice]:
    # The label names the picture, so the thumbnail itself is decorative. The campaign's own
    # pictures come first, as a lead added them for these questions.
    own = [Choice(pid, alt, pid, "") for pid, alt in picture_uploads.own_choices(campaign_id)]
    return own + [
        Choice(picture_id, pictures.default_alt(picture_id), picture_id, "")
        for picture_id in sorted(pictures.library_ids())
    ]


def _question_form(
    found: dict,
    form: forms.QuestionForm,
    *,
    question: dict | None,
    statement,
    status: int = 200,
    saved: bool = False,
):
    return (
        render_template(
            "staff/question_form.html",
            campaign=found,
            question=question,
            statement=statement,
            form=form,
            results=wording_checks(form.wording(), _extra_terms(found["id"])),
            picture_choices=_picture_choices(found["id"]),
            saved=saved,
        ),
        status,
    )


def _offered(found: dict, form: forms.QuestionForm) -> forms.QuestionForm:
    form.picture.choices = [(c.value, c.label) for c in _picture_choices(found["id"])]
    return form


@bp.get("/campaigns/<code>/questions")
@require_role("lead")
def questions(code: str):
    """List the campaign's questions by statement, with links to edit, preview and add."""
    found = campaign_or_404(code)
    framework = content.library().frameworks[found["framework_id"]]
    by_statement = {s: [] for s in found["statement_ids"]}
    for question in store.campaigns.campaign_questions(get_db(), found["id"]):
        by_statement.setdefault(question["statement_id"], []).append(question)
    return render_template(
        "staff/questions.html",
        campaign=found,
        groups=[(framework.statement(s), qs) for s, qs in by_statement.items()],
    )


def _english_values(question_content: dict) -> dict[str, str]:
    values = {name: question_content.get(name, {}).get("en", "") for name in forms.QUESTION_FIELDS}
    values["picture"] = question_content["picture"]
    return values


def _with_english(question_content: dict, values: dict) -> dict:
    """Put new English wording into a question's content.

    A field whose English changed loses its translations: an old translation would ask
    something else, and English is shown until a new one is made.
    """
    updated = dict(question_content)
    for name in forms.QUESTION_FIELDS:
        old = question_content.get(name, {})
        if old.get("en", "") != values[name]:
            updated[name] = {"en": values[name]} if values[name] else {}
    updated["picture"] = values["picture"]
    return updated


@bp.route("/campaigns/<code>/questions/<question_id>", methods=["GET", "POST"])
@require_role("lead")
def edit_question(code: str, question_id: str):
    """Change the wording and picture of the campaign's copy of a question."""
    found = campaign_or_404(code)
    question = store.campaigns.campaign_question(get_db(), found["id"], question_id)
    if question is None:
        refuse(404)
    statement = (
        content.library().frameworks[found["framework_id"]].statement(question["statement_id"])
    )
    if request.method == "GET":
        form = forms.QuestionForm(formdata=None, data=_english_values(question["content"]))
        return _question_form(
            found,
            _offered(found, form),
            question=question,
            statement=statement,
            saved=request.args.get("saved") == "1",
        )
    form = _offered(found, forms.QuestionForm())
    if not form.validate() or form.action.data == "check":
        return _question_form(
            found,
            form,
            question=question,
            statement=statement,
            status=400 if form.errors else 200,
        )
    before = _english_values(question["content"])
    after = form.wording()
    if after != before:
        db = get_db()
        with store.transaction(db):
            store.campaigns.update_question_content(
                db, found["id"], question_id, _with_english(question["content"], after)
            )
            changed = {k: after[k] for k in after if after[k] != before[k]}
            store.staff.audit(
                db,
                auth.current_user()["id"],
                "edit_question",
                f"{code} {question_id}",
                json.dumps(changed, ensure_ascii=False),
            )
    return redirect(url_for(".edit_question", code=code, question_id=question_id, saved=1))


def _next_question_id(existing: list[dict], statement_id: str) -> str:
    numbers = [
        int(match["number"])
        for question in existing
        if (match := NEW_QUESTION_ID.match(question["question_id"]))
        and match["statement"] == statement_id
    ]
    return f"{statement_id}-C{max(numbers, default=0) + 1:02d}"


@bp.route("/campaigns/<code>/statements/<statement_id>/new-question", methods=["GET", "POST"])
@require_role("lead")
def new_question(code: str, statement_id: str):
    """Add a question of the campaign's own to one of its statements."""
    found = campaign_or_404(code)
    if statement_id not in found["statement_ids"]:
        refuse(404)
    statement = content.library().frameworks[found["framework_id"]].statement(statement_id)
    if request.method == "GET":
        form = _offered(found, forms.QuestionForm(formdata=None))
        return _question_form(found, form, question=None, statement=statement)
    form = _offered(found, forms.QuestionForm())
    if not form.validate() or form.action.data == "check":
        return _question_form(
            found,
            form,
            question=None,
            statement=statement,
            status=400 if form.errors else 200,
        )
    wording = form.wording()
    db = get_db()
    with store.transaction(db):
        question_id = _next_question_id(
            store.campaigns.campaign_questions(db, found["id"]), statement_id
        )
        new_content = {
            "id": question_id,
            "framework_id": found["framework_id"],
            "statement_id": statement_id,
            "text": {"en": wording["text"]},
            "hint": {"en": wording["hint"]} if wording["hint"] else {},
            "picture": wording["picture"],
            "alt": {"en": wording["alt"]},
            "tell_us_more": {"en": wording["tell_us_more"]},
            "reversed": False,
        }
        store.campaigns.add_campaign_question(db, found["id"], found["statement_ids"], new_content)
        store.staff.audit(
            db,
            auth.current_user()["id"],
            "add_question",
            f"{code} {question_id}",
            json.dumps(wording, ensure_ascii=False),
        )
    return redirect(url_for(".edit_question", code=code, question_id=question_id, saved=1))


@bp.route("/campaigns/<code>/questions/<question_id>/preview", methods=["GET", "POST"])
@require_role("lead")
def preview_question(code: str, question_id: str):
    """Show the question exactly as a respondent sees it; answering here saves nothing."""
    found = campaign_or_404(code)
    db = get_db()
    question = store.campaigns.campaign_question(db, found["id"], question_id)
    if question is None:
        refuse(404)
    g.campaign = found
    g.questions = store.campaigns.campaign_questions(db, found["id"])
    # The lead hears the question as a respondent would.
    g.narration_page = True
    number = next(
        index for index, q in enumerate(g.questions, 1) if q["question_id"] == question_id
    )
    choices = answer_choices(found["scale_points"])
    checked = Checked()
    if request.method == "POST":
        form = forms.PreviewAnswerForm()
        form.answer.choices = [(choice.value, choice.value) for choice in choices]
        # Nothing is saved, so a choice left out is no mistake; an unoffered one is refused.
        form.validate()
        checked = form.as_checked()
    return render_template(
        "staff/preview.html",
        question=question,
        number=number,
        choices=choices,
        checked=checked,
        back=url_for(".edit_question", code=code, question_id=question_id),
        changing=False,
        tried=request.method == "POST",
    )


@bp.post("/campaigns/<code>/check-wording")
@require_role("lead")
def check_wording(code: str):
    """Answer the live checker with each field's easy-read problems, as JSON."""
    found = campaign_or_404(code)
    sent = request.get_json(silent=True)
    if not isinstance(sent, dict):
        refuse(400)
    values = {
        name: str(sent.get(name) or "")[: forms.TEXT_LIMITS[name] * 5]
        for name in forms.QUESTION_FIELDS
    }
    return jsonify(wording_checks(values, _extra_terms(found["id"])))


def _words_page(form: forms.WordForm, status: int = 200):
    db = get_db()
    return (
        render_template(
            "staff/words.html",
            terms=store.campaigns.all_extra_terms(db),
            built_in=easyread_checks.JARGON,
            form=form,
            page_errors=form.errors,
        ),
        status,
    )


def _word_form(campaigns: list[dict], formdata=None) -> forms.WordForm:
    form = forms.WordForm(formdata=formdata)
    form.scope.choices = [("all", _("Every campaign"))] + [
        (c["code"], c["title"]) for c in campaigns
    ]
    return form


@bp.route("/words", methods=["GET", "POST"])
@require_role("lead")
def words():
    """Keep the list of extra words and short forms the live checks flag."""
    db = get_db()
    campaigns = store.campaigns.campaign_overview(db)
    if request.method == "GET":
        return _words_page(_word_form(campaigns))
    form = _word_form(campaigns, request.form)
    valid = form.validate()
    scope = form.scope.data or "all"
    campaign_id = {c["code"]: c["id"] for c in campaigns}.get(scope)
    if valid and store.campaigns.extra_term_exists(db, campaign_id, form.term.data):
        form.term.errors = [_("That word is already on the list.")]
    if form.errors:
        return _words_page(form, 400)
    with store.transaction(db):
        store.campaigns.add_extra_term(
            db,
            campaign_id=campaign_id,
            term=form.term.data,
            plainer=form.plainer.data,
            added_by=auth.current_user()["id"],
        )
        store.staff.audit(db, auth.current_user()["id"], "add_word", form.term.data, scope)
    return redirect(url_for(".words"))


@bp.post("/words/<int:term_id>/remove")
@require_role("lead")
def remove_word(term_id: int):
    """Take a word off the list."""
    db = get_db()
    term = next((t for t in store.campaigns.all_extra_terms(db) if t["id"] == term_id), None)
    if term is None:
        refuse(404)
    with store.transaction(db):
        store.campaigns.remove_extra_term(db, term_id)
        store.staff.audit(db, auth.current_user()["id"], "remove_word", term["term"])
    return redirect(url_for(".words"))
