"""Erasing a person's answers when they ask: find their session, then erase it for good."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from engage import auth
from engage.auth import require_role
from engage.store import get_db, reads, writes
from engage.vocab import ANSWERED_HOW

bp = Blueprint("erase", __name__)


@bp.route("/erase", methods=["GET", "POST"])
@require_role("lead")
def erase_find():
    """Find the session a person wants erased, from their code or from what they remember."""
    from engage.resume_codes import normalise_resume_code

    found = None
    errors: dict[str, str] = {}
    typed = ""
    described = {"phrase": "", "day": "", "how": ""}
    matches = None
    words: list[str] = []
    status = 200
    if request.method == "POST" and request.form.get("find") == "described":
        described, errors = _described(request.form)
        if not errors:
            ids = reads.sessions_matching(
                get_db(), described["phrase"], described["day"], described["how"]
            )
            matches = len(ids)
            if matches == 1:
                # Only this one session's own words are shown, and the view is on the record.
                found = [reads.session_for_erasure(get_db(), ids[0])]
                answers = reads.answers_for_session(get_db(), ids[0])
                words = [a["free_text"] for a in answers.values() if a["free_text"]]
                writes.audit(
                    get_db(), auth.current_user()["id"], "erase_lookup", f"session:{ids[0]}"
                )
        else:
            status = 400
    elif request.method == "POST":
        typed = (request.form.get("resume_code") or "")[:40]
        code = normalise_resume_code(typed)
        found = reads.sessions_by_resume_code(get_db(), code) if code else []
        if not found:
            errors["resume_code"] = _("No one has that code. Check it and try again.")
            status = 404
    return render_template(
        "staff/erase.html",
        found=found,
        errors=errors,
        typed=typed,
        described=described,
        matches=matches,
        words=words,
        ways=ANSWERED_HOW,
    ), status


PHRASE_SHORTEST = 4


def _described(form) -> tuple[dict, dict]:
    """Check what a person remembers: a phrase they wrote, the day, and how they answered."""
    values = {
        "phrase": " ".join((form.get("phrase") or "").split())[:200],
        "day": (form.get("day") or "").strip()[:10],
        "how": form.get("how") or "",
    }
    errors = {}
    if len(values["phrase"]) < PHRASE_SHORTEST:
        errors["phrase"] = _(
            "Type at least %(n)s letters of something they wrote.", n=PHRASE_SHORTEST
        )
    try:
        date.fromisoformat(values["day"])
    except ValueError:
        errors["day"] = _("Enter the day they answered, like 2026-03-31.")
    if values["how"] and values["how"] not in ANSWERED_HOW:
        abort(400)
    return values, errors


@bp.post("/erase/<int:session_id>")
@require_role("lead")
def erase_session(session_id: int):
    """Erase everything one person told us, at their request."""
    from engage.erasure import erase_respondent

    if reads.respondent_session(get_db(), session_id) is None:
        abort(404)
    erased = erase_respondent(
        get_db(), session_id, auth.current_user()["id"], "erased at the person's request"
    )
    return render_template("staff/erased.html", erased=erased)
