"""Safeguarding rules both wings use: flagging words of concern, and "exit this page".

The lead's pages are in engage.staff.safeguarding, the person's ("I am worried", "what happens
next") in engage.respondent.worried, and the neutral page outside the survey in engage.site.
"""

from __future__ import annotations

import time

from flask import current_app, session, url_for

from engage import store
from engage.safeguarding.concern import find_concern
from engage.store import get_db

# How long the survey stays shut on this device after "exit this page".
EXIT_HOLD_SECONDS = 15 * 60


def check_free_text(
    campaign_id: int,
    text: str,
    *,
    session_id: int | None = None,
    group_session_id: int | None = None,
    question_id: str | None = None,
) -> bool:
    """Flag free text that holds a concern phrase; say whether it did."""
    if not text:
        return False
    db = get_db()
    matched = find_concern(text, [row["phrase"] for row in store.safeguarding.concern_phrases(db)])
    if matched is None:
        return False
    if store.safeguarding.flag_exists(db, session_id, group_session_id, question_id, text):
        # Saving the same words again (a change of answer, say) raises nothing new.
        return False
    store.safeguarding.raise_flag(
        db,
        campaign_id=campaign_id,
        reason="concern_words",
        session_id=session_id,
        group_session_id=group_session_id,
        question_id=question_id,
        matched=matched,
        excerpt=text,
    )
    return True


def start_exit_hold() -> None:
    """Forget the survey on this device and keep it shut for a while ("exit this page")."""
    session.pop("respondents", None)
    session["exited_at"] = time.time()


def exit_hold_active() -> bool:
    """Say whether this device left the survey with "exit this page" a short while ago."""
    return exited_recently(session.get("exited_at"))


def exited_recently(left: float | None) -> bool:
    """Say whether a device that pressed "exit this page" at `left` must still stay out."""
    return bool(left) and time.time() - left < EXIT_HOLD_SECONDS


def clear_exit_hold() -> None:
    """Open the survey again on this device (a supporter hands the tablet over)."""
    session.pop("exited_at", None)


def exit_url() -> str:
    """Return the neutral page "exit this page" leads to (ENGAGE_EXIT_URL)."""
    return current_app.config["EXIT_URL"] or url_for("site.search")
