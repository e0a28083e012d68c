"""Assisted answering: a supporter starts a session on a tablet, hands it over, takes it back.

While the person holds the tablet, this browser has no staff session at all: only a marker
saying which supporter started it, so the supporter can take it back with a PIN or by signing
in. Respondent pages therefore cannot show or reach anything of the staff side.

The marker names a hand-over recorded in the store, which expires after a few hours and can
be taken back once: a copy of the cookie is worthless after that. After a few wrong PINs on
one hand-over, only the password takes the tablet back.
"""

from __future__ import annotations

import secrets
import time

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engage import attempts, auth, store
from engage import settings as personal
from engage.auth import require_role
from engage.errors import refuse
from engage.handover import (
    ASSIST_ROLES,
    HELP,
    check_pin,
    live_handover,
    pin_limits,
    pin_problem,
    token_hash,
)
from engage.safeguarding import clear_exit_hold
from engage.staff import assist_forms as forms
from engage.store import get_db

bp = Blueprint("assist", __name__)

HANDOVER_SECONDS = 4 * 60 * 60
# After taking the tablet back, long enough to finish, hand back again or stop; not days later.
REOPEN_SECONDS = 30 * 60


# --- pages ---


def _own_session(session_id: int) -> dict:
    """Return a respondent session this supporter may open now, refusing anything else.

    Only the supporter who handed it over, only while that hand-over is live or for a short
    time after taking the tablet back, and never once a safeguarding flag was raised on it:
    the person's words are then for the safeguarding lead alone.
    """
    db = get_db()
    respondent = store.respondents.respondent_session(db, session_id)
    if respondent is None or respondent["supporter_id"] is None:
        refuse(404)
    user = auth.current_user()
    if respondent["supporter_id"] != user["id"]:
        refuse(
            403,
            _("This is another supporter's session"),
            [_("Only the supporter who started it can open it.")],
        )
    if store.safeguarding.session_ever_flagged(db, session_id):
        refuse(
            403,
            _("This session is with the safeguarding lead"),
            [_("The safeguarding lead will look after it."), _("You do not need to do anything.")],
        )
    handover = store.staff.latest_handover(db, user["id"], session_id)
    now = time.time()
    if handover is None or not (
        (handover["taken_back_at"] is None and handover["expires_at"] > now)
        or (
            handover["taken_back_at"] is not None
            and handover["taken_back_at"] > now - REOPEN_SECONDS
        )
    ):
        refuse(
            403,
            _("This session cannot be opened now"),
            [
                _("You can open a session while you help, and for 30 minutes after."),
                _("The person can carry on with their code."),
            ],
        )
    return respondent


def _hand_over(user: dict, code: str, help_value: str, respondent: dict | None) -> None:
    """Leave only the hand-over marker in this browser and sign the staff member out of it."""
    personal.unbind(code)
    if respondent:
        personal.bind(code, respondent["id"])
    token = secrets.token_urlsafe(32)
    at = time.time()
    store.staff.start_handover(
        get_db(),
        token_hash=token_hash(token),
        supporter_id=user["id"],
        campaign_code=code,
        respondent_session_id=respondent["id"] if respondent else None,
        at=at,
        expires_at=at + HANDOVER_SECONDS,
    )
    session["assist"] = {
        "code": code,
        "supporter": user["id"],
        "help": help_value,
        "session": respondent["id"] if respondent else None,
        "handover": token,
    }
    clear_exit_hold()
    auth.sign_out()


@bp.route("/assist/", methods=["GET", "POST"])
@require_role(*ASSIST_ROLES)
def start():
    """Start helping a person answer: choose the campaign and how you help, then hand over."""
    db = get_db()
    user = auth.current_user()
    campaigns = store.campaigns.open_campaigns(db)
    form = forms.StartForm()
    form.offer(campaigns, HELP.values())
    if form.is_submitted() and form.validate():
        campaign = next(c for c in campaigns if c["code"] == form.campaign.data)
        store.staff.audit(
            db, user["id"], "assist_start", f"campaign:{campaign['id']}", form.help.data
        )
        _hand_over(user, campaign["code"], form.help.data, None)
        return redirect(url_for("respondent.journey.welcome", code=campaign["code"]))
    return (
        render_template(
            "assist/start.html",
            campaigns=campaigns,
            helps=HELP.values(),
            form=form,
            sessions=store.staff.supporter_sessions(
                db, user["id"], now=time.time(), open_after=time.time() - REOPEN_SECONDS
            ),
            has_pin=bool(user["pin_hash"]),
        ),
        400 if form.errors else 200,
    )


@bp.get("/assist/<int:session_id>")
@require_role(*ASSIST_ROLES)
def detail(session_id: int):
    """Show an assisted session to the supporter who started it."""
    respondent = _own_session(session_id)
    db = get_db()
    campaign = store.campaigns.campaign_by_id(db, respondent["campaign_id"])
    return render_template(
        "assist/session.html",
        respondent=respondent,
        campaign=campaign,
        answered=len(store.respondents.answers_for_session(db, session_id)),
        total=len(store.campaigns.campaign_questions(db, respondent["campaign_id"])),
        help=HELP.get(respondent["help_detail"]),
    )


