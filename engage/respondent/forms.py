"""Read and check what a respondent's form sends.

A value outside the offered choices can only come from a tampered form, so it is refused
outright; a missing choice is an ordinary mistake and gets an easy-read message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import gettext as _

from engage import typed
from engage.checks import Checked, choice

FREE_TEXT_LIMIT = 5000
YES_NO = ("yes", "no")


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
