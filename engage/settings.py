"""A respondent's personal settings: pictures, reading aloud, text size, contrast and font.

Before a respondent session exists the settings live in the signed Flask session; once the person
agrees to take part they are copied into respondent_sessions.settings, so they come back with the
resume code on any device.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from flask import Flask, current_app, g, session

from engage import store
from engage.errors import refuse
from engage.store import get_db

# Each setting: its allowed values, the first being the default.
CHOICES: dict[str, tuple[str, ...]] = {
    "pictures": ("on", "off"),
    "narration": ("on", "off"),
    "speed": ("slower", "normal"),
    "read_aloud": ("off", "on"),
    "text_size": ("standard", "large", "largest"),
    "contrast": ("standard", "high"),
    "font": ("standard", "dyslexic"),
}
DEFAULTS = {name: values[0] for name, values in CHOICES.items()}


def clean(raw: Mapping | None) -> dict[str, str]:
    """Return full settings from stored ones, dropping anything unknown."""
    settings = dict(DEFAULTS)
    for name, value in (raw or {}).items():
        if name in CHOICES and value in CHOICES[name]:
            settings[name] = value
    return settings


def from_form(form: Mapping[str, str]) -> dict[str, str]:
    """Read settings from a form; a value never offered can only be tampering, so refuse it."""
    settings = dict(DEFAULTS)
    for name, allowed in CHOICES.items():
        value = form.get(name)
        if value is None or value == "":
            continue
        if value not in allowed:
            refuse(400)
        settings[name] = value
    return settings


# A binding's last-seen stamp is renewed once it is this old, so the cookie changes a few times
# an hour at most instead of on every page.
SEEN_STEP = 5 * 60


def binding_state(seen: object, code: str, idle_seconds: int, now: float) -> str:
    """Say whether a browser's binding to a campaign's session is "fresh", due a "renew" or "stale".

    A binding nobody used for `idle_seconds` stops working: the person then uses their code.
    """
    stamp = seen.get(code) if isinstance(seen, dict) else None
    if not isinstance(stamp, int | float) or isinstance(stamp, bool) or stamp > now + SEEN_STEP:
        return "stale"
    if now - stamp > idle_seconds:
        return "stale"
    return "renew" if now - stamp >= SEEN_STEP else "fresh"


def _binding_state(code: str) -> str:
    return binding_state(
        session.get("seen"), code, current_app.config["RESPONDENT_IDLE_SECONDS"], time.time()
    )


def bind(code: str, session_id: int) -> None:
    """Bind this browser to a respondent session of a campaign, seen now."""
    session["respondents"] = {**session.get("respondents", {}), code: session_id}
    session["seen"] = {**_seen(), code: int(time.time())}


def unbind(code: str) -> None:
    """Forget this browser's respondent session for a campaign."""
    bound = dict(session.get("respondents", {}))
    bound.pop(code, None)
    session["respondents"] = bound
    seen = _seen()
    seen.pop(code, None)
    session["seen"] = seen


def note_seen(code: str) -> None:
    """Renew the binding's last-seen stamp, if it is due, so an active person stays bound."""
    if _binding_state(code) == "renew":
        session["seen"] = {**_seen(), code: int(time.time())}


def _seen() -> dict:
    seen = session.get("seen")
    return dict(seen) if isinstance(seen, dict) else {}


def bound_session_id() -> int | None:
    """Return the id of the respondent session this browser holds for the current campaign.

    A binding left idle too long counts as none (see `binding_state`).
    """
    campaign = g.get("campaign")
    if campaign is None:
        return None
    session_id = session.get("respondents", {}).get(campaign["code"])
    if session_id is None or _binding_state(campaign["code"]) == "stale":
        return None
    return session_id


def bound_respondent() -> dict | None:
    """Return the campaign's respondent session this browser holds, or None (never edit it).

    Several parts of a page ask for it; it is read once, and again only after this request has
    written something, which `store.changes_made` (a count of the connection's writes) tells.
    """
    session_id = bound_session_id()
    if session_id is None:
        return None
    db = get_db()
    read_at = (session_id, store.changes_made(db))
    request_g = g._get_current_object()
    held = getattr(request_g, "bound_respondent", None)
    if held is None or held[0] != read_at:
        respondent = store.respondents.respondent_session(db, session_id)
        if respondent is not None and respondent["campaign_id"] != request_g.campaign["id"]:
            respondent = None
        held = request_g.bound_respondent = (read_at, respondent)
    return held[1]


def current() -> dict[str, str]:
    """Return this request's settings: the respondent session's, else the browser's."""
    if "settings" not in g:
        respondent = bound_respondent()
        stored = respondent["settings"] if respondent is not None else None
        g.settings = clean(stored if stored is not None else session.get("settings"))
    return g.settings


def save(settings: dict[str, str]) -> None:
    """Remember settings in the browser and, when there is one, in the respondent session."""
    session["settings"] = settings
    session_id = bound_session_id()
    if session_id is not None:
        store.respondents.set_session_settings(get_db(), session_id, settings)
    g.settings = settings


def carry_into_session(session_id: int) -> None:
    """Copy the settings chosen before consent into a newly started respondent session."""
    store.respondents.set_session_settings(get_db(), session_id, clean(session.get("settings")))


def page_classes() -> str:
    """Return the classes on <html> that apply the settings through CSS."""
    settings = current()
    classes = [f"text-{settings['text_size']}"]
    if settings["contrast"] == "high":
        classes.append("contrast-high")
    if settings["font"] == "dyslexic":
        classes.append("font-dyslexic")
    if settings["pictures"] == "off":
        classes.append("pictures-off")
    return " ".join(classes)


def init_app(app: Flask) -> None:
    """Expose the settings to every template."""
    app.jinja_env.globals.update(
        personal_settings=current,
        page_classes=page_classes,
        show_pictures=lambda: current()["pictures"] == "on",
    )
