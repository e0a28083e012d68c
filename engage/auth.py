"""Staff sign-in: password hashing, sessions that expire when idle, and role checks."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _

from engage.errors import refuse
from engage.i18n import lazy_gettext as _l
from engage.store import get_db, reads, writes

ROLES = ("lead", "supporter", "advocate")
ROLE_NAMES = {"lead": _l("Lead"), "supporter": _l("Supporter"), "advocate": _l("Advocate")}
MIN_PASSWORD_LENGTH = 12
# argon2id with the library's defaults (RFC 9106's second recommended profile: 64 MiB, t=3).
_STRONG = PasswordHasher()
# The test suite makes hundreds of accounts: it keeps argon2id but with a light profile.
_LIGHT = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_DUMMY_HASHES: dict[int, str] = {}


def password_hasher() -> PasswordHasher:
    """Return the argon2id hasher for this app: strong unless a test asked for a light one."""
    if current_app.config.get("LIGHT_PASSWORD_HASHING"):
        return _LIGHT
    return _STRONG


def _dummy_hash(hasher: PasswordHasher) -> str:
    """Return a real hash to verify against for unknown accounts, so timing does not tell."""
    key = id(hasher)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash("not a real password, only here to spend the same time")
    return _DUMMY_HASHES[key]


def hash_password(password: str) -> str:
    """Return an argon2id hash of a password."""
    return password_hasher().hash(password)


def check_password(user: dict | None, password: str) -> bool:
    """Say whether a password matches an account, rehashing when the parameters changed."""
    try:
        hasher = password_hasher()
        hasher.verify(user["password_hash"] if user else _dummy_hash(hasher), password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if hasher.check_needs_rehash(user["password_hash"]):
        writes.set_password_hash(get_db(), user["id"], hash_password(password))
    return True


def password_problem(password: str) -> str | None:
    """Return why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > 1000:
        return _("Use 1,000 characters or fewer.")
    return None


def idle_seconds() -> int:
    """Return how long a staff session may sit unused."""
    return int(current_app.config.get("STAFF_IDLE_SECONDS", 20 * 60))


def sign_in(user: dict) -> None:
    """Start a staff session for a user."""
    session["staff"] = {"id": user["id"], "gen": user["session_generation"], "seen": time.time()}
    g.pop("staff_user", None)


def sign_out() -> None:
    """End this browser's staff session."""
    session.pop("staff", None)
    g.pop("staff_user", None)


def current_user() -> dict | None:
    """Return the signed-in staff member, ending the session if it is stale."""
    if "staff_user" in g:
        return g.staff_user
    user = None
    held = session.get("staff")
    if held:
        candidate = reads.user_by_id(get_db(), held.get("id"))
        fresh = time.time() - held.get("seen", 0) <= idle_seconds()
        if (
            candidate
            and candidate["active"]
            and candidate["session_generation"] == held.get("gen")
            and fresh
        ):
            user = candidate
            # Pages polled by the timeout script must not count as activity.
            if request.endpoint != "staff.session_status":
                session["staff"] = {**held, "seen": time.time()}
        else:
            session.pop("staff", None)
    g.staff_user = user
    return user


def require_role(*roles: str) -> Callable:
    """Let a view run only for signed-in staff with one of the roles; check on every request."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("staff.sign_in_page", next=request.full_path))
            if user["role"] not in roles:
                refuse(
                    403,
                    _("You cannot use this page"),
                    [_("Your role does not include this page."), _("Ask a lead if you need it.")],
                )
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorate


def safe_next(target: str | None) -> str:
    """Return a staff path to go to after signing in, never another site."""
    if target and target.startswith("/staff/") and not target.startswith("//"):
        return target
    return url_for("staff.dashboard")
