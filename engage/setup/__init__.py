"""Leads' pages under /staff/: accounts, campaign settings, questions, words to avoid,
and the printable invitation for families."""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
from datetime import UTC, date, datetime, timedelta

from flask import (
    Blueprint,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from easyread import checks as easyread_checks
from engage import auth, campaigns, content, store
from engage.auth import require_role
from engage.campaigns import campaign_or_404
from engage.errors import error_page, refuse
from engage.respondent.forms import Checked
from engage.review import lead_media
from engage.services import links
from engage.setup import forms, printable
from engage.store import get_db
from engage.vocab import RESPONDENT_GROUPS, SCALE_CHOICES, Choice, answer_choices
from media import pictures

bp = Blueprint("setup", __name__, url_prefix="/staff", template_folder="templates")

INVITATION_DAYS = 7
NEW_QUESTION_ID = re.compile(r"^(?P<statement>[A-Z0-9]+)-C(?P<number>\d{2,})$")


@bp.context_processor
def _setup_context() -> dict:
    return {
        "staff_user": auth.current_user(),
        "role_names": auth.ROLE_NAMES,
        "respondent_groups": RESPONDENT_GROUPS,
        "extra_languages": forms.EXTRA_LANGUAGES,
    }


def _me() -> dict:
    return auth.current_user()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


# --- accounts ---


def _users_page(invite: forms.InvitationForm, status: int = 200, made_link: str | None = None):
    db = get_db()
    return (
        render_template(
            "setup/users.html",
            users=store.staff.users_all(db),
            pending=store.staff.pending_invitations(db, _stamp(datetime.now(UTC))),
            invite=invite,
            page_errors=invite.errors,
            made_link=made_link,
            roles=auth.ROLES,
        ),
        status,
    )


@bp.get("/users")
@require_role("lead")
def users():
    """List every account with its role, and offer the invitation form."""
    return _users_page(forms.InvitationForm(formdata=None))


@bp.post("/users/invite")
@require_role("lead")
def invite():
    """Make an invitation and show the lead its link to send (there is no e-mail server)."""
    form = forms.InvitationForm()
    db = get_db()
    if not form.validate():
        return _users_page(form, 400)
    if store.staff.user_by_email(db, form.email.data):
        form.email.errors = [_("There is already an account with this email address.")]
        return _users_page(form, 400)
    token = secrets.token_urlsafe(32)
    expires = _stamp(datetime.now(UTC) + timedelta(days=INVITATION_DAYS))
    with db.atomic():
        store.staff.create_invitation(
            db,
            token_hash=_token_hash(token),
            email=form.email.data,
            role=form.role.data,
            invited_by=_me()["id"],
            expires_at=expires,
        )
        store.staff.audit(
            db,
            _me()["id"],
            "invite_user",
            form.email.data,
            f"role {form.role.data}",
        )
    link = links.absolute(url_for(".accept_invitation", token=token))
    return _users_page(forms.InvitationForm(formdata=None), 200, made_link=link)


def _target_user(user_id: int) -> dict:
    user = store.staff.user_by_id(get_db(), user_id)
    if user is None:
        refuse(404)
    return user


def _last_lead_refusal():
    return error_page(
        400,
        _("You cannot do that"),
        [
            _("This is the last active lead."),
            _("Make another account a lead first."),
            _("Nothing has been changed."),
        ],
    )


@bp.post("/users/<int:user_id>/role")
@require_role("lead")
def change_role(user_id: int):
    """Change an account's role, keeping at least one active lead."""
    user = _target_user(user_id)
    role = request.form.get("role")
    if role not in auth.ROLES:
        refuse(400)
    db = get_db()
    if role != user["role"]:
        if not store.staff.set_user_role(db, user_id, role):
            return _last_lead_refusal()
        store.staff.audit(
            db, _me()["id"], "change_role", user["email"], f"{user['role']} to {role}"
        )
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/active")
@require_role("lead")
def change_active(user_id: int):
    """Deactivate an account (ending its sessions) or reactivate it."""
    user = _target_user(user_id)
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        refuse(400)
    db = get_db()
    active = wanted == "1"
    if active != bool(user["active"]):
        if not store.staff.set_user_active(db, user_id, active):
            return _last_lead_refusal()
        action = "reactivate_user" if active else "deactivate_user"
        store.staff.audit(db, _me()["id"], action, user["email"])
    return redirect(url_for(".users"))


@bp.post("/users/invitations/<int:invitation_id>/revoke")
@require_role("lead")
def revoke_invitation(invitation_id: int):
    """Cancel an invitation that has not been used, so its link stops working."""
    db = get_db()
    invitation = store.staff.invitation_by_id(db, invitation_id)
    if invitation is None:
        refuse(404)
    if store.staff.revoke_invitation(db, invitation_id):
        store.staff.audit(db, _me()["id"], "revoke_invitation", invitation["email"])
    return redirect(url_for(".users"))


def _inviter_can_invite(invitation: dict) -> bool:
    inviter = store.staff.user_by_id(get_db(), invitation["invited_by"])
    return bool(inviter and inviter["active"] and inviter["role"] == "lead")


def _usable_invitation(token: str) -> dict:
    invitation = store.staff.invitation_by_token_hash(get_db(), _token_hash(token[:200]))
    if invitation is None or invitation["revoked_at"] or not _inviter_can_invite(invitation):
        refuse(
            404,
            _("This invitation link does not work"),
            [_("Check you copied the whole link."), _("Or ask a lead for a new invitation.")],
        )
    if invitation["used_at"] or invitation["expires_at"] <= _stamp(datetime.now(UTC)):
        refuse(
            410,
            _("This invitation has already been used or is too old"),
            [
                _("Each invitation works once, for 7 days."),
                _("If you have an account, sign in."),
                _("If not, ask a lead for a new invitation."),
            ],
        )
    return invitation


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Let an invited person choose their name and password, then sign them in."""
    invitation = _usable_invitation(token)
    checked = Checked()
    status = 200
    if request.method == "POST":
        checked = forms.new_account(request.form, invitation["email"])
        db = get_db()
        if not checked.errors and store.staff.user_by_email(db, invitation["email"]):
            refuse(410, _("This invitation has already been used or is too old"))
        if not checked.errors:
            user_id = store.staff.accept_invitation(
                db,
                invitation,
                name=checked.values["name"],
                password_hash=auth.hash_password(checked.values["password"]),
            )
            if user_id is None:
                refuse(410, _("This invitation has already been used or is too old"))
            store.staff.audit(db, user_id, "accept_invitation", invitation["email"])
            auth.sign_out()
            auth.sign_in(store.staff.user_by_id(db, user_id))
            return redirect(url_for("staff.dashboard"))
        status = 400
    checked.values.pop("password", None)
    return render_template(
        "setup/accept_invitation.html", invitation=invitation, checked=checked
    ), status


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
            "setup/campaign_form.html",
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
    with db.atomic():
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
            _me()["id"],
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
        "setup/campaign.html",
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
    with db.atomic():
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
                db, _me()["id"], "edit_campaign", code, json.dumps(changes, ensure_ascii=False)
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
        with db.atomic():
            store.campaigns.set_campaign_status(db, found["id"], status)
            action = "open_campaign" if status == "open" else "close_campaign"
            store.staff.audit(db, _me()["id"], action, code)
    return redirect(url_for(".campaign", code=code))


# --- questions ---


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
    own = [Choice(pid, alt, pid, "") for pid, alt in lead_media.own_choices(campaign_id)]
    return own + [
        Choice(picture_id, pictures.default_alt(picture_id), picture_id, "")
        for picture_id in sorted(pictures.library_ids())
    ]


def _picture_ids(campaign_id: int) -> set[str]:
    return {choice.value for choice in _picture_choices(campaign_id)}


def _question_form(
    found: dict,
    checked: Checked,
    *,
    question: dict | None,
    statement,
    status: int = 200,
    saved: bool = False,
):
    return (
        render_template(
            "setup/question_form.html",
            campaign=found,
            question=question,
            statement=statement,
            checked=checked,
            results=wording_checks(checked.values, _extra_terms(found["id"])),
            picture_choices=_picture_choices(found["id"]),
            saved=saved,
        ),
        status,
    )


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
        "setup/questions.html",
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
        checked = Checked(values=_english_values(question["content"]))
        return _question_form(
            found,
            checked,
            question=question,
            statement=statement,
            saved=request.args.get("saved") == "1",
        )
    checked = forms.question(request.form, _picture_ids(found["id"]))
    if checked.errors or request.form.get("action") == "check":
        return _question_form(
            found,
            checked,
            question=question,
            statement=statement,
            status=400 if checked.errors else 200,
        )
    before = _english_values(question["content"])
    after = {
        **{name: checked.values[name] for name in forms.QUESTION_FIELDS},
        "picture": checked.values["picture"],
    }
    if after != before:
        db = get_db()
        with db.atomic():
            store.campaigns.update_question_content(
                db, found["id"], question_id, _with_english(question["content"], after)
            )
            changed = {k: after[k] for k in after if after[k] != before[k]}
            store.staff.audit(
                db,
                _me()["id"],
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
        checked = Checked(values={name: "" for name in forms.QUESTION_FIELDS} | {"picture": ""})
        return _question_form(found, checked, question=None, statement=statement)
    checked = forms.question(request.form, _picture_ids(found["id"]))
    if checked.errors or request.form.get("action") == "check":
        return _question_form(
            found,
            checked,
            question=None,
            statement=statement,
            status=400 if checked.errors else 200,
        )
    db = get_db()
    with db.atomic():
        question_id = _next_question_id(
            store.campaigns.campaign_questions(db, found["id"]), statement_id
        )
        new_content = {
            "id": question_id,
            "framework_id": found["framework_id"],
            "statement_id": statement_id,
            "text": {"en": checked.values["text"]},
            "hint": {"en": checked.values["hint"]} if checked.values["hint"] else {},
            "picture": checked.values["picture"],
            "alt": {"en": checked.values["alt"]},
            "tell_us_more": {"en": checked.values["tell_us_more"]},
            "reversed": False,
        }
        store.campaigns.add_campaign_question(db, found["id"], found["statement_ids"], new_content)
        store.staff.audit(
            db,
            _me()["id"],
            "add_question",
            f"{code} {question_id}",
            json.dumps(checked.values, ensure_ascii=False),
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
    values = {}
    if request.method == "POST":
        values = {
            "answer": request.form.get("answer", "")[:40],
            "free_text": request.form.get("free_text", "")[:5000],
        }
    return render_template(
        "setup/preview.html",
        question=question,
        number=number,
        choices=answer_choices(found["scale_points"]),
        checked=Checked(values=values),
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


# --- words to avoid ---


def _words_page(form: forms.WordForm, status: int = 200):
    db = get_db()
    return (
        render_template(
            "setup/words.html",
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
    with db.atomic():
        store.campaigns.add_extra_term(
            db,
            campaign_id=campaign_id,
            term=form.term.data,
            plainer=form.plainer.data,
            added_by=_me()["id"],
        )
        store.staff.audit(db, _me()["id"], "add_word", form.term.data, scope)
    return redirect(url_for(".words"))


@bp.post("/words/<int:term_id>/remove")
@require_role("lead")
def remove_word(term_id: int):
    """Take a word off the list."""
    db = get_db()
    term = next((t for t in store.campaigns.all_extra_terms(db) if t["id"] == term_id), None)
    if term is None:
        refuse(404)
    with db.atomic():
        store.campaigns.remove_extra_term(db, term_id)
        store.staff.audit(db, _me()["id"], "remove_word", term["term"])
    return redirect(url_for(".words"))


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
        "setup/invitation.html",
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
