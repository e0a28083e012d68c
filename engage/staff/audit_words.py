"""The audit log in words a lead reads: what each action means, and times in UK time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from engage.i18n import lazy_gettext as _l

# Every action the app records; tests/engage/test_audit_log.py checks that none is missing.
ACTIONS = {
    "accept_invitation": _l("Accepted an invitation"),
    "add_picture": _l("Added a picture"),
    "add_question": _l("Added a question"),
    "add_word": _l("Added a word to avoid"),
    "assist_finish": _l("Finished helping someone answer"),
    "assist_hand_over": _l("Handed the tablet over"),
    "assist_start": _l("Started helping someone answer"),
    "assist_take_back": _l("Took the tablet back"),
    "attempts_limit_reached": _l("Too many wrong tries: stopped for a while"),
    "backup": _l("Backed up the data"),
    "change_password": _l("Changed their password"),
    "change_role": _l("Changed someone's role"),
    "close_campaign": _l("Closed a campaign"),
    "concern_phrase_added": _l("Added a word of concern"),
    "concern_phrase_removed": _l("Removed a word of concern"),
    "create_campaign": _l("Created a campaign"),
    "deactivate_user": _l("Deactivated an account"),
    "decide_again": _l("Decided again after the words changed"),
    "edit_campaign": _l("Changed a campaign's settings"),
    "edit_question": _l("Changed a question"),
    "erase": _l("Erased a person's answers"),
    "erase_lookup": _l("Found one person's answers to erase by what they wrote"),
    "exit_hold_reopened": _l("Reopened a tablet after 'exit this page'"),
    "export": _l("Exported evidence"),
    "export_sign_off": _l("Approved an export for filing"),
    "flag_decision": _l("Decided on a safeguarding flag"),
    "flag_removed": _l("Removed a safeguarding flag"),
    "group_finish": _l("Finished a group session"),
    "group_start": _l("Started a group session"),
    "invite_user": _l("Invited someone"),
    "mark_quote": _l("Marked a quote"),
    "open_campaign": _l("Opened a campaign"),
    "pin_set": _l("Set a tablet PIN"),
    "publish_you_said": _l("Published or hid the 'you said' page"),
    "reactivate_user": _l("Reactivated an account"),
    "record_voice": _l("Added or removed a recorded voice"),
    "redact_list_add": _l("Added a name to always redact"),
    "redact_list_remove": _l("Removed a name to always redact"),
    "remove_word": _l("Removed a word to avoid"),
    "restore": _l("Restored the data from a backup"),
    "revoke_invitation": _l("Cancelled an invitation"),
    "safeguarding_lead_set": _l("Named a safeguarding lead"),
    "sign_in": _l("Signed in"),
    "sign_out": _l("Signed out"),
    "sign_out_everywhere": _l("Signed out on every device"),
    "user_created": _l("Created an account"),
    "view_flagged": _l("Looked at words held for safeguarding"),
    "view_media": _l("Looked at a photo, drawing, video or recording"),
    "withdraw_quote": _l("Withdrew a quote"),
}
UK = ZoneInfo("Europe/London")


def action_words(action: str) -> str:
    """Return what an action means; an action from a newer version shows as its code."""
    return str(ACTIONS.get(action, action.replace("_", " ")))


def uk_time(stamp: str) -> str:
    """Return a stored UTC time as UK time a person reads, such as "5 Dec 2026, 18:04"."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(UK)
    return f"{local.day} {local:%b %Y, %H:%M}"


def detail_words(detail: str) -> str:
    """Return a detail stored as JSON as "name: value" pairs; other details as they are."""
    try:
        parsed = json.loads(detail)
    except (TypeError, ValueError):
        return detail
    if isinstance(parsed, dict):
        return "; ".join(
            f"{key.replace('_', ' ')}: {_plain(value)}" for key, value in parsed.items()
        )
    if isinstance(parsed, list):
        return ", ".join(_plain(value) for value in parsed)
    return detail


def _plain(value) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if value is None:
        return "-"
    return str(value)
