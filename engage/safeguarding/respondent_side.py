"""The safeguarding pages a respondent sees, added to the respondent blueprint.

"I am worried" and "what happens next" belong to a campaign's pages, so they share the
respondent blueprint's campaign loading and session binding.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

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


@bp.get("/what-happens-next")
def next_steps():
    """Tell the person, in easy read, what happens after they raised a worry."""
    onward = safe_onward(request.args.get("then"))
    return render_template("safeguarding/next_steps.html", onward=onward or url_for(".welcome"))
