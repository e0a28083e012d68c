"""Read and check what leads send when they manage accounts, campaigns and questions.

As on respondent pages, a value that was never offered (an unknown framework, statement, role,
group or language) can only come from a tampered form and is refused outright; ordinary
mistakes get a message beside the field.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, StopValidation

from engage.auth import ROLES, password_problem
from engage.forms import (
    DayMonthYearField,
    Form,
    OfferedCheckboxesField,
    OfferedRadioField,
    OfferedSelectField,
)
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


def _whole_number(bounds: tuple[int, int], missing, out_of_range, default: int | None = None):
    """Return a check that a box holds a whole number within bounds.

    A box left empty is a mistake, or with a default (a limit an older page did not show)
    takes the default.
    """
    low, high = bounds

    def check(form, field) -> None:
        if not field.data:
            if default is None:
                raise StopValidation(str(missing))
            field.data = str(default)
            raise StopValidation()
        if (
            not (field.data.isascii() and field.data.isdigit())
            or not low <= int(field.data) <= high
        ):
            raise StopValidation(str(out_of_range))

    return check


def _number(label, bounds, missing, out_of_range, default=None) -> StringField:
    return StringField(
        label,
        [_whole_number(bounds, missing, out_of_range, default)],
        filters=[lambda value: (value or "")[:10]],
    )


def _text_limit(label, limit: int, too_long) -> StringField:
    return StringField(label, [Length(max=limit, message=too_long)])


class CampaignForm(Form):
    """A new campaign's settings: framework, statements, scale, groups, languages, dates,
    the small numbers hidden in exports, media limits and where families get help.

    Call `offer` before checking it.
    """

    title = StringField(
        _l("Title"),
        [
            DataRequired(_l("Enter a title for the campaign.")),
            Length(
                max=TITLE_LIMIT,
                message=_l("Use %(limit)s characters or fewer for the title.", limit=TITLE_LIMIT),
            ),
        ],
    )
    framework = OfferedRadioField(_l("Framework"), missing=_l("Choose a framework."))
    statements = OfferedCheckboxesField(
        _l("Statements or areas to ask about"),
        missing=_l("Choose at least one statement or area."),
    )
    scale = OfferedRadioField(_l("Scale"), missing=_l("Choose a scale."))
    groups = OfferedCheckboxesField(
        _l("Who is invited"), missing=_l("Choose at least one group of people to invite.")
    )
    languages = OfferedCheckboxesField(_l("Languages"))
    opens_at = DayMonthYearField(
        _l("Opening date"),
        not_a_date=_l("Enter the opening date as a real date, like 31 3 2026."),
    )
    closes_at = DayMonthYearField(
        _l("Closing date"),
        not_a_date=_l("Enter the closing date as a real date, like 31 3 2026."),
    )
    min_group_size = _number(
        _l("Smallest group to show"),
        MIN_GROUP_SIZE_RANGE,
        _l("Enter the smallest group to show."),
        _l(
            "The smallest group to show must be a whole number from %(low)s to %(high)s.",
            low=MIN_GROUP_SIZE_RANGE[0],
            high=MIN_GROUP_SIZE_RANGE[1],
        ),
    )
    min_cell_count = _number(
        _l("Smallest count to show"),
        MIN_CELL_COUNT_RANGE,
        _l("Enter the smallest count to show."),
        _l(
            "The smallest count to show must be a whole number from %(low)s to %(high)s.",
            low=MIN_CELL_COUNT_RANGE[0],
            high=MIN_CELL_COUNT_RANGE[1],
        ),
    )
    max_photo_mb = _number(
        MEDIA_LIMITS["max_photo_mb"][1],
        MEDIA_LIMITS["max_photo_mb"][2:4],
        None,
        _l(
            "The largest photo or drawing in megabytes must be a whole number"
            " from %(low)s to %(high)s.",
            low=MEDIA_LIMITS["max_photo_mb"][2],
            high=MEDIA_LIMITS["max_photo_mb"][3],
        ),
        default=MEDIA_LIMITS["max_photo_mb"][4],
    )
    max_video_mb = _number(
        MEDIA_LIMITS["max_video_mb"][1],
        MEDIA_LIMITS["max_video_mb"][2:4],
        None,
        _l(
            "The largest video in megabytes must be a whole number from %(low)s to %(high)s.",
            low=MEDIA_LIMITS["max_video_mb"][2],
            high=MEDIA_LIMITS["max_video_mb"][3],
        ),
        default=MEDIA_LIMITS["max_video_mb"][4],
    )
    max_audio_mb = _number(
        MEDIA_LIMITS["max_audio_mb"][1],
        MEDIA_LIMITS["max_audio_mb"][2:4],
        None,
        _l(
            "The largest recording in megabytes must be a whole number from %(low)s to %(high)s.",
            low=MEDIA_LIMITS["max_audio_mb"][2],
            high=MEDIA_LIMITS["max_audio_mb"][3],
        ),
        default=MEDIA_LIMITS["max_audio_mb"][4],
    )
    help_contact = _text_limit(
        _l("How people can get help"),
        HELP_CONTACT_LIMIT,
        _l("Use %(limit)s characters or fewer for how to get help.", limit=HELP_CONTACT_LIMIT),
    )
    safeguarding_number = _text_limit(
        _l("Local adult safeguarding number"),
        HELP_CONTACT_LIMIT,
        _l(
            "Use %(limit)s characters or fewer for the safeguarding number.",
            limit=HELP_CONTACT_LIMIT,
        ),
    )

    def offer(self, library, framework_id: str | None = None) -> None:
        """Offer the library's frameworks and every statement; framework_id when editing.

        Any framework's statement is offered, so one from another framework than the one
        chosen gets a message rather than a refusal.
        """
        self.library = library
        self.framework_id = framework_id
        if "framework" in self:
            self.framework.choices = [
                (f, library.frameworks[f].name) for f in sorted(library.frameworks)
            ]
        self.statements.choices = [
            (s.id, s.id) for f in library.frameworks.values() for s in f.statements
        ]
        self.scale.choices = [(str(points), str(points)) for points in SCALES]
        self.groups.choices = [(value, value) for value in RESPONDENT_GROUPS]
        self.languages.choices = [(code, code) for code in EXTRA_LANGUAGES]

    @classmethod
    def initial(cls, campaign: dict | None) -> dict:
        """Return what the form shows first: a campaign's settings, or those of a new one."""
        if campaign is None:
            return {
                "scale": "3",
                "groups": list(RESPONDENT_GROUPS),
                "min_group_size": "10",
                "min_cell_count": "5",
                **{name: str(limit[4]) for name, limit in MEDIA_LIMITS.items()},
            }
        return {
            "title": campaign["title"],
            "statements": campaign["statement_ids"],
            "scale": str(campaign["scale_points"]),
            "groups": campaign["respondent_groups"],
            "languages": [code for code in campaign["languages"] if code != "en"],
            "opens_at": _day(campaign["opens_at"]),
            "closes_at": _day(campaign["closes_at"]),
            "min_group_size": str(campaign["min_group_size"]),
            "min_cell_count": str(campaign["min_cell_count"]),
            "help_contact": campaign["help_contact"],
            "safeguarding_number": campaign["safeguarding_number"],
            **{
                name: str(campaign[column] // MEGABYTE)
                for name, (column, *_rest) in MEDIA_LIMITS.items()
            },
        }

    def validate(self, extra_validators=None) -> bool:
        """Check each field, then the fields against each other."""
        super().validate(extra_validators)
        framework_id = self.framework_id or ("framework" in self and self.framework.data)
        if not self.statements.errors and framework_id:
            framework = self.library.framework(framework_id)
            ours = [s.id for s in framework.statements]
            if any(s not in ours for s in self.statements.data):
                self.statements.errors.append(
                    _("Choose statements or areas from the framework you chose.")
                )
            else:
                # Keep the framework's order, whatever order the boxes were sent in.
                self.statements.data = [s for s in ours if s in self.statements.data]
        opens, closes = self.opens_at.data, self.closes_at.data
        if opens and closes and closes < opens and not self.closes_at.errors:
            self.closes_at.errors.append(
                _("The closing date must be on or after the opening date.")
            )
        if (
            not self.min_group_size.errors
            and not self.min_cell_count.errors
            and int(self.min_cell_count.data) > int(self.min_group_size.data)
        ):
            self.min_cell_count.errors.append(
                _("The smallest count to show cannot be more than the smallest group to show.")
            )
        return not self.errors

    def error_targets(self) -> dict[str, str]:
        """Link statements and groups to their first box (ids statement-ID and group-VALUE)."""
        targets = super().error_targets()
        if "statements" in targets:
            first = self.library.frameworks[self.framework_id or sorted(self.library.frameworks)[0]]
            targets["statements"] = f"statement-{first.statements[0].id}"
        if "groups" in targets:
            targets["groups"] = f"group-{next(iter(RESPONDENT_GROUPS))}"
        return targets

    def settings(self) -> dict:
        """Return the campaign columns the form sets."""
        return {
            "title": self.title.data,
            "scale_points": int(self.scale.data),
            "respondent_groups": self.groups.data,
            "languages": ["en", *self.languages.data],
            "opens_at": self.opens_at.data.isoformat() if self.opens_at.data else None,
            "closes_at": self.closes_at.data.isoformat() if self.closes_at.data else None,
            "min_group_size": int(self.min_group_size.data),
            "min_cell_count": int(self.min_cell_count.data),
            "help_contact": self.help_contact.data,
            "safeguarding_number": self.safeguarding_number.data,
            **{
                column: int(self[name].data) * MEGABYTE
                for name, (column, *_rest) in MEDIA_LIMITS.items()
            },
        }


class CampaignSettingsForm(CampaignForm):
    """A campaign's settings once it is made: everything but its framework."""

    framework = None


def _day(stamp: str | None) -> date | None:
    return date.fromisoformat(stamp[:10]) if stamp else None


def _wording(name: str, label, missing=None) -> TextAreaField:
    checks = [] if missing is None else [DataRequired(missing)]
    checks.append(
        Length(
            max=TEXT_LIMITS[name],
            message=_l("Use %(limit)s characters or fewer.", limit=TEXT_LIMITS[name]),
        )
    )
    return TextAreaField(label, checks)


class QuestionForm(Form):
    """A question's English wording and its picture, saved or only checked for easy read."""

    text = _wording("text", _l("The question"), _l("Enter the question."))
    hint = _wording("hint", _l("Hint (you do not have to give one)"))
    tell_us_more = _wording(
        "tell_us_more",
        _l("What to ask people who want to say more"),
        _l("Enter what to ask people who want to say more."),
    )
    alt = _wording(
        "alt",
        _l("Describe the picture for people who cannot see it"),
        _l("Describe the picture for people who cannot see it."),
    )
    picture = OfferedRadioField(_l("Picture"), missing=_l("Choose a picture."))
    # Which button sent the form: "check" shows the easy-read checks without saving.
    action = StringField()

    def wording(self) -> dict[str, str]:
        """Return the English wording and the picture, as a question's content keeps them."""
        return {name: self[name].data or "" for name in QUESTION_FIELDS} | {
            "picture": self.picture.data or ""
        }


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


class RoleForm(Form):
    """The button that gives an account another role."""

    role = OfferedRadioField()


class ActiveForm(Form):
    """The button that switches an account off ("0") or on again ("1")."""

    active = OfferedRadioField()


class CampaignStatusForm(Form):
    """The button that opens or closes a campaign for answers."""

    status = OfferedRadioField()


class PreviewAnswerForm(Form):
    """A previewed question's answer and words, shown back to the lead and never saved."""

    answer = OfferedRadioField()
    free_text = TextAreaField(filters=[lambda value: (value or "")[:5000]])
