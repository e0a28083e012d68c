"""The respondent journey: welcome, consent, who is answering, questions, check, thank you."""

from __future__ import annotations

import time

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engage import attempts, handover, i18n, resume_codes, store
from engage import settings as personal
from engage.erasure import erase_respondent, forget_changed_words
from engage.errors import refuse
from engage.respondent import forms, pages
from engage.respondent.binding import (
    bind,
    bound_session,
    refuse_unless_open,
    remember_language,
    unbind,
)
from engage.safeguarding import check_free_text
from engage.services import links
from engage.store import get_db
from engage.vocab import ANSWERED_HOW, RESPONDENT_GROUPS, answer_choices

bp = Blueprint("journey", __name__)
bp.before_request(refuse_unless_open)


def _question(question_id: str) -> tuple[int, dict]:
    for index, question in enumerate(g.questions):
        if question["question_id"] == question_id:
            return index, question
    refuse(404)


def _resume_point(respondent: dict) -> str:
    """Return where a person carries on: who is answering, then the first unanswered question."""
    if respondent["finished_at"]:
        return url_for(".thanks")
    if not respondent["respondent_group"]:
        return url_for(".who")
    answered = store.respondents.answers_for_session(get_db(), respondent["id"])
    for question in g.questions:
        if question["question_id"] not in answered:
            return url_for(".question", question_id=question["question_id"])
    return url_for(".check")


def _needs_session():
    respondent = bound_session()
    if respondent is None:
        return None, redirect(url_for(".welcome"))
    if respondent["finished_at"]:
        return None, redirect(url_for(".thanks"))
    return respondent, None


@bp.get("/")
def welcome():
    """Say what this is, how long it takes and that the person can stop at any time."""
    respondent = bound_session()
    minutes = max(5, round(len(g.questions) * 0.75))
    return render_template(
        "respondent/welcome.html",
        minutes=minutes,
        carry_on=_resume_point(respondent) if respondent else None,
    )


@bp.post("/language")
def choose_language():
    """Remember the language a person chose, in this browser and in their session."""
    form = forms.LanguageForm()
    form.offer(code for code in g.campaign["languages"] if code in i18n.LANGUAGES)
    form.validate()
    language = form.language.data
    remember_language(language)
    respondent = bound_session()
    if respondent is not None:
        store.respondents.set_session_language(get_db(), respondent["id"], language)
    # A page outside the journey ("you said") asks to come back to itself.
    return redirect(_same_campaign_page(form.next.data))


# The three consent questions, one a page, in order: (field, endpoint).
CONSENT_STEPS = (
    ("take_part", ".consent"),
    ("quote", ".consent_words"),
    ("media", ".consent_pictures"),
)


def _held(name: str) -> dict:
    """Return what a person has answered so far on a set of one-question pages, not yet saved.

    It stays in the signed session cookie, so nothing about them is stored before they have
    answered every consent question.
    """
    return dict(session.get(name, {}).get(g.campaign["code"], {}))


def _hold(name: str, values: dict | None) -> None:
    held = dict(session.get(name, {}))
    if values is None:
        held.pop(g.campaign["code"], None)
    else:
        held[g.campaign["code"]] = values
    session[name] = held


def _consent_step(step: int):
    """Ask one consent question; the last one starts the session (or changes its choices)."""
    name, _endpoint = CONSENT_STEPS[step]
    respondent = bound_session()
    if respondent and respondent["finished_at"]:
        return redirect(url_for(".thanks"))
    if respondent:
        answered = {
            key: "yes" if respondent[f"consent_{key}"] else "no" for key in forms.CONSENT_KEYS
        }
    else:
        answered = _held("consent")
        # A later question is only asked once the ones before it are answered.
        for earlier, endpoint in CONSENT_STEPS[:step]:
            if earlier not in answered:
                return redirect(url_for(endpoint))
    form_class = forms.CONSENT_FORMS[name]
    if request.method == "POST":
        form = form_class()
        if form.validate():
            return _consent_answered(step, respondent, {**answered, name: form[name].data})
    else:
        form = form_class(formdata=None, data={name: answered.get(name)})
    return render_template(
        "respondent/consent.html",
        checked=form.as_checked(),
        item=_consent_item(name),
        step=step,
        back=url_for(CONSENT_STEPS[step - 1][1]) if step else url_for(".welcome"),
    ), 400 if form.errors else 200


