"""Group sessions: one screen for the group, a tally of how many chose each answer, and notes.

A tally is one record per question for the whole group (answered_how 'group'); nothing here
ever makes up individual answers from it.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage import auth, store
from engage.auth import require_role
from engage.errors import refuse
from engage.safeguarding import check_free_text
from engage.staff import group_forms as forms
from engage.store import get_db
from engage.vocab import RESPONDENT_GROUPS, SPEAKER_ROLES, answer_choices

bp = Blueprint("groups", __name__, url_prefix="/groups")

GROUP_ROLES = ("advocate", "lead")


def _campaign(campaign_id: int) -> dict:
    return store.campaigns.campaign_by_id(get_db(), campaign_id)


def _own_group(group_id: int) -> dict:
    """Return a group session the signed-in advocate started, refusing anyone else's."""
    group = store.groups.group_session(get_db(), group_id)
    if group is None:
        refuse(404)
    if group["advocate_id"] != auth.current_user()["id"]:
        refuse(
            403,
            _("This is another advocate's group session"),
            [_("Only the advocate who started it can open it.")],
        )
    return group


def _group_question(group: dict, question_id: str) -> tuple[int, dict]:
    if question_id not in group["question_ids"]:
        refuse(404)
    questions = {
        q["question_id"]: q
        for q in store.campaigns.campaign_questions(get_db(), group["campaign_id"])
    }
    return group["question_ids"].index(question_id), questions[question_id]


def _audit_flagged_notes(group: dict, notes: list[dict]) -> None:
    """Record a view of flagged words when a page shows a note that raised a flag."""
    flagged = store.safeguarding.group_flag_ids(get_db(), group["id"])
    shown = sorted({flagged[n["note"]] for n in notes if n["note"] in flagged})
    for flag_id in shown:
        store.staff.audit(get_db(), auth.current_user()["id"], "view_flagged", f"flag:{flag_id}")


def _scale(group: dict) -> list:
    return answer_choices(_campaign(group["campaign_id"])["scale_points"])


@bp.get("/")
@require_role(*GROUP_ROLES)
def index():
    """List this advocate's group sessions."""
    user = auth.current_user()
    return render_template(
        "groups/index.html", groups=store.groups.advocate_group_sessions(get_db(), user["id"])
    )


@bp.route("/new", methods=["GET", "POST"])
@require_role(*GROUP_ROLES)
def new():
    """Start a group session: campaign first, then place, group size and questions."""
    db = get_db()
    user = auth.current_user()
    campaigns = {c["code"]: c for c in store.campaigns.open_campaigns(db)}
    code = request.values.get("campaign", "")
    if code and code not in campaigns:
        refuse(400)
    if not code:
        missing = request.args.get("chosen") == "1"
        return (
            render_template(
                "groups/choose_campaign.html", campaigns=campaigns.values(), missing=missing
            ),
            400 if missing else 200,
        )
    campaign = campaigns[code]
    questions = store.campaigns.campaign_questions(db, campaign["id"])
    recent = store.groups.recent_group_details(db, user["id"])
    last = recent["last"] or {}
    # Details typed for an earlier group are offered again, not asked for twice (WCAG 3.3.7).
    if request.method == "POST":
        form = forms.NewGroupForm()
    else:
        form = forms.NewGroupForm(
            formdata=None,
            place=last.get("place", ""),
            group_size=str(last.get("group_size", "")),
            respondent_group=last.get("respondent_group", "person"),
            questions=[q["question_id"] for q in questions],
        )
    form.offer(RESPONDENT_GROUPS, questions)
    if request.method == "POST" and form.validate():
        chosen = form.questions.data
        group_id = store.groups.create_group_session(
            db,
            campaign_id=campaign["id"],
            advocate_id=user["id"],
            place=form.place.data,
            group_size=int(form.group_size.data),
            respondent_group=form.respondent_group.data,
            question_ids=[q["question_id"] for q in questions if q["question_id"] in chosen],
        )
        store.staff.audit(db, user["id"], "group_start", f"group:{group_id}")
        return redirect(url_for(".overview", group_id=group_id))
    return (
        render_template(
            "groups/new.html",
            campaign=campaign,
            questions=questions,
            places=recent["places"],
            groups=RESPONDENT_GROUPS.values(),
            form=form,
        ),
        400 if form.errors else 200,
    )


