"""Read and check what a respondent's form sends.

A value outside the offered choices can only come from a tampered form, so it is refused
outright; a missing choice is an ordinary mistake and gets an easy-read message.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length

from engage import settings as personal
from engage import typed
from engage.checks import Checked as Checked  # the shape respondent templates read
from engage.errors import refuse
from engage.forms import AsTypedField, Form, OfferedRadioField
from engage.i18n import lazy_gettext as _l

FREE_TEXT_LIMIT = 5000
DESCRIPTION_LIMIT = 2000
YES_NO = ("yes", "no")


YES_OR_NO = [(value, value) for value in YES_NO]


class _YesOrNo(Form):
    """A form whose every field is a yes or a no."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            field.choices = YES_OR_NO


class TakePartForm(_YesOrNo):
    """Whether the person wants to answer our questions."""

    take_part = OfferedRadioField(
        missing=_l("Choose yes or no: do you want to answer our questions?")
    )


class QuoteForm(_YesOrNo):
    """Whether we may use the person's words."""

    quote = OfferedRadioField(missing=_l("Choose yes or no: may we use your words?"))


class MediaForm(_YesOrNo):
    """Whether we may use the person's pictures or video."""

    media = OfferedRadioField(missing=_l("Choose yes or no: may we use your pictures or video?"))


# Each consent question's form, by the field it asks.
CONSENT_FORMS = {"take_part": TakePartForm, "quote": QuoteForm, "media": MediaForm}


class WhoForm(Form):
    """Who is answering: one of the campaign's groups (call `offer` first)."""

    respondent_group = OfferedRadioField(missing=_l("Choose who is answering."))

    def offer(self, groups: Iterable[str]) -> None:
        """Offer the campaign's groups."""
        self.respondent_group.choices = [(group, group) for group in groups]


class HowForm(Form):
    """How the person is answering: on their own, with help, or someone for them."""

    answered_how = OfferedRadioField(missing=_l("Choose how you are answering."))

    def offer(self, ways: Iterable[str]) -> None:
        """Offer the ways of answering."""
        self.answered_how.choices = [(way, way) for way in ways]


class LanguageForm(Form):
    """The language a person chose, from the campaign's, and the page to go back to."""

    language = OfferedRadioField()
    next = StringField()

    def offer(self, languages: Iterable[str]) -> None:
        """Offer the campaign's languages that the app has."""
        self.language.choices = [(code, code) for code in languages]

    def validate(self, extra_validators=None) -> bool:
        """Check the form; a form with no language was never offered, so it is refused."""
        valid = super().validate(extra_validators)
        if self.language.data is None:
            refuse(400)
        return valid


def _within_free_text_limit() -> Length:
    """Return the check that a person's words fit the free-text limit, said in easy read."""
    return Length(
        max=FREE_TEXT_LIMIT,
        message=_l(
            "Please write less. You can write up to %(limit)s letters.",
            limit=f"{FREE_TEXT_LIMIT:,}",
        ),
    )


def _one_line(limit: int):
    return lambda value: typed.clean(value, one_line=True)[:limit]


class WorryForm(Form):
    """What worries a person, in their own words (they may leave it empty)."""

    worry = TextAreaField(validators=[_within_free_text_limit()])


CONTACT_LIMIT = 200
CONTACT_TOO_LONG = _l("Use %(n)s letters or fewer.", n=CONTACT_LIMIT)
# Ways that need a number, an address or words to reach the person by.
WAYS_WITH_DETAILS = ("phone", "email", "other")


class TalkForm(Form):
    """Who a worried person is and how someone can reach them; all of it may be left out."""

    name = StringField(
        validators=[Length(max=CONTACT_LIMIT, message=CONTACT_TOO_LONG)],
        filters=[_one_line(CONTACT_LIMIT + 1)],
    )
    way = OfferedRadioField()
    details = StringField(
        validators=[Length(max=CONTACT_LIMIT, message=CONTACT_TOO_LONG)],
        filters=[_one_line(CONTACT_LIMIT + 1)],
    )
    # The button to go on without saying anything.
    skip = StringField()

    def offer(self, ways: Iterable[str]) -> None:
        """Offer the ways to be reached."""
        self.way.choices = [(way, way) for way in ways]

    def validate(self, extra_validators=None) -> bool:
        """Check the form: a way needs its details, and a name or details need a way."""
        super().validate(extra_validators)
        self.missing = []
        if self.way.data in WAYS_WITH_DETAILS and not self.details.data:
            self.details.errors.append(_("Write how we can reach you."))
            self.missing.append("details")
        if (self.name.data or self.details.data) and not self.way.data:
            self.way.errors.append(_("Choose how we can reach you."))
            self.missing.append("way")
        return not self.errors

    def as_checked(self) -> Checked:
        """Return the values and messages; a missing answer is told before one too long."""
        checked = super().as_checked()
        order = [*getattr(self, "missing", []), "name", "details"]
        checked.errors = {name: checked.errors[name] for name in order if name in checked.errors}
        return checked


class ReopenForm(Form):
    """A supporter's e-mail address and PIN, to open the survey again after "exit this page"."""

    email = StringField(filters=[_one_line(254)])
    pin = PasswordField()


class ResumeCodeForm(Form):
    """A resume code as typed, and on "my answers" what the person wants done with them."""

    resume_code = AsTypedField(filters=[lambda value: (value or "")[:40]])
    # "out" asks whether to take the answers out; "out-sure" takes them out.
    action = StringField()


def settings_form() -> Form:
    """Return the personal settings form: each setting one of its offered values.

    A setting left out keeps its default; a value never offered is refused with 400.
    """
    form_class = type(
        "SettingsForm", (Form,), {name: OfferedRadioField() for name in personal.CHOICES}
    )
    form = form_class()
    for name, allowed in personal.CHOICES.items():
        form[name].choices = [(value, value) for value in allowed]
    return form


def chosen_settings(form: Form) -> dict[str, str]:
    """Return full settings from a checked settings form, defaults for those left out."""
    return {**personal.DEFAULTS, **{field.name: field.data for field in form if field.data}}


class AnswerForm(Form):
    """One question's answer (a face, "Not sure" or "I don't want to say") and words about it.

    A person leaving the page may leave the answer blank: the view clears that message then.
    """

    answer = OfferedRadioField(
        missing=_l("Choose an answer. You can choose “Not sure” or “I don’t want to say”.")
    )
    free_text = TextAreaField(validators=[_within_free_text_limit()])
    # Which button sent the form: continue, stop, go back, settings, or a media answer.
    action = StringField()

    def offer(self, values: Iterable[str]) -> None:
        """Offer the answers of the campaign's scale and the two that are always there."""
        self.answer.choices = [(value, value) for value in values]


class MediaItemForm(Form):
    """Who may see a drawing, photo, video or recording, and words about what it shows."""

    consent = OfferedRadioField(missing=_l("Choose who may see it."))
    description = TextAreaField(
        validators=[Length(max=DESCRIPTION_LIMIT, message=_l("Please write less."))]
    )

    def offer(self, values: Iterable[str]) -> None:
        """Offer who may see it."""
        self.consent.choices = [(value, value) for value in values]


CONSENT_KEYS = ("take_part", "quote", "media")
