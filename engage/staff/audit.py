"""The audit log, for leads: who did what, newest first, in plain words."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engage import store
from engage.auth import require_role
from engage.staff import audit_words
from engage.store import get_db

bp = Blueprint("audit", __name__)


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
