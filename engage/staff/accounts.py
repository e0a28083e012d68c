"""Staff accounts: leads invite people, change roles and turn accounts off; invitations accepted."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _

from engage import auth, store
from engage.auth import require_role
from engage.errors import error_page, refuse
from engage.forms import pressed
from engage.services import links
from engage.staff import setup_forms as forms
from engage.store import get_db

bp = Blueprint("accounts", __name__)


INVITATION_DAYS = 7


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _users_page(invite: forms.InvitationForm, status: int = 200, made_link: str | None = None):
    db = get_db()
    return (
        render_template(
            "staff/users.html",
            users=store.staff.users_all(db),
            pending=store.staff.pending_invitations(db, _stamp(datetime.now(UTC))),
            invite=invite,
            page_errors=invite.errors,
            made_link=made_link,
            roles=auth.ROLES,
        ),
        status,
    )


@bp.get("/users")
@require_role("lead")
def users():
    """List every account with its role, and offer the invitation form."""
    return _users_page(forms.InvitationForm(formdata=None))


@bp.post("/users/invite")
@require_role("lead")
def invite():
    """Make an invitation and show the lead its link to send (there is no e-mail server)."""
    form = forms.InvitationForm()
    db = get_db()
    if not form.validate():
        return _users_page(form, 400)
    if store.staff.user_by_email(db, form.email.data):
        form.email.errors = [_("There is already an account with this email address.")]
        return _users_page(form, 400)
    token = secrets.token_urlsafe(32)
    expires = _stamp(datetime.now(UTC) + timedelta(days=INVITATION_DAYS))
    with store.transaction(db):
        store.staff.create_invitation(
            db,
            token_hash=_token_hash(token),
            email=form.email.data,
            role=form.role.data,
            invited_by=auth.current_user()["id"],
            expires_at=expires,
        )
        store.staff.audit(
            db,
            auth.current_user()["id"],
            "invite_user",
            form.email.data,
            f"role {form.role.data}",
        )
    link = links.absolute(url_for(".accept_invitation", token=token))
    return _users_page(forms.InvitationForm(formdata=None), 200, made_link=link)


def _target_user(user_id: int) -> dict:
    user = store.staff.user_by_id(get_db(), user_id)
    if user is None:
        refuse(404)
    return user


def _last_lead_refusal():
    return error_page(
        400,
        _("You cannot do that"),
        [
            _("This is the last active lead."),
            _("Make another account a lead first."),
            _("Nothing has been changed."),
        ],
    )


@bp.post("/users/<int:user_id>/role")
@require_role("lead")
def change_role(user_id: int):
    """Change an account's role, keeping at least one active lead."""
    user = _target_user(user_id)
    role = pressed(forms.RoleForm(), auth.ROLES)
    db = get_db()
    if role != user["role"]:
        if not store.staff.set_user_role(db, user_id, role):
            return _last_lead_refusal()
        store.staff.audit(
            db, auth.current_user()["id"], "change_role", user["email"], f"{user['role']} to {role}"
        )
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/active")
@require_role("lead")
def change_active(user_id: int):
    """Deactivate an account (ending its sessions) or reactivate it."""
    user = _target_user(user_id)
    active = pressed(forms.ActiveForm(), ("0", "1")) == "1"
    db = get_db()
    if active != bool(user["active"]):
        if not store.staff.set_user_active(db, user_id, active):
            return _last_lead_refusal()
        action = "reactivate_user" if active else "deactivate_user"
        store.staff.audit(db, auth.current_user()["id"], action, user["email"])
    return redirect(url_for(".users"))


@bp.post("/users/invitations/<int:invitation_id>/revoke")
@require_role("lead")
def revoke_invitation(invitation_id: int):
    """Cancel an invitation that has not been used, so its link stops working."""
    db = get_db()
    invitation = store.staff.invitation_by_id(db, invitation_id)
    if invitation is None:
        refuse(404)
    if store.staff.revoke_invitation(db, invitation_id):
        store.staff.audit(db, auth.current_user()["id"], "revoke_invitation", invitation["email"])
    return redirect(url_for(".users"))


def _inviter_can_invite(invitation: dict) -> bool:
    inviter = store.staff.user_by_id(get_db(), invitation["invited_by"])
    return bool(inviter and inviter["active"] and inviter["role"] == "lead")


def _usable_invitation(token: str) -> dict:
    invitation = store.staff.invitation_by_token_hash(get_db(), _token_hash(token[:200]))
    if invitation is None or invitation["revoked_at"] or not _inviter_can_invite(invitation):
        refuse(
            404,
            _("This invitation link does not work"),
            [_("Check you copied the whole link."), _("Or ask a lead for a new invitation.")],
        )
    if invitation["used_at"] or invitation["expires_at"] <= _stamp(datetime.now(UTC)):
        refuse(
            410,
            _("This invitation has already been used or is too old"),
            [
                _("Each invitation works once, for 7 days."),
                _("If you have an account, sign in."),
                _("If not, ask a lead for a new invitation."),
            ],
        )
    return invitation


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Let an invited person choose their name and password, then sign them in."""
    invitation = _usable_invitation(token)
    form = forms.NewAccountForm()
    if form.is_submitted() and form.validate_for(invitation["email"]):
        db = get_db()
        if store.staff.user_by_email(db, invitation["email"]):
            refuse(410, _("This invitation has already been used or is too old"))
        user_id = store.staff.accept_invitation(
            db,
            invitation,
            name=form.name.data,
            password_hash=auth.hash_password(form.password.data),
        )
        if user_id is None:
            refuse(410, _("This invitation has already been used or is too old"))
        store.staff.audit(db, user_id, "accept_invitation", invitation["email"])
        auth.sign_out()
        auth.sign_in(store.staff.user_by_id(db, user_id))
        return redirect(url_for("staff.dashboard.dashboard"))
    return render_template(
        "staff/accept_invitation.html", invitation=invitation, form=form
    ), 400 if form.errors else 200
