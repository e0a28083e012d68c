"""Which respondent session a browser holds for the campaign on screen, and in which language.

Every page of the respondent wing reads the campaign from its address first (g.campaign, set by
the wing's URL processor in engage.respondent), then asks here for the person behind it.
"""

from __future__ import annotations

from datetime import date

from flask import g, session
from flask_babel import format_date, refresh
from flask_babel import gettext as _

from engage import i18n
from engage import settings as personal
from engage.campaigns import is_open, opens_later
from engage.errors import refuse


def bound_session() -> dict | None:
    """Return the respondent session this browser holds for the campaign, if any.

    A binding to a session that is gone, or left idle too long, is dropped; one in use is kept
    alive.
    """
    respondent = personal.bound_respondent()
    code = g.campaign["code"]
    if respondent is None and code in session.get("respondents", {}):
        unbind()
    elif respondent is not None:
        personal.note_seen(code)
    return respondent


def bind(respondent: dict) -> None:
    """Hold this respondent session in this browser, in the session's own language."""
    personal.bind(g.campaign["code"], respondent["id"])
    # A resumed session brings its language back, on this device too.
    remember_language(respondent["language"])


def unbind() -> None:
    """Let go of the session this browser holds for the campaign."""
    personal.unbind(g.campaign["code"])


def set_language() -> None:
    """Use the language the person chose: their session's, else this browser's, else English."""
    respondent = bound_session()
    if respondent is not None:
        chosen = respondent["language"]
    else:
        chosen = session.get("languages", {}).get(g.campaign["code"])
    g.language = i18n.usable(chosen, g.campaign["languages"])
    refresh()


def remember_language(language: str) -> None:
    """Show this campaign's pages in this language, in this browser, from now on."""
    language = i18n.usable(language, g.campaign["languages"])
    chosen = dict(session.get("languages", {}))
    chosen[g.campaign["code"]] = language
    session["languages"] = chosen
    g.language = language
    refresh()


def refuse_unless_open() -> None:
    """Refuse a page that takes answers while the campaign is not open (before its day, closed)."""
    campaign = g.campaign
    opens = opens_later(campaign)
    if opens:
        refuse(
            403,
            _("This survey opens on %(day)s", day=format_date(date.fromisoformat(opens), "long")),
            [_("You cannot answer it yet."), _("Please come back on that day.")],
        )
    if not is_open(campaign):
        refuse(
            403,
            _("Sorry, this survey is closed"),
            [_("You cannot answer this survey now."), _("Thank you for wanting to take part.")],
        )
