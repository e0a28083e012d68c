"""Resume codes: the eight letters and numbers a person keeps to come back to their answers."""

from __future__ import annotations

from flask_babel import gettext as _

RESUME_CODE_LENGTH = 8


def _code_characters(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def normalise_resume_code(typed: str) -> str:
    """Turn what a person typed into a stored resume code: capitals, no spaces or dashes."""
    code = _code_characters(typed)
    return code if len(code) == RESUME_CODE_LENGTH else ""


def spell_code(code: str) -> str:
    """Return a code one character at a time, for reading aloud: "A, 7, K"."""
    return ", ".join(code)


def resume_code_problem(typed: str) -> str | None:
    """Say, in easy read, what is wrong with a typed code's length, or None if it is right."""
    length = len(_code_characters(typed))
    if length == 0:
        return _("Type your code.")
    if length < RESUME_CODE_LENGTH:
        return _("Your code is too short. It has 8 letters and numbers.")
    if length > RESUME_CODE_LENGTH:
        return _("Your code is too long. It has 8 letters and numbers.")
    return None
