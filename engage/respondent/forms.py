"""Read and check what a respondent's form sends.

A value outside the offered choices can only come from a tampered form, so it is refused
outright; a missing choice is an ordinary mistake and gets an easy-read message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

from engage import typed
from engage.errors import refuse

FREE_TEXT_LIMIT = 5000
YES_NO = ("yes", "no")


@dataclass
class Checked:
    """The values a form gave, and the messages for fields that need fixing."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def choice(
    form: Mapping[str, str], name: str, allowed: Iterable[str], missing_message: str
) -> tuple[str | None, str | None]:
    """Return (value, error) for a radio group, refusing values that were never offered."""
    raw = form.getlist(name) if hasattr(form, "getlist") else [form.get(name)]
    raw = [value for value in raw if value is not None]
    if len(raw) > 1:
        refuse(400)
    if not raw or raw[0] == "":
        return None, missing_message
    if raw[0] not in set(allowed):
        refuse(400)
    return raw[0], None


def free_text(form: Mapping[str, str], name: str) -> tuple[str, str | None]:
    """Return (text, error) for an optional text box."""
    text = typed.clean(form.get(name))
    if len(text) > FREE_TEXT_LIMIT:
        return text, _(
            "Please write less. You can write up to %(limit)s letters.",
            limit=f"{FREE_TEXT_LIMIT:,}",
        )
    return text, None


def consent_step(form: Mapping[str, str], name: str) -> Checked:
    """Check one consent question, with a message that repeats the question asked."""
    missing = {
        "take_part": _("Choose yes or no: do you want to answer our questions?"),
        "quote": _("Choose yes or no: may we use your words?"),
        "media": _("Choose yes or no: may we use your pictures or video?"),
    }[name]
    checked = Checked()
    value, error = choice(form, name, YES_NO, missing)
    if error:
        checked.errors[name] = error
    else:
        checked.values[name] = value
    return checked


def who(form: Mapping[str, str], groups: Iterable[str]) -> Checked:
    """Check who is answering."""
    checked = Checked()
    group, error = choice(form, "respondent_group", groups, _("Choose who is answering."))
    if error:
        checked.errors["respondent_group"] = error
    else:
        checked.values["respondent_group"] = group
    return checked


def answered_how(form: Mapping[str, str], ways: Iterable[str]) -> Checked:
    """Check how the person is answering."""
    checked = Checked()
    how, error = choice(form, "answered_how", ways, _("Choose how you are answering."))
    if error:
        checked.errors["answered_how"] = error
    else:
        checked.values["answered_how"] = how
    return checked


def answer(form: Mapping[str, str], values: Iterable[str], stopping: bool) -> Checked:
    """Check one question's answer; a person who is stopping may leave it blank."""
    checked = Checked()
    value, error = choice(
        form,
        "answer",
        values,
        _("Choose an answer. You can choose “Not sure” or “I don’t want to say”."),
    )
    text, text_error = free_text(form, "free_text")
    checked.values["free_text"] = text
    if value:
        checked.values["answer"] = value
    elif not stopping or text:
        checked.errors["answer"] = error
    if text_error:
        checked.errors["free_text"] = text_error
    return checked


CONSENT_KEYS = ("take_part", "quote", "media")


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
