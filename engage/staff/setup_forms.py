"""Read and check what leads send when they manage accounts, campaigns and questions.

As on respondent pages, a value that was never offered (an unknown framework, statement, role,
group or language) can only come from a tampered form and is refused outright; ordinary
mistakes get a message beside the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from engage import typed
from engage.auth import ROLES, password_problem
from engage.checks import Checked, choice
from engage.errors import refuse
from engage.forms import Form, OfferedRadioField, OfferedSelectField
from engage.i18n import lazy_gettext as _l
from engage.vocab import RESPONDENT_GROUPS, SCALES

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# English is always offered; these may be added per campaign.
EXTRA_LANGUAGES = {
    "cy": ("Cymraeg", _l("Welsh")),
    "pl": ("Polski", _l("Polish")),
    "ur": ("اردو", _l("Urdu")),
    "ar": ("العربية", _l("Arabic")),
}
MIN_GROUP_SIZE_RANGE = (5, 100)
MIN_CELL_COUNT_RANGE = (3, 50)
MEGABYTE = 1024 * 1024
# Each media limit in megabytes: (column, label, lowest, highest, default).
MEDIA_LIMITS = {
    "max_photo_mb": ("max_photo_bytes", _l("Largest photo or drawing (MB)"), 1, 50, 20),
    "max_video_mb": ("max_video_bytes", _l("Largest video (MB)"), 10, 2000, 500),
    "max_audio_mb": ("max_audio_bytes", _l("Largest recording (MB)"), 1, 200, 50),
}
TITLE_LIMIT = 120
HELP_CONTACT_LIMIT = 200
TEXT_LIMITS = {"text": 200, "hint": 300, "tell_us_more": 200, "alt": 200}
QUESTION_FIELDS = ("text", "hint", "tell_us_more", "alt")
TERM_LIMIT = 60


def _text(form: Mapping[str, str], name: str) -> str:
    return typed.clean(form.get(name))


def _many(form, name: str, allowed) -> list[str]:
    values = form.getlist(name)
    if any(value not in allowed for value in values) or len(set(values)) != len(values):
        refuse(400)
    return values


class InvitationForm(Form):
    """An invitation: the e-mail address of the person invited, and one of the roles."""

    email = StringField(
        _l("Their email address"),
        [
            DataRequired(_l("Enter the email address of the person to invite.")),
            Regexp(EMAIL, message=_l("Enter an email address like name@example.org.")),
        ],
        filters=[lambda value: (value or "")[:320]],
    )
    role = OfferedRadioField(_l("Their role"), missing=_l("Choose a role."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [(role, role) for role in ROLES]


class NewAccountForm(Form):
    """The name and password someone chooses when accepting an invitation."""

    name = StringField(
        _l("Your name"),
        [DataRequired(_l("Enter your name."))],
        filters=[lambda value: (value or "")[:120]],
    )
    password = PasswordField(_l("Choose a password"))
    password_again = PasswordField(_l("Type the password again"))

    def validate_for(self, email: str) -> bool:
        """Check the form; the password must suit the rules for this person's email and name."""
        super().validate()
        problem = password_problem(self.password.data or "", email, self.name.data)
        if problem:
            self.password.errors.append(problem)
        elif self.password.data != self.password_again.data:
            self.password_again.errors.append(_("The two passwords are not the same."))
        return not self.errors


DATE_PARTS = ("day", "month", "year")


def _date(form, name: str, checked: Checked, not_a_date: str) -> str | None:
    """Read a date typed as day, month and year boxes; keep what was typed for the form."""
    parts = {part: _text(form, f"{name}-{part}")[:4] for part in DATE_PARTS}
    checked.values[f"{name}_typed"] = parts
    checked.values[name] = ""
    if not any(parts.values()):
        return None
    try:
        day, month, year = (int(parts[part]) for part in DATE_PARTS)
        if year < 2000:
            raise ValueError
        checked.values[name] = date(year, month, day).isoformat()
        return checked.values[name]
    except ValueError:
        checked.errors[name] = not_a_date
        return None