@bp.post("/assist/<int:session_id>/hand-over")
@require_role(*ASSIST_ROLES)
def hand_over(session_id: int):
    """Give the tablet back to the person to carry on answering."""
    respondent = _own_session(session_id)
    if respondent["finished_at"]:
        refuse(400, _("These answers are already sent"), [_("Start a new session instead.")])
    campaign = store.campaigns.campaign_by_id(get_db(), respondent["campaign_id"])
    user = auth.current_user()
    store.staff.audit(get_db(), user["id"], "assist_hand_over", f"session:{session_id}")
    _hand_over(user, campaign["code"], respondent["help_detail"], respondent)
    return redirect(url_for("respondent.journey.welcome", code=campaign["code"]))


@bp.post("/assist/<int:session_id>/finish")
@require_role(*ASSIST_ROLES)
def finish(session_id: int):
    """Send the answers of an assisted session."""
    _own_session(session_id)
    user = auth.current_user()
    store.respondents.finish_session(get_db(), session_id)
    store.staff.audit(get_db(), user["id"], "assist_finish", f"session:{session_id}")
    return redirect(url_for(".detail", session_id=session_id))


@bp.route("/pin", methods=["GET", "POST"])
@require_role(*auth.ROLES)
def pin():
    """Set the PIN that takes a tablet back from a person."""
    user = auth.current_user()
    form = forms.PinForm()
    saved = request.args.get("saved") == "1"
    if form.is_submitted():
        new = form.pin.data
        problem = pin_problem(new)
        if problem:
            form.pin.errors = [problem]
        elif new != form.pin_again.data:
            form.pin_again.errors = [_("The two PINs are not the same.")]
        else:
            store.staff.set_pin_hash(get_db(), user["id"], auth.password_hasher().hash(new))
            store.staff.audit(get_db(), user["id"], "pin_set")
            return redirect(url_for(".pin", saved=1))
    return (
        render_template("assist/pin.html", form=form, has_pin=bool(user["pin_hash"]), saved=saved),
        400 if form.errors else 200,
    )


def _forget_marker(marker: dict) -> None:
    """Close the person's session on this device and drop the hand-over marker."""
    personal.unbind(marker.get("code"))
    session.pop("assist", None)


def _use_up(handover: dict, marker: dict) -> None:
    """End the hand-over, refusing if another request took the tablet back first."""
    if not store.staff.end_handover(get_db(), handover["id"], time.time()):
        _ended_handover(marker)


def _taken_back(user: dict, marker: dict, how: str):
    """Finish taking the tablet back: the person's session is closed on this device."""
    _forget_marker(marker)
    store.staff.audit(
        get_db(), user["id"], "assist_take_back", f"session:{marker.get('session') or ''}", how
    )
    if marker.get("session"):
        return redirect(url_for(".detail", session_id=marker["session"]))
    return redirect(url_for(".start"))


def _ended_handover(marker: dict):
    _forget_marker(marker)
    refuse(
        410,
        _("This hand-over has ended"),
        [
            _("The tablet was taken back already, or it was handed over too long ago."),
            _("Sign in to carry on helping."),
        ],
    )


@bp.route("/take-back", methods=["GET", "POST"])
def take_back():
    """Let the supporter who handed the tablet over take it back, with their PIN."""
    marker = session.get("assist")
    if not isinstance(marker, dict):
        refuse(
            404,
            _("There is no session to take back"),
            [_("Nobody was handed this tablet."), _("Sign in to start helping someone.")],
        )
    handover = live_handover(marker)
    if handover is None:
        _ended_handover(marker)
    user = auth.current_user()
    if user is not None:
        # Signed in with a password instead of a PIN: only the same supporter may take it back.
        if user["id"] != handover["supporter_id"]:
            refuse(
                403,
                _("This is another supporter's session"),
                [_("Only the supporter who handed the tablet over can take it back.")],
            )
        _use_up(handover, marker)
        return _taken_back(user, marker, "password")
    form = forms.TakeBackForm()
    status = 200
    if form.is_submitted():
        attempt = attempts.begin("pin", pin_limits(handover))
        if not attempt.allowed:
            form.pin.errors = [_("Too many wrong PINs. Sign in with your password instead.")]
            status = 429
        else:
            supporter = store.staff.user_by_id(get_db(), handover["supporter_id"])
            if check_pin(supporter, form.pin.data):
                attempt.succeeded()
                _use_up(handover, marker)
                auth.sign_in(supporter)
                return _taken_back(supporter, marker, "pin")
            form.pin.errors = [_("That PIN is wrong.")]
            status = 400
    return render_template("assist/take_back.html", form=form), status