@bp.get("/<int:group_id>/")
@require_role(*GROUP_ROLES)
def overview(group_id: int):
    """Show a group session's questions, what has been counted and the notes."""
    blank = forms.FlipchartPhotoForm(formdata=None, id_prefix="flipchart")
    return _overview_page(_own_group(group_id), blank)


def _overview_page(group: dict, photo_form, status: int = 200):
    """Render a group's overview; a photo form sent with a mistake shows it beside the field."""
    group_id = group["id"]
    questions = {
        q["question_id"]: q
        for q in store.campaigns.campaign_questions(get_db(), group["campaign_id"])
    }
    notes = store.groups.group_notes(get_db(), group_id)
    _audit_flagged_notes(group, notes)
    return render_template(
        "groups/overview.html",
        group=group,
        campaign=_campaign(group["campaign_id"]),
        questions=[questions[qid] for qid in group["question_ids"]],
        tallies=store.groups.group_tallies(get_db(), group_id),
        notes=notes,
        speakers=SPEAKER_ROLES,
        respondent_group=RESPONDENT_GROUPS[group["respondent_group"]].label,
        photo_form=photo_form,
        page_errors=photo_form.errors,
    ), status


@bp.get("/<int:group_id>/q/<question_id>")
@require_role(*GROUP_ROLES)
def screen(group_id: int, question_id: str):
    """Show one question big, for the whole group to see."""
    group = _own_group(group_id)
    index, question = _group_question(group, question_id)
    ids = group["question_ids"]
    return render_template(
        "groups/screen.html",
        group=group,
        question=question,
        number=index + 1,
        choices=_scale(group),
        previous=ids[index - 1] if index > 0 else None,
        following=ids[index + 1] if index + 1 < len(ids) else None,
    )


def _note_form(group: dict, formdata=None) -> forms.NoteForm:
    form = forms.NoteForm(formdata=formdata)
    form.offer(SPEAKER_ROLES, _campaign(group["campaign_id"])["languages"])
    return form


def _tally_page(group: dict, question_id: str, status: int = 200, tally=None, note=None, **more):
    """Render the tally and notes of one question; a form sent with a mistake shows as typed."""
    index, question = _group_question(group, question_id)
    choices = _scale(group)
    if tally is None:
        saved = store.groups.group_tallies(get_db(), group["id"]).get(question_id)
        counts = {c.value: saved["counts"].get(c.value, 0) for c in choices} if saved else {}
        tally = forms.tally_form(choices, group["group_size"], counts=counts)
    notes = [
        n
        for n in store.groups.group_notes(get_db(), group["id"])
        if n["question_id"] == question_id
    ]
    _audit_flagged_notes(group, notes)
    note = note or _note_form(group)
    return (
        render_template(
            "groups/tally.html",
            group=group,
            question=question,
            number=index + 1,
            choices=choices,
            notes=notes,
            speakers=SPEAKER_ROLES,
            languages=_campaign(group["campaign_id"])["languages"],
            tally=tally,
            note_form=note,
            flagged=more.get("flagged", False),
            page_errors=tally.errors or note.errors,
        ),
        status,
    )


@bp.route("/<int:group_id>/q/<question_id>/tally", methods=["GET", "POST"])
@require_role(*GROUP_ROLES)
def tally(group_id: int, question_id: str):
    """Count how many people chose each answer, as one record for the group."""
    group = _own_group(group_id)
    index, _question = _group_question(group, question_id)
    if request.method == "GET":
        return _tally_page(group, question_id, flagged=request.args.get("flagged") == "1")
    if group["finished_at"]:
        refuse(400, _("This group session is finished"), [_("Its counts cannot change now.")])
    form = forms.tally_form(_scale(group), group["group_size"], formdata=request.form)
    if not form.validate():
        return _tally_page(group, question_id, 400, tally=form)
    store.groups.save_group_tally(
        get_db(), group_id, question_id, form.counts, auth.current_user()["id"]
    )
    following = group["question_ids"][index + 1 : index + 2]
    if following:
        return redirect(url_for(".screen", group_id=group_id, question_id=following[0]))
    return redirect(url_for(".overview", group_id=group_id))