def _whole_number(
    form, name: str, bounds: tuple[int, int], checked: Checked, missing: str, out_of_range: str
):
    """Return a whole number within bounds, or None with an error.

    out_of_range is a translated sentence still holding %(low)s and %(high)s, filled in here.
    """
    raw = _text(form, name)
    low, high = bounds
    checked.values[name] = raw[:10]
    if not raw:
        checked.errors[name] = missing
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        checked.errors[name] = out_of_range % {"low": low, "high": high}
        return None
    return int(raw)


def campaign(form, library, framework_id: str | None = None) -> Checked:
    """Check a campaign's settings; framework_id is given when editing (it cannot change)."""
    checked = Checked()
    title = _text(form, "title")
    checked.values["title"] = title
    if not title:
        checked.errors["title"] = _("Enter a title for the campaign.")
    elif len(title) > TITLE_LIMIT:
        checked.errors["title"] = _(
            "Use %(limit)s characters or fewer for the title.", limit=TITLE_LIMIT
        )

    if framework_id is None:
        framework_id, error = choice(
            form, "framework", library.frameworks, _("Choose a framework.")
        )
        if error:
            checked.errors["framework"] = error
        else:
            checked.values["framework"] = framework_id
    every_statement = {s.id: f.id for f in library.frameworks.values() for s in f.statements}
    statement_ids = _many(form, "statements", every_statement)
    checked.values["statements"] = statement_ids
    if not statement_ids:
        checked.errors["statements"] = _("Choose at least one statement or area.")
    elif framework_id and any(every_statement[s] != framework_id for s in statement_ids):
        checked.errors["statements"] = _("Choose statements or areas from the framework you chose.")
    else:
        # Keep the framework's order, whatever order the boxes were sent in.
        if framework_id:
            order = [s.id for s in library.framework(framework_id).statements]
            checked.values["statements"] = [s for s in order if s in statement_ids]

    scale, error = choice(form, "scale", [str(points) for points in SCALES], _("Choose a scale."))
    if error:
        checked.errors["scale"] = error
    else:
        checked.values["scale"] = int(scale)

    groups = _many(form, "groups", RESPONDENT_GROUPS)
    checked.values["groups"] = groups
    if not groups:
        checked.errors["groups"] = _("Choose at least one group of people to invite.")
    checked.values["languages"] = ["en", *_many(form, "languages", EXTRA_LANGUAGES)]

    opens = _date(
        form, "opens_at", checked, _("Enter the opening date as a real date, like 31 3 2026.")
    )
    closes = _date(
        form, "closes_at", checked, _("Enter the closing date as a real date, like 31 3 2026.")
    )
    if opens and closes and closes < opens:
        checked.errors["closes_at"] = _("The closing date must be on or after the opening date.")

    group_size = _whole_number(
        form,
        "min_group_size",
        MIN_GROUP_SIZE_RANGE,
        checked,
        _("Enter the smallest group to show."),
        _("The smallest group to show must be a whole number from %(low)s to %(high)s."),
    )
    cell_count = _whole_number(
        form,
        "min_cell_count",
        MIN_CELL_COUNT_RANGE,
        checked,
        _("Enter the smallest count to show."),
        _("The smallest count to show must be a whole number from %(low)s to %(high)s."),
    )
    if group_size is not None and cell_count is not None and cell_count > group_size:
        checked.errors["min_cell_count"] = _(
            "The smallest count to show cannot be more than the smallest group to show."
        )

    contact = _text(form, "help_contact")
    checked.values["help_contact"] = contact
    if len(contact) > HELP_CONTACT_LIMIT:
        checked.errors["help_contact"] = _(
            "Use %(limit)s characters or fewer for how to get help.", limit=HELP_CONTACT_LIMIT
        )
    number = _text(form, "safeguarding_number")
    checked.values["safeguarding_number"] = number
    if len(number) > HELP_CONTACT_LIMIT:
        checked.errors["safeguarding_number"] = _(
            "Use %(limit)s characters or fewer for the safeguarding number.",
            limit=HELP_CONTACT_LIMIT,
        )
    media_messages = {
        "max_photo_mb": (
            _("Enter the largest photo or drawing in megabytes."),
            _(
                "The largest photo or drawing in megabytes must be a whole number"
                " from %(low)s to %(high)s."
            ),
        ),
        "max_video_mb": (
            _("Enter the largest video in megabytes."),
            _("The largest video in megabytes must be a whole number from %(low)s to %(high)s."),
        ),
        "max_audio_mb": (
            _("Enter the largest recording in megabytes."),
            _(
                "The largest recording in megabytes must be a whole number"
                " from %(low)s to %(high)s."
            ),
        ),
    }
    for name, (_column, _label, low, high, default) in MEDIA_LIMITS.items():
        # A form without the field (an older page) keeps the default.
        if _text(form, name):
            _whole_number(form, name, (low, high), checked, *media_messages[name])
        else:
            checked.values[name] = str(default)
    return checked


