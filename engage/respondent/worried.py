"""The safeguarding pages a respondent sees: "I am worried", "talk to someone", what happens next.

Also the supporter's page that opens the survey again on a tablet after "exit this page".
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engage import attempts, store
from engage.errors import refuse
from engage.handover import check_pin, supporter_pin_limits
from engage.respondent import forms
from engage.respondent.binding import bound_session, refuse_unless_open
from engage.safeguarding import clear_exit_hold
from engage.store import get_db
from engage.vocab import Choice

bp = Blueprint("worried", __name__)
bp.before_request(refuse_unless_open)


@bp.route("/reopen", methods=["GET", "POST"])
def reopen():
    """Let a supporter open the survey again on a tablet after "exit this page", with a PIN.

    One tap on "exit this page" by accident would otherwise shut a shared tablet for 15
    minutes. The person's answers are saved: they carry on with their code.
    """
    error = None
    status = 200
    form = forms.ReopenForm()
    email = form.email.data or ""
    if form.is_submitted():
        supporter = store.staff.user_by_email(get_db(), email) if email else None
        # An unknown address still counts against the limits, as a guess at someone's PIN.
        attempt = attempts.begin(
            "pin", supporter_pin_limits(supporter["id"] if supporter else f"unknown:{email}")
        )
        if not attempt.allowed:
            error = _("Too many wrong PINs. Sign in with your password instead.")
            status = 429
        elif supporter is not None and check_pin(supporter, form.pin.data):
            attempt.succeeded()
            clear_exit_hold()
            store.staff.audit(get_db(), supporter["id"], "exit_hold_reopened", g.campaign["code"])
            return redirect(url_for("respondent.journey.welcome"))
        else:
            error = _("That e-mail address or PIN is wrong.")
            status = 400
    return render_template("worried/reopen.html", error=error, email=email), status


def safe_onward(target: str | None) -> str | None:
    """Return a path inside this campaign's pages to carry on to, or None."""
    base = f"/s/{g.campaign['code']}/"
    if target and target.startswith(base) and "//" not in target and "\\" not in target:
        return target
    return None


@bp.route("/worried", methods=["GET", "POST"])
def worried():
    """Let a person say they are worried or want to talk to someone; flag it for the lead."""
    respondent = bound_session()
    onward = safe_onward(request.values.get("then"))
    form = forms.WorryForm()
    if form.is_submitted() and form.validate():
        typed = form.worry.data
        if respondent is None:
            _limit_worries_from_nobody()
        flag_id = store.safeguarding.raise_flag(
            get_db(),
            campaign_id=g.campaign["id"],
            reason="worried",
            session_id=respondent["id"] if respondent else None,
            excerpt=typed,
        )
        # Only this browser may add a way to reach the person to the flag it raised.
        session["worry_flag"] = flag_id
        return redirect(url_for(".talk", then=onward))
    checked = form.as_checked()
    return (
        render_template(
            "worried/worried.html",
            error=checked.errors.get("worry"),
            typed=checked.values["worry"],
            onward=onward,
            back=onward or url_for("respondent.journey.welcome"),
        ),
        400 if form.errors else 200,
    )


# Someone who has not started answering can still say they are worried, with no session to
# tie the flag to; without a limit one script filled the leads' list in a second. A person in
# the survey is never limited. Per browser is what a real person could reach; per address is a
# ceiling high enough for a building's shared connection.
WORRIES_PER_BROWSER = 3
WORRIES_FROM_NOBODY = ((WORRIES_PER_BROWSER, 60 * 60),)
WORRIES_PER_ADDRESS = ((20, 60 * 60),)


def _limit_worries_from_nobody() -> None:
    """Refuse a flood of worries from outside the survey; each one let in is counted."""
    campaign = g.campaign["id"]
    attempt = attempts.begin(
        "worried",
        [
            (f"{campaign}:browser:{attempts.browser_id()}", WORRIES_FROM_NOBODY),
            (f"{campaign}:address:{attempts.address()}", WORRIES_PER_ADDRESS),
        ],
    )
    if not attempt.allowed:
        refuse(
            429,
            _("We have your message already"),
            [_("Someone will read what you sent."), _("If you are in danger now, call 999.")],
        )


def contact_ways() -> list[Choice]:
    """Return the ways a worried person can ask to be reached, as choice cards."""
    return [
        Choice("phone", _("Phone me"), "contact", _("A telephone, for calling someone")),
        Choice("email", _("Email me"), "", ""),
        Choice("other", _("Another way"), "", ""),
        Choice(
            "supporter",
            _("My supporter can tell you how"),
            "with-help",
            _("Two people holding hands"),
        ),
    ]


@bp.route("/talk", methods=["GET", "POST"])
def talk():
    """Ask a worried person, if they want, who they are and how someone can reach them."""
    onward = safe_onward(request.values.get("then"))
    flag_id = session.get("worry_flag")
    if flag_id is None:
        return redirect(url_for(".next_steps", then=onward))
    form = forms.TalkForm()
    if form.is_submitted() and form.skip.data:
        session.pop("worry_flag", None)
        return redirect(url_for(".next_steps", then=onward))
    form.offer(way.value for way in contact_ways())
    if form.is_submitted() and form.validate():
        way = form.way.data
        if way:
            store.safeguarding.add_worry_contact(
                get_db(), flag_id, form.name.data, way, form.details.data
            )
        session.pop("worry_flag", None)
        return redirect(url_for(".next_steps", then=onward, told=1 if way else None))
    checked = form.as_checked()
    return (
        render_template(
            "worried/talk.html",
            errors=checked.errors,
            values=checked.values,
            ways=contact_ways(),
            onward=onward,
        ),
        400 if checked.errors else 200,
    )


@bp.get("/what-happens-next")
def next_steps():
    """Tell the person, in easy read, what happens after they raised a worry."""
    onward = safe_onward(request.args.get("then"))
    return render_template(
        "worried/next_steps.html",
        onward=onward or url_for("respondent.journey.welcome"),
        told=bool(request.args.get("told")),
    )