def _consent_answered(step: int, respondent: dict | None, answered: dict):
    if answered["take_part"] != "yes":
        _hold("consent", None)
        if respondent:
            erase_respondent(get_db(), respondent["id"], None, "withdrew consent")
            unbind()
        return redirect(url_for(".no_thanks"))
    last = step + 1 == len(CONSENT_STEPS)
    if respondent:
        if step:
            choices = {key: answered[key] == "yes" for key in forms.CONSENT_KEYS}
            store.respondents.update_consent(get_db(), respondent["id"], choices)
        if last:
            return redirect(_resume_point(respondent))
        return redirect(url_for(CONSENT_STEPS[step + 1][1]))
    if not last:
        _hold("consent", answered)
        return redirect(url_for(CONSENT_STEPS[step + 1][1]))
    _hold("consent", None)
    choices = {key: answered[key] == "yes" for key in forms.CONSENT_KEYS}
    respondent = store.respondents.start_session(
        get_db(), g.campaign["id"], choices, g.language, **handover.start_fields(g.campaign)
    )
    handover.note_session(g.campaign, respondent)
    bind(respondent)
    personal.carry_into_session(respondent["id"])
    return redirect(url_for(".who"))


def _consent_item(name: str) -> dict:
    """Return one consent question's words and picture."""
    return {
        "take_part": {
            "picture": "questions",
            "alt": _("A question mark"),
            "question": _("Do you want to answer our questions?"),
            "means": [
                _("You can say yes or no. Both are fine."),
                _("You can stop at any time."),
                _("Your support will not change because of what you say."),
            ],
        },
        "quote": {
            "picture": "quote",
            "alt": _("A speech bubble"),
            "question": _("May we use your words?"),
            "means": [
                _("We may copy what you write into our report."),
                _("We take out your name first."),
                _("Nobody will know it was you."),
            ],
        },
        "media": {
            "picture": "camera",
            "alt": _("A camera"),
            "question": _("May we use your pictures or video?"),
            "means": [
                _("You may draw or take photos for us."),
                _("We may show them in our report."),
                _("If you say no, only our team will see them."),
            ],
        },
    }[name] | {"name": name}


@bp.route("/consent", methods=["GET", "POST"])
def consent():
    """Ask, in easy read, whether the person wants to take part."""
    return _consent_step(0)


@bp.route("/consent/words", methods=["GET", "POST"])
def consent_words():
    """Ask whether we may quote what the person writes."""
    return _consent_step(1)


@bp.route("/consent/pictures", methods=["GET", "POST"])
def consent_pictures():
    """Ask whether we may show the person's pictures and video; then start their session."""
    return _consent_step(2)


@bp.get("/no-thanks")
def no_thanks():
    """Thank a person who chose not to take part; nothing about them is kept."""
    return render_template("respondent/no_thanks.html")


@bp.route("/who", methods=["GET", "POST"])
def who():
    """Ask who is answering."""
    respondent, away = _needs_session()
    if away:
        return away
    groups = {key: RESPONDENT_GROUPS[key] for key in g.campaign["respondent_groups"]}
    # A supporter already said how they help: the person is not asked again.
    assisted = ANSWERED_HOW.get(respondent["answered_how"]) if respondent["supporter_id"] else None
    changing = bool(request.args.get("change"))
    if request.method == "POST":
        form = forms.WhoForm()
    else:
        held = _held("who").get("respondent_group") or respondent["respondent_group"]
        form = forms.WhoForm(formdata=None, respondent_group=held)
    form.offer(groups)
    if request.method == "POST" and form.validate():
        group = form.respondent_group.data
        if assisted:
            return _who_answered(respondent, group, assisted.value, changing)
        # Held until "how" is answered too, so a session never has one without the other.
        _hold("who", {"respondent_group": group})
        return redirect(url_for(".who_how", change=1 if changing else None))
    return (
        render_template(
            "respondent/who.html",
            checked=form.as_checked(),
            groups=groups.values(),
            assisted=assisted,
            changing=changing,
        ),
        400 if form.errors else 200,
    )


