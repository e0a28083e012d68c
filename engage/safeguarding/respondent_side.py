"""The safeguarding pages a respondent sees, added to the respondent blueprint.

"I am worried" and "what happens next" belong to a campaign's pages, so they share the
respondent blueprint's campaign loading and session binding.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage import attempts
from engage.errors import refuse
from engage.respondent import _bound_session, bp
from engage.respondent.forms import free_text
from engage.safeguarding import exit_hold_active
from engage.store import get_db, writes


@bp.before_request
def _stay_out_after_exit():
    # After "exit this page", the back button must land on the neutral page, not the survey.
    if exit_hold_active():
        return redirect(url_for("safety.search"))
    return None


def safe_onward(target: str | None) -> str | None:
    """Return a path inside this campaign's pages to carry on to, or None."""
    base = f"/s/{g.campaign['code']}/"
    if target and target.startswith(base) and "//" not in target and "\\" not in target:
        return target
    return None


@bp.route("/worried", methods=["GET", "POST"])
def worried():
    """Let a person say they are worried or want to talk to someone; flag it for the lead."""
    respondent = _bound_session()
    onward = safe_onward(request.values.get("then"))
    error = None
    typed = ""
    if request.method == "POST":
        typed, error = free_text(request.form, "worry")
        if error is None:
            if respondent is None:
                _limit_worries_from_nobody()
            writes.raise_flag(
                get_db(),
                campaign_id=g.campaign["id"],
                reason="worried",
                session_id=respondent["id"] if respondent else None,
                excerpt=typed,
            )
            return redirect(url_for(".next_steps", then=onward))
    return (
        render_template(
            "safeguarding/worried.html",
            error=error,
            typed=typed,
            onward=onward,
            back=onward or url_for(".welcome"),
        ),
        400 if error else 200,
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


@bp.get("/what-happens-next")
def next_steps():
    """Tell the person, in easy read, what happens after they raised a worry."""
    onward = safe_onward(request.args.get("then"))
    return render_template("safeguarding/next_steps.html", onward=onward or url_for(".welcome"))
