"""Signing in and out of the staff pages, staying signed in, and changing a password."""

from __future__ import annotations

import time

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage import attempts, auth, store
from engage.auth import require_role
from engage.staff import forms
from engage.store import get_db

bp = Blueprint("sign_in", __name__)


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
    return redirect(url_for("staff.sign_in.sign_in_page"))


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
    return redirect(url_for("staff.sign_in.sign_in_page"))


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