@bp.route("/who/how", methods=["GET", "POST"])
def who_how():
    """Ask how the person is answering: on their own, with help, or someone for them."""
    respondent, away = _needs_session()
    if away:
        return away
    changing = bool(request.args.get("change"))
    group = _held("who").get("respondent_group") or respondent["respondent_group"]
    if not group or respondent["supporter_id"]:
        return redirect(url_for(".who", change=1 if changing else None))
    if request.method == "POST":
        form = forms.HowForm()
    else:
        form = forms.HowForm(formdata=None, answered_how=respondent["answered_how"])
    form.offer(ANSWERED_HOW)
    if request.method == "POST" and form.validate():
        return _who_answered(respondent, group, form.answered_how.data, changing)
    return (
        render_template(
            "respondent/who_how.html",
            checked=form.as_checked(),
            ways=ANSWERED_HOW.values(),
            changing=changing,
        ),
        400 if form.errors else 200,
    )


def _who_answered(respondent: dict, group: str, how: str, changing: bool):
    store.respondents.set_who(get_db(), respondent["id"], group, how)
    _hold("who", None)
    if changing:
        return redirect(url_for(".check"))
    saved = store.respondents.respondent_session(get_db(), respondent["id"])
    # A restore from backup can take the session away between reading and writing it.
    return redirect(_resume_point(saved) if saved else url_for(".welcome"))


@bp.route("/q/<question_id>", methods=["GET", "POST"])
def question(question_id: str):
    """Ask one question, with faces to tap and an optional box to say more."""
    index, question = _question(question_id)
    respondent, away = _needs_session()
    if away:
        return away
    if not respondent["respondent_group"]:
        return redirect(url_for(".who"))
    choices = answer_choices(g.campaign["scale_points"])
    changing = bool(request.args.get("change"))
    status = 200
    has_media = False
    if changing:
        back = url_for(".check")
    elif index:
        back = url_for(".question", question_id=g.questions[index - 1]["question_id"])
    else:
        back = url_for(".who")
    if request.method == "POST":
        form = forms.AnswerForm()
        form.offer(choice.value for choice in choices)
        action = form.action.data
        elsewhere = _leaving_to(action, back, question_id, changing)
        # Leaving to draw, photograph or record saves what is chosen so far, like stopping.
        stopping = action == "stop" or action.startswith("media-")
        leaving = stopping or elsewhere is not None
        form.validate()
        if leaving and set(form.errors) == {"answer"}:
            # Words with no face chosen yet are kept as a draft: leaving never loses them.
            form.answer.errors = []
        checked = form.as_checked()
        if not form.errors:
            answer, text = form.answer.data, form.free_text.data
            if (answer or text) and (elsewhere is not None or answer is None):
                store.respondents.keep_draft(get_db(), respondent["id"], question_id, answer, text)
            if elsewhere is not None:
                return redirect(elsewhere)
            if answer is not None:
                before = store.respondents.answer_to(get_db(), respondent["id"], question_id)[
                    "free_text"
                ]
                forget_changed_words(get_db(), before, text)
                store.respondents.save_answer(get_db(), respondent["id"], question_id, answer, text)
            if action.startswith("media-"):
                return redirect(
                    url_for(
                        "respondent.media.add",
                        kind=action.removeprefix("media-"),
                        q=question_id,
                        change=1 if changing else None,
                    )
                )
            if stopping:
                onward = url_for(".stop")
            elif changing or index + 1 == len(g.questions):
                onward = url_for(".check")
            else:
                onward = url_for(".question", question_id=g.questions[index + 1]["question_id"])
            if check_free_text(
                g.campaign["id"], text, session_id=respondent["id"], question_id=question_id
            ):
                return redirect(url_for("respondent.worried.next_steps", then=onward))
            return redirect(onward)
        status = 400
    else:
        saved = store.respondents.answer_to(get_db(), respondent["id"], question_id)
        has_media = bool(saved["has_media"])
        checked = forms.Checked(values={"free_text": saved["free_text"] or ""})
        if saved["value"] is not None:
            checked.values["answer"] = saved["value"]

    def render(words: str | None = None) -> str:
        if words is not None:
            checked.values["free_text"] = words
        return render_template(
            "respondent/question.html",
            question=question,
            number=index + 1,
            choices=choices,
            checked=checked,
            back=back,
            changing=changing,
        )

    # A plain visit, with no media answer listed, is the same page for everyone whose choices
    # match; it is rendered once and kept (see engage.respondent.pages).
    if request.method == "GET" and not request.query_string and pages.can_keep() and not has_media:
        key = pages.question_key(
            g.campaign["id"],
            question_id,
            g.language,
            personal.current(),
            checked.values.get("answer", ""),
            request.script_root,
        )
        return pages.rendered_pages().page(key, render, checked.values.get("free_text", ""))
    return render(), status


