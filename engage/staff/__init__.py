"""The staff wing: every page under /staff, for the people who run campaigns.

One parent blueprint loads the signed-in person onto `g` (g.staff_user) before any page and
gives every page one layout context (who is signed in, the role names, the safeguarding count
for the navigation). Each journey is a child blueprint in its own module; a page checks its
roles with engage.auth.require_role.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from engage import auth, store
from engage.staff import (
    accounts,
    assist,
    audit,
    campaigns,
    dashboard,
    erase,
    exports,
    groups,
    patterns,
    pictures,
    questions,
    quotes,
    redact_names,
    review,
    safeguarding,
    sign_in,
    triangulation,
    voices,
)
from engage.store import get_db

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")

# One module per journey, in the order a newcomer meets them.
ROOMS = (
    sign_in,
    dashboard,
    accounts,
    campaigns,
    questions,
    review,
    redact_names,
    quotes,
    exports,
    triangulation,
    voices,
    pictures,
    assist,
    groups,
    safeguarding,
    audit,
    erase,
    patterns,
)


@bp.before_request
def _load_person() -> None:
    # Sets g.staff_user (None when signed out); ends a stale session before any page runs.
    auth.current_user()


@bp.context_processor
def _layout_context() -> dict:
    return {
        **auth.staff_context(),
        # A function, so only pages that show the count run the query.
        "open_flag_count": lambda: store.safeguarding.open_flag_count(get_db()),
    }


for room in ROOMS:
    bp.register_blueprint(room.bp)


def init_app(app: Flask) -> None:
    """Register the wing."""
    app.register_blueprint(bp)