@bp.post("/<int:group_id>/q/<question_id>/notes")
@require_role(*GROUP_ROLES)
def add_note(group_id: int, question_id: str):
    """Record what someone said, with only their role; concerning words raise a flag."""
    group = _own_group(group_id)
    _group_question(group, question_id)
    if group["finished_at"]:
        # A finished session's record is what the group agreed on the day.
        refuse(400, _("This group session is finished"), [_("No more notes can be added.")])
    form = _note_form(group, request.form)
    if not form.validate():
        return _tally_page(group, question_id, 400, note=form)
    note = form.note.data
    store.groups.add_group_note(
        get_db(), group_id, question_id, form.speaker_role.data, note, form.words_language()
    )
    flagged = check_free_text(
        group["campaign_id"], note, group_session_id=group_id, question_id=question_id
    )
    target = url_for(".tally", group_id=group_id, question_id=question_id, flagged=int(flagged))
    return redirect(target + "#notes")


@bp.route("/<int:group_id>/notes/<int:note_id>", methods=["GET", "POST"])
@require_role(*GROUP_ROLES)
def change_note(group_id: int, note_id: int):
    """Correct what a note says; concerning words raise a flag, as when it was added.

    A lead decides again about any quote taken from the note before it goes out.
    """
    group = _own_group(group_id)
    note = store.groups.group_note(get_db(), note_id)
    if note is None or note["group_session_id"] != group["id"]:
        refuse(404)
    if note["question_id"]:
        back = url_for(".tally", group_id=group_id, question_id=note["question_id"]) + "#notes"
    else:
        back = url_for(".overview", group_id=group_id) + "#flipchart"
    if request.method == "POST":
        form = forms.NoteChangeForm()
    else:
        form = forms.NoteChangeForm(formdata=None, note=note["note"], language=note["language"])
        _audit_flagged_notes(group, [note])
    form.offer_languages(_campaign(group["campaign_id"])["languages"])
    if request.method == "POST" and form.validate():
        store.groups.update_group_note(get_db(), note_id, form.note.data, form.words_language())
        check_free_text(
            group["campaign_id"],
            form.note.data,
            group_session_id=group_id,
            question_id=note["question_id"],
        )
        return redirect(back)
    return (
        render_template(
            "groups/note.html",
            group=group,
            note=note,
            form=form,
            languages=_campaign(group["campaign_id"])["languages"],
            back=back,
            speakers=SPEAKER_ROLES,
        ),
        400 if form.errors else 200,
    )


@bp.post("/<int:group_id>/finish")
@require_role(*GROUP_ROLES)
def finish(group_id: int):
    """Finish a group session: its counts are then fixed."""
    _own_group(group_id)
    store.groups.finish_group_session(get_db(), group_id)
    store.staff.audit(get_db(), auth.current_user()["id"], "group_finish", f"group:{group_id}")
    return redirect(url_for(".overview", group_id=group_id))


@bp.post("/<int:group_id>/photo")
@require_role(*GROUP_ROLES)
def add_photo(group_id: int):
    """Keep a photo of the group's flip-chart or mat, with words saying what it shows.

    It joins the leads' review queue as a group note with a photo.
    """
    from engage import picture_uploads as pictures

    group = _own_group(group_id)
    max_bytes = _campaign(group["campaign_id"])["max_photo_bytes"]
    pictures.allow_upload(max_bytes)
    form = forms.FlipchartPhotoForm(id_prefix="flipchart")
    form.offer_languages(_campaign(group["campaign_id"])["languages"])
    if not form.validate():
        return _overview_page(group, form, 400)
    description = form.description.data
    full, small, mime = pictures.cleaned_upload("photo", max_bytes)
    store.media.add_group_photo(
        get_db(),
        group_id,
        description,
        sha256=full,
        thumb_sha256=small,
        mime=mime,
        language=form.words_language(),
    )
    # The words about a flip-chart can hold a disclosure as much as a note can.
    check_free_text(group["campaign_id"], description, group_session_id=group_id)
    return redirect(url_for(".overview", group_id=group_id) + "#flipchart")