def _leaving_to(action: str, back: str, question_id: str, changing: bool) -> str | None:
    """Return where a question page's other controls go, or None for saving and stopping.

    Back, settings, "I am worried", the footer links and a media answer's "change" submit the
    question's form, so what is chosen and typed is kept on the way, with JavaScript or without.
    """
    here = request.path + ("?change=1" if changing else "")
    if action.startswith("item-") and action[5:].isdigit() and len(action) < 20:
        return url_for(
            "respondent.media.item",
            item_id=int(action[5:]),
            q=question_id,
            change=1 if changing else None,
        )
    places = {
        "back": lambda: back,
        "settings": lambda: url_for(".settings", next=here),
        "worried": lambda: url_for("respondent.worried.worried", then=here),
        "about": lambda: url_for("site.index"),
        "credits": lambda: url_for("site.attributions"),
    }
    place = places.get(action)
    return place() if place else None


@bp.route("/check", methods=["GET", "POST"])
def check():
    """Show every answer with a link to change it, then send them."""
    respondent, away = _needs_session()
    if away:
        return away
    if not respondent["respondent_group"]:
        return redirect(url_for(".who"))
    if request.method == "POST":
        store.respondents.finish_session(get_db(), respondent["id"])
        unbind()
        _remember_finished_code(respondent["resume_code"])
        return redirect(url_for(".thanks"))
    answers = store.respondents.answers_for_session(get_db(), respondent["id"])
    choices = {c.value: c for c in answer_choices(g.campaign["scale_points"])}
    # Drawings, photos, video and voice show beside the answer they belong to; None holds
    # what the person added on "tell us anything else".
    media = {
        question_id: store.media.media_items_for(get_db(), respondent["id"], question_id)
        for question_id in [q["question_id"] for q in g.questions] + [None]
    }
    return render_template(
        "respondent/check.html",
        respondent=respondent,
        answers=answers,
        choices=choices,
        media=media,
        groups=RESPONDENT_GROUPS,
        ways=ANSWERED_HOW,
        back=url_for(".question", question_id=g.questions[-1]["question_id"])
        if g.questions
        else url_for(".who"),
    )


# The thank-you page shows the person's code for a while after they send their answers, so
# they can write it down; a shared tablet forgets it when they press "done" or start again.
SHOW_FINISHED_CODE_SECONDS = 30 * 60


def _remember_finished_code(resume_code: str) -> None:
    shown = dict(session.get("finished_codes", {}))
    shown[g.campaign["code"]] = [resume_code, time.time()]
    session["finished_codes"] = shown


def _forget_finished_code() -> None:
    shown = dict(session.get("finished_codes", {}))
    if shown.pop(g.campaign["code"], None) is not None:
        session["finished_codes"] = shown


def _finished_code() -> str | None:
    kept = session.get("finished_codes", {}).get(g.campaign["code"])
    if kept and time.time() - kept[1] < SHOW_FINISHED_CODE_SECONDS:
        return kept[0]
    return None


bp.add_app_template_filter(resume_codes.spell_code, "spelt")


@bp.get("/thanks")
def thanks():
    """Thank the person once their answers are sent, and give the code to see or erase them."""
    return render_template(
        "respondent/thanks.html",
        with_supporter=handover.handed_over(g.campaign),
        resume_code=_finished_code(),
    )


@bp.post("/thanks/done")
def thanks_done():
    """Hide the code on this device, so the next person cannot use it."""
    _forget_finished_code()
    return redirect(url_for(".welcome"))


@bp.route("/my-answers", methods=["GET", "POST"])
def my_answers():
    """Let a person, or someone they ask, see their answers with their code, or take them out."""
    if request.method == "GET":
        return render_template("respondent/my_answers_code.html", error=None, typed="")
    form = forms.ResumeCodeForm()
    typed = form.resume_code.data
    code = resume_codes.normalise_resume_code(typed)
    attempt = _code_attempt() if code else None
    respondent = (
        store.respondents.session_by_resume_code(get_db(), g.campaign["id"], code) if code else None
    )
    if respondent is None:
        return render_template(
            "respondent/my_answers_code.html",
            error=resume_codes.resume_code_problem(typed) or _("We cannot find that code."),
            typed=typed,
        ), (400 if not code else 404)
    attempt.succeeded()
    action = form.action.data
    if action == "out":
        return render_template("respondent/my_answers_out.html", resume_code=code)
    if action == "out-sure":
        erase_respondent(
            get_db(), respondent["id"], None, "taken out by the person with their code"
        )
        _forget_finished_code()
        if personal.bound_session_id() == respondent["id"]:
            unbind()
        return render_template("respondent/my_answers_gone.html")
    return render_template(
        "respondent/my_answers.html",
        respondent=respondent,
        resume_code=code,
        answers=store.respondents.answers_for_session(get_db(), respondent["id"]),
        choices={c.value: c for c in answer_choices(g.campaign["scale_points"])},
        groups=RESPONDENT_GROUPS,
        ways=ANSWERED_HOW,
    )


