"""Forms of the staff pages: signing in, changing a password and finding answers to erase."""

from __future__ import annotations

from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from engage.forms import (
    DayMonthYearField,
    Form,
    OfferedCheckboxesField,
    OfferedRadioField,
    OfferedSelectField,
)
from engage.i18n import lazy_gettext as _l

PHRASE_SHORTEST = 4
TOO_SHORT = _l("Type at least %(n)s letters of something they wrote.", n=PHRASE_SHORTEST)
NOT_A_DAY = _l("Enter the day they answered, like 31 3 2026.")


class SignInForm(Form):
    """An email address and a password; a wrong pair is told beside the email address."""

    email = StringField(_l("Email address"), filters=[lambda value: (value or "")[:320]])
    password = PasswordField(_l("Password"), filters=[lambda value: (value or "")[:1000]])


class PasswordChangeForm(Form):
    """The current password and a new one typed twice."""

    current_password = PasswordField(_l("Your current password"))
    new_password = PasswordField(_l("New password"))
    new_password_again = PasswordField(_l("The same new password again"))


class EraseCodeForm(Form):
    """The code a person was given when they stopped or finished."""

    resume_code = StringField(_l("Their code"), filters=[lambda value: (value or "")[:40]])


class EraseDescribedForm(Form):
    """What a person remembers: a phrase they wrote, the day, and how they answered."""

    phrase = StringField(
        _l("Some words they wrote"),
        [DataRequired(TOO_SHORT), Length(min=PHRASE_SHORTEST, message=TOO_SHORT)],
        filters=[lambda value: " ".join((value or "").split())[:200]],
    )
    day = DayMonthYearField(
        _l("The day they answered"),
        [DataRequired(NOT_A_DAY)],
        not_a_date=NOT_A_DAY,
    )
    how = OfferedSelectField(_l("How they answered (if they know)"))


class PatternsForm(Form):
    """One field of every kind the form components show, for the staff patterns page."""

    phrase = StringField(_l("Some words they wrote"))
    description = TextAreaField(_l("What it shows or says"))
    role = OfferedRadioField(_l("Role"))
    statements = OfferedCheckboxesField(_l("Statements"))
    day = DayMonthYearField(_l("The day they answered"))
    how = OfferedSelectField(_l("How they answered (if they know)"))