def media_limit_values(campaign: dict | None) -> dict[str, str]:
    """Return the media limit fields in megabytes, from a campaign or the defaults."""
    return {
        name: str(campaign[column] // MEGABYTE if campaign else default)
        for name, (column, _label, _low, _high, default) in MEDIA_LIMITS.items()
    }


def settings_from(checked: Checked) -> dict:
    """Return the campaign columns a checked form sets."""
    values = checked.values
    return {
        "title": values["title"],
        "scale_points": values["scale"],
        "respondent_groups": values["groups"],
        "languages": values["languages"],
        "opens_at": values["opens_at"] or None,
        "closes_at": values["closes_at"] or None,
        "min_group_size": int(values["min_group_size"]),
        "min_cell_count": int(values["min_cell_count"]),
        "help_contact": values["help_contact"],
        "safeguarding_number": values["safeguarding_number"],
        **{column: int(values[name]) * MEGABYTE for name, (column, *_rest) in MEDIA_LIMITS.items()},
    }


def question(form, picture_ids) -> Checked:
    """Check a question's wording and picture."""
    checked = Checked()
    for name in QUESTION_FIELDS:
        value = _text(form, name)
        checked.values[name] = value
        if len(value) > TEXT_LIMITS[name]:
            checked.errors[name] = _("Use %(limit)s characters or fewer.", limit=TEXT_LIMITS[name])
    for name, message in (
        ("text", _("Enter the question.")),
        ("tell_us_more", _("Enter what to ask people who want to say more.")),
        ("alt", _("Describe the picture for people who cannot see it.")),
    ):
        if not checked.values[name] and name not in checked.errors:
            checked.errors[name] = message
    picture, error = choice(form, "picture", picture_ids, _("Choose a picture."))
    if error:
        checked.errors["picture"] = error
    else:
        checked.values["picture"] = picture
    return checked


def _one_line(value) -> str:
    return " ".join((value or "").split())


class WordForm(Form):
    """A word or short form to avoid, what to say instead, and the campaigns it is for."""

    term = StringField(
        _l("Word, phrase or short form"),
        [
            DataRequired(_l("Enter the word or short form to avoid.")),
            Length(
                max=TERM_LIMIT, message=_l("Use %(limit)s characters or fewer.", limit=TERM_LIMIT)
            ),
        ],
        filters=[_one_line],
    )
    plainer = StringField(
        _l("What to say instead (you do not have to fill this in)"),
        filters=[lambda value: _one_line(value)[: TERM_LIMIT * 2]],
    )
    scope = OfferedSelectField(_l("Which campaigns"), default="all")