@bp.get("/stop")
def stop():
    """Give the resume code and link so the person can come back later."""
    respondent = bound_session()
    return render_template(
        "respondent/stop.html",
        respondent=respondent,
        resume_link=links.absolute(url_for(".resume_link", resume_code=respondent["resume_code"]))
        if respondent
        else None,
        carry_on=_resume_point(respondent) if respondent else url_for(".welcome"),
        with_supporter=handover.handed_over(g.campaign),
    )


@bp.post("/stop/done")
def stop_done():
    """Forget the session on this device, so the next person cannot see the answers."""
    unbind()
    return redirect(url_for(".welcome"))


@bp.route("/resume", methods=["GET", "POST"])
def resume():
    """Let a person type their resume code."""
    if request.method == "POST":
        typed = forms.ResumeCodeForm().resume_code.data
        code = resume_codes.normalise_resume_code(typed)
        if not code:
            # What was typed stays in the box, so one missing character is easy to add.
            return render_template(
                "respondent/resume.html", error=resume_codes.resume_code_problem(typed), typed=typed
            ), 400
        attempt = _code_attempt()
        respondent = store.respondents.session_by_resume_code(get_db(), g.campaign["id"], code)
        if respondent is None:
            return render_template(
                "respondent/resume.html",
                error=_("We cannot find that code. Check it and try again."),
                typed=typed,
            ), 404
        attempt.succeeded()
        bind(respondent)
        return redirect(_resume_point(respondent))
    return render_template("respondent/resume.html", error=None, typed="")


@bp.route("/resume/<resume_code>", methods=["GET", "POST"])
def resume_link(resume_code: str):
    """Ask before a resume link opens saved answers on this device; only the button does.

    A link can be forwarded, opened by a chat app's preview or tapped on a shared tablet, so a
    GET looks nothing up and binds nothing. The POST counts as a code attempt, like typing it.
    """
    if request.method == "GET":
        return render_template("respondent/resume_link.html", resume_code=resume_code[:40])
    attempt = _code_attempt()
    respondent = store.respondents.session_by_resume_code(
        get_db(), g.campaign["id"], resume_codes.normalise_resume_code(resume_code)
    )
    if respondent is None:
        refuse(
            404,
            _("Sorry, we cannot find that code"),
            [_("The link may be wrong or old."), _("You can type your code instead.")],
        )
    attempt.succeeded()
    bind(respondent)
    return redirect(_resume_point(respondent))


def _code_attempt() -> attempts.Attempt:
    """Record a code attempt before it is looked up, refusing a browser that keeps guessing.

    A code is the key to someone's answers. The limit is per browser; per address there is
    only a high ceiling, since a whole care home may share one address.
    """
    attempt = attempts.begin(
        "resume",
        [
            (f"browser:{attempts.browser_id()}", attempts.RESUME_BROWSER),
            (f"address:{attempts.address()}", attempts.RESUME_ADDRESS_CEILING),
        ],
    )
    if not attempt.allowed:
        refuse(
            429,
            _("Too many wrong codes"),
            [_("Please wait 15 minutes."), _("Then try your code again.")],
        )
    return attempt


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Let a person choose pictures, reading aloud, text size, colours and letters."""
    next_page = _same_campaign_page(request.values.get("next", ""))
    if request.method == "POST":
        form = forms.settings_form()
        form.validate()
        personal.save(forms.chosen_settings(form))
        return redirect(next_page)
    return render_template("respondent/settings.html", next_page=next_page)


def _same_campaign_page(target: str) -> str:
    """Return `target` if it is a page of this campaign, else the welcome page."""
    base = url_for(".welcome")
    if target.startswith(base) and "//" not in target and "\\" not in target:
        return target
    return base
