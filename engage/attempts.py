"""Limits on guessing secrets: passwords, tablet PINs and resume codes.

Each attempt is written down before the secret is checked, in the same transaction that counts
the earlier ones, and removed again if it succeeds. Limits apply per account (or code, or
hand-over) and per browser, with longer windows behind shorter ones so a patient guesser slows
down further; the per-address limit is only a high ceiling, because everyone behind one proxy or
one care home's router shares an address.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from flask import request, session

from engage import store
from engage.store import get_db

MINUTE = 60.0
HOUR = 60 * MINUTE
DAY = 24 * HOUR
# (most attempts, window in seconds): a subject is refused while any of its windows is full.
ACCOUNT = ((5, 15 * MINUTE), (10, HOUR), (20, DAY))
BROWSER = ((10, 15 * MINUTE), (30, DAY))
ADDRESS_CEILING = ((200, 15 * MINUTE),)
SUPPORTER_PIN = ((5, 15 * MINUTE), (10, DAY))
# After this many wrong PINs on one hand-over, only the password takes the tablet back.
HANDOVER_PINS = ((3, DAY),)
RESUME_BROWSER = ((10, 15 * MINUTE), (30, DAY))
RESUME_ADDRESS_CEILING = ((300, 15 * MINUTE),)
_LONGEST = DAY


@dataclass
class Attempt:
    """One recorded attempt: refused at once, or allowed and awaiting its result."""

    allowed: bool
    claim: str

    def succeeded(self) -> None:
        """Remove the attempt: only failures count against the limits."""
        store.staff.settle_attempt(get_db(), self.claim)


def browser_id() -> str:
    """Return a random id kept in this browser's session, made on first use."""
    held = session.get("guard")
    if not isinstance(held, str):
        held = session["guard"] = secrets.token_urlsafe(16)
    return held


def address() -> str:
    """Return the address the request came from (the proxy's, behind one)."""
    return request.remote_addr or "unknown"


def begin(kind: str, subjects: list[tuple[str, tuple[tuple[int, float], ...]]]) -> Attempt:
    """Record an attempt of a kind ("sign_in", "pin", "resume") against its subjects.

    The audit log gets one line when an attempt fills a subject's limit: a burst of failures
    is on record without a line per refused request.
    """
    db = get_db()
    at = time.time()
    store.staff.forget_old_attempts(db, at - _LONGEST)
    claim = secrets.token_hex(16)
    limits = [
        (f"{kind}:{subject}", most, window) for subject, steps in subjects for most, window in steps
    ]
    allowed, filled = store.staff.claim_attempt(db, limits, at, claim)
    for subject in filled:
        store.staff.audit(db, None, "attempts_limit_reached", subject, kind)
    return Attempt(allowed, claim)
