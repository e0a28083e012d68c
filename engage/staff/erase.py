"""Erasing a person's answers when they ask: find their session, then erase it for good."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from engage import auth, store
from engage.auth import require_role
from engage.staff import forms
from engage.store import get_db
from engage.vocab import ANSWERED_HOW

bp = Blueprint("erase", __name__)


@bp.route("/erase", methods=["GET", "POST"])
@require_role("lead")
def erase_find():
    """Find the session a person wants erased, from their code or from what they remember."""
    from engage.resume_codes import normalise_resume_code

    found = None
    matches = None
    words: list[str] = []
    status = 200
    by_code = forms.EraseCodeForm(formdata=None)
    described = forms.EraseDescribedForm(formdata=None)
    described.how.choices = [("", _("Not known"))] + [
        (way.value, way.label) for way in ANSWERED_HOW.values()
    ]
    if request.method == "POST" and request.form.get("find") == "described":
        described.process(request.form)
        if described.validate():
            ids = store.respondents.sessions_matching(
                get_db(),
                described.phrase.data,
                described.day.data.isoformat(),
                described.how.data or "",
            )
            matches = len(ids)
            if matches == 1:
                # Only this one session's own words are shown, and the view is on the record.
                found = [store.respondents.session_for_erasure(get_db(), ids[0])]
                answers = store.respondents.answers_for_session(get_db(), ids[0])
                words = [a["free_text"] for a in answers.values() if a["free_text"]]
                store.staff.audit(
                    get_db(), auth.current_user()["id"], "erase_lookup", f"session:{ids[0]}"
                )
        else:
            status = 400
    elif request.method == "POST":
        by_code.process(request.form)
        code = normalise_resume_code(by_code.resume_code.data)
        found = store.respondents.sessions_by_resume_code(get_db(), code) if code else []
        if not found:
            by_code.resume_code.errors = [_("No one has that code. Check it and try again.")]
            status = 404
    return render_template(
        "staff/erase.html",
        found=found,
        by_code=by_code,
        described=described,
        matches=matches,
        words=words,
    ), status


@bp.post("/erase/<int:session_id>")
@require_role("lead")
def erase_session(session_id: int):
    """Erase everything one person told us, at their request."""
    from engage.erasure import erase_respondent

    if store.respondents.respondent_session(get_db(), session_id) is None:
        abort(404)
    erased = erase_respondent(
        get_db(), session_id, auth.current_user()["id"], "erased at the person's request"
    )
    return render_template("staff/erased.html", erased=erased)
