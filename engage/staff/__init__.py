"""Staff pages under /staff/: signing in and out, the dashboard and the audit log."""

from __future__ import annotations

import time

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage import attempts, auth, store
from engage.auth import require_role
from engage.staff import audit_words, forms
from engage.store import get_db
from engage.vocab import ANSWERED_HOW

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


bp.context_processor(auth.staff_context)


def sign_in_limits(email: str) -> list:
    """Return the limits a sign-in with a password for an account counts against."""
    return [
        (f"account:{email.lower()}", attempts.ACCOUNT),
        (f"browser:{attempts.browser_id()}", attempts.BROWSER),
        (f"address:{attempts.address()}", attempts.ADDRESS_CEILING),
    ]


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in_page():
    """Sign a staff member in, limiting failed attempts per account, browser and address."""
    form = forms.SignInForm()
    status = 200
    if form.is_submitted():
        email = form.email.data
        attempt = attempts.begin("sign_in", sign_in_limits(email))
        if not attempt.allowed:
            form.email.errors = [_("Too many tries. Wait 15 minutes, then try again.")]
            status = 429
        else:
            user = store.staff.user_by_email(get_db(), email) if email else None
            if auth.check_password(user, form.password.data) and user["active"]:
                attempt.succeeded()
                auth.sign_in(user)
                store.staff.audit(get_db(), user["id"], "sign_in")
                return redirect(auth.safe_next(request.args.get("next")))
            form.email.errors = [_("The email address or password is wrong.")]
            status = 400
    return render_template("staff/sign_in.html", form=form), status


@bp.post("/sign-out")
def sign_out():
    """Sign out of this browser, ending the session on the server too."""
    user = auth.current_user()
    if user:
        store.staff.audit(get_db(), user["id"], "sign_out")
    auth.sign_out()
    return redirect(url_for("staff.sign_in_page"))


@bp.post("/sign-out-everywhere")
@require_role(*auth.ROLES)
def sign_out_everywhere():
    """End every session of this account, on every device."""
    user = auth.current_user()
    db = get_db()
    store.staff.bump_session_generation(db, user["id"])
    store.staff.end_staff_sessions_of(db, user["id"], time.time())
    store.staff.audit(db, user["id"], "sign_out_everywhere")
    auth.sign_out()
    return redirect(url_for("staff.sign_in_page"))


@bp.post("/stay-signed-in")
@require_role(*auth.ROLES)
def stay_signed_in():
    """Reset the idle timer; answer the timeout script with JSON and others with a redirect."""
    if request.accept_mimetypes.best == "application/json":
        return jsonify(remaining=auth.idle_seconds())
    return redirect(auth.safe_next(request.form.get("next")))


@bp.get("/session")
def session_status():
    """Tell the timeout script how many seconds are left, without counting as activity."""
    held = auth.current_session()
    if held is None:
        return jsonify(remaining=0), 401
    return jsonify(remaining=max(0, int(auth.idle_seconds() - (time.time() - held["seen_at"]))))


@bp.route("/password", methods=["GET", "POST"])
@require_role(*auth.ROLES)
def change_password():
    """Let a staff member change their password; their other sessions end."""
    user = auth.current_user()
    form = forms.PasswordChangeForm()
    errors: dict[str, str] = {}
    status = 200
    saved = request.args.get("saved") == "1"
    if form.is_submitted():
        status = 400
        current = form.current_password.data or ""
        new = form.new_password.data or ""
        again = form.new_password_again.data or ""
        attempt = attempts.begin("sign_in", sign_in_limits(user["email"]))
        if not attempt.allowed:
            errors["current_password"] = _("Too many tries. Wait 15 minutes, then try again.")
            status = 429
        elif not auth.check_password(user, current[:1000]):
            errors["current_password"] = _("Your current password is wrong.")
        else:
            attempt.succeeded()
            problem = auth.password_problem(new, user["email"], user["name"])
            if problem:
                errors["new_password"] = problem
            elif new != again:
                errors["new_password_again"] = _("The two new passwords are not the same.")
        if not errors:
            db = get_db()
            store.staff.set_password_hash(db, user["id"], auth.hash_password(new))
            store.staff.bump_session_generation(db, user["id"])
            store.staff.end_staff_sessions_of(db, user["id"], time.time())
            store.staff.audit(db, user["id"], "change_password")
            auth.sign_in(store.staff.user_by_id(db, user["id"]))
            return redirect(url_for(".change_password", saved=1))
    for name, message in errors.items():
        form[name].errors = [message]
    return render_template("staff/password.html", form=form, saved=saved), status


@bp.get("/")
@require_role(*auth.ROLES)
def dashboard():
    """List the campaigns with their links and how many people have answered."""
    return render_template(
        "staff/dashboard.html", campaigns=store.campaigns.campaign_overview(get_db())
    )


@bp.get("/patterns")
@require_role(*auth.ROLES)
def patterns():
    """Show every form component once, one of them with a mistake, to check them together."""
    form = forms.PatternsForm(formdata=None, data={"role": "lead", "statements": ["QS1"]})
    form.role.choices = list(auth.ROLE_NAMES.items())
    form.statements.choices = [("QS1", "QS1"), ("QS2", "QS2")]
    form.how.choices = [("", _("Not known"))] + [
        (way.value, way.label) for way in ANSWERED_HOW.values()
    ]
    form.phrase.errors = [str(forms.TOO_SHORT)]
    return render_template("staff/patterns.html", form=form)


@bp.get("/audit")
@require_role("lead")
def audit_log():
    """Show the audit log, newest first."""
    page = max(1, request.args.get("page", 1, type=int))
    entries = store.staff.audit_entries(get_db(), limit=100, offset=(page - 1) * 100)
    return render_template(
        "staff/audit.html",
        entries=entries,
        page=page,
        action_words=audit_words.action_words,
        uk_time=audit_words.uk_time,
        detail_words=audit_words.detail_words,
    )


@bp.route("/erase", methods=["GET", "POST"])
@require_role("lead")
def erase_find():
    """Find the session a person wants erased, from their code or from what they remember."""
    from engage.respondent.forms import normalise_resume_code

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
