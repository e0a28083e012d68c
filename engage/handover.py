"""Hand-overs: a supporter gives a tablet to the person, who answers; the supporter takes it back.

The rules both wings share: which hand-over a browser's marker names, what an assisted session
records, and the checks on a supporter's PIN. The supporter's pages are engage.staff.assist.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from argon2.exceptions import InvalidHashError, VerificationError
from flask import g, session
from flask_babel import gettext as _

from engage import attempts, auth, store
from engage.i18n import lazy_gettext as _l
from engage.store import get_db

# Who may help someone answer on a tablet: prepare it, hand it over, take it back.
ASSIST_ROLES = ("supporter", "lead")


@dataclass(frozen=True)
class Help:
    """One way a supporter helps, and the answered_how it records; label and hint are lazy."""

    value: str
    label: str
    answered_how: str
    hint: str = ""


HELP = {
    "reading_out": Help("reading_out", _l("Reading the questions out"), "helped"),
    "explaining": Help("explaining", _l("Explaining the questions"), "helped"),
    "writing_down": Help(
        "writing_down",
        _l("Writing down what the person says"),
        "helped",
        _l("The person chooses; you tap and type for them."),
    ),
    "answering_for": Help(
        "answering_for",
        _l("Answering for the person"),
        "answered_for",
        _l("The answers are yours, about their support. They are marked as answered for them."),
    ),
}


def token_hash(token: str) -> str:
    """Return the hash a hand-over's token is stored by."""
    return hashlib.sha256(token.encode()).hexdigest()


def live_handover(marker: dict | None) -> dict | None:
    """Return the stored hand-over a marker names, if it is still open, else None."""
    if not isinstance(marker, dict) or not isinstance(marker.get("handover"), str):
        return None
    cached = g.get("assist_handover")
    if cached is not None and cached[0] == marker["handover"]:
        return cached[1]
    row = store.staff.handover_by_token_hash(get_db(), token_hash(marker["handover"][:100]))
    if (
        row is None
        or row["taken_back_at"] is not None
        or row["expires_at"] < time.time()
        or row["supporter_id"] != marker.get("supporter")
        or row["campaign_code"] != marker.get("code")
    ):
        row = None
    g.assist_handover = (marker["handover"], row)
    return row


def _marker_for(campaign: dict) -> dict | None:
    marker = session.get("assist")
    if marker and marker.get("code") == campaign["code"] and live_handover(marker):
        return marker
    return None


def handed_over(campaign: dict) -> bool:
    """Say whether a supporter handed this device over for the campaign."""
    return _marker_for(campaign) is not None


def start_fields(campaign: dict) -> dict:
    """Return what an assisted session records when the person agrees to take part."""
    marker = _marker_for(campaign)
    if marker is None or marker.get("session"):
        return {}
    help_ = HELP[marker["help"]]
    return {
        "supporter_id": marker["supporter"],
        "answered_how": help_.answered_how,
        "help_detail": help_.value,
    }


def note_session(campaign: dict, respondent: dict) -> None:
    """Remember which respondent session the supporter's hand-over started."""
    marker = _marker_for(campaign)
    if marker and respondent.get("supporter_id") == marker["supporter"]:
        session["assist"] = {**marker, "session": respondent["id"]}
        store.staff.note_handover_session(get_db(), live_handover(marker)["id"], respondent["id"])


# --- PINs ---


def pin_problem(pin: str) -> str | None:
    """Return why a new PIN is not acceptable, or None."""
    if not pin.isascii() or not pin.isdigit() or not 4 <= len(pin) <= 8:
        return _("Use 4 to 8 digits, and nothing else.")
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        return _("Choose digits that are harder to guess than a run or a repeat.")
    return None


def check_pin(user: dict | None, pin: str) -> bool:
    """Say whether a PIN matches a staff member's stored PIN hash."""
    if not user or not user["pin_hash"] or not user["active"]:
        return False
    try:
        return auth.password_hasher().verify(user["pin_hash"], pin[:8])
    except (VerificationError, InvalidHashError):
        return False


def pin_limits(handover: dict) -> list:
    """Return the limits a PIN try to take back this hand-over counts against."""
    return [
        (f"handover:{handover['id']}", attempts.HANDOVER_PINS),
        *supporter_pin_limits(handover["supporter_id"]),
    ]


def supporter_pin_limits(supporter_id: int) -> list:
    """Return the limits every PIN try by or for a supporter counts against, wherever it is."""
    return [
        (f"supporter:{supporter_id}", attempts.SUPPORTER_PIN),
        (f"address:{attempts.address()}", attempts.ADDRESS_CEILING),
    ]
