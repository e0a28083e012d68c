"""Staff sign-in: password hashing, sessions that expire when idle, and role checks."""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _

from engage import store
from engage.errors import refuse
from engage.i18n import lazy_gettext as _l
from engage.store import get_db

ROLES = ("lead", "supporter", "advocate")
ROLE_NAMES = {"lead": _l("Lead"), "supporter": _l("Supporter"), "advocate": _l("Advocate")}


def staff_context() -> dict:
    """Return what every staff page's layout shows: who is signed in, and the role names."""
    return {"staff_user": current_user(), "role_names": ROLE_NAMES}


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
        store.staff.set_password_hash(get_db(), user["id"], hash_password(password))
    return True


# Passwords people pick first, and the words they build them from: a password that is one of
# these once digits and symbols are taken away is refused, however long.
COMMON_PASSWORDS = frozenset(
    [
        "password",
        "passwrd",
        "passwd",
        "letmein",
        "welcome",
        "qwerty",
        "qwertyuiop",
        "qwertyuiopasdf",
        "asdfghjkl",
        "azerty",
        "iloveyou",
        "admin",
        "administrator",
        "changeme",
        "secret",
        "football",
        "baseball",
        "monkey",
        "dragon",
        "master",
        "sunshine",
        "princess",
        "shadow",
        "superman",
        "trustno",
        "abc",
        "abcdef",
        "abcdefgh",
        "abcdefghijkl",
        "correcthorsebatterystaple",
        "passwordpassword",
        "letmeinletmein",
        "welcomewelcome",
        "engage",
        "engagesurvey",
        "survey",
        "carehome",
        "support",
        "supporter",
        "lead",
        "advocate",
    ]
)
_OWN_PART_MIN = 4


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalpha())


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Return why a new password is not acceptable, or None.

    At least 12 characters (a few ordinary words make a good one), not a common password
    with digits or symbols added, and not built from the person's own email address or name.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > 1000:
        return _("Use 1,000 characters or fewer.")
    letters = _letters(password)
    if not letters or letters in COMMON_PASSWORDS or len(set(password.casefold())) < 5:
        return _("That password is too easy to guess. Try three or four words you will remember.")
    own = [_letters(email.split("@")[0]), _letters(name)]
    own += [_letters(part) for part in name.split()]
    own += [_letters(part) for part in email.split("@")[0].replace(".", " ").split()]
    for part in own:
        if len(part) >= _OWN_PART_MIN and part in letters and len(letters) - len(part) < 8:
            return _("Do not build your password from your name or email address.")
    return None


def idle_seconds() -> int:
    """Return how long a staff session may sit unused."""
    return int(current_app.config["STAFF_IDLE_SECONDS"])


# A session's last activity is written at most this often, not on every request.
_TOUCH_EVERY_SECONDS = 10
# Ended and idle sessions are kept this long (for the audit trail), then removed.
_KEEP_ENDED_SECONDS = 7 * 24 * 60 * 60


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(user: dict) -> None:
    """Start a staff session for a user: a row in the store, its random token in the cookie.

    The cookie alone proves nothing: without its row, which sign-out ends, a cookie signed
    with the app's key is still refused.
    """
    db = get_db()
    at = time.time()
    token = secrets.token_urlsafe(32)
    store.staff.forget_old_staff_sessions(db, at - _KEEP_ENDED_SECONDS)
    store.staff.start_staff_session(
        db,
        token_hash=_token_hash(token),
        user_id=user["id"],
        generation=user["session_generation"],
        at=at,
    )
    session["staff"] = {"token": token}
    g.pop("staff_user", None)
    g.pop("staff_session", None)


def _held_session() -> dict | None:
    held = session.get("staff")
    token = held.get("token") if isinstance(held, dict) else None
    if not isinstance(token, str):
        return None
    return store.staff.staff_session_by_token_hash(get_db(), _token_hash(token[:100]))


def sign_out() -> None:
    """End this browser's staff session, on the server as well as in the cookie."""
    row = _held_session()
    if row is not None:
        store.staff.end_staff_session(get_db(), row["id"], time.time())
    session.pop("staff", None)
    g.pop("staff_user", None)
    g.pop("staff_session", None)


def current_session() -> dict | None:
    """Return the store's row of this browser's live staff session, or None."""
    current_user()
    return g.get("staff_session")


def current_user() -> dict | None:
    """Return the signed-in staff member, ending the session if it is stale."""
    if "staff_user" in g:
        return g.staff_user
    user = None
    row = None
    if "staff" in session:
        row = _held_session()
        at = time.time()
        candidate = store.staff.user_by_id(get_db(), row["user_id"]) if row else None
        live = (
            row is not None
            and row["ended_at"] is None
            and at - row["seen_at"] <= idle_seconds()
            and candidate is not None
            and candidate["active"]
            and candidate["session_generation"] == row["generation"]
        )
        if live:
            user = candidate
            # Pages polled by the timeout script must not count as activity.
            if request.endpoint != "staff.sign_in.session_status" and (
                at - row["seen_at"] >= _TOUCH_EVERY_SECONDS
            ):
                store.staff.touch_staff_session(get_db(), row["id"], at)
                row = {**row, "seen_at": at}
        else:
            if row is not None and row["ended_at"] is None:
                store.staff.end_staff_session(get_db(), row["id"], at)
            row = None
            session.pop("staff", None)
    g.staff_user = user
    g.staff_session = row
    return user


def require_role(*roles: str) -> Callable:
    """Let a view run only for signed-in staff with one of the roles; check on every request."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("staff.sign_in.sign_in_page", next=request.full_path))
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
    return url_for("staff.dashboard.dashboard")
