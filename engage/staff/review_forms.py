"""The review team's forms: quotes, redactions, descriptions and exports.

Each goes back to the lead with what they typed and a message beside the field when something
needs fixing; a value no form offered (a statement of another campaign, an unknown strength,
kind or format) is refused with 400.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from easyread.checks import sentence_problems
from engage.forms import Form, OfferedCheckboxesField, OfferedRadioField, OfferedSelectField
from engage.i18n import lazy_gettext as _l

TEXT_LIMIT = 2000
ALT_LIMIT = 200
ALT_TOO_LONG = _l("Use %(limit)s characters or fewer.", limit=ALT_LIMIT)
TOO_LONG = _l("Write %(n)s characters or fewer.", n=TEXT_LIMIT)


class _WordsForm(Form):
    """Words chosen from a text: a first and last word, or the exact words typed."""

    first_word = OfferedSelectField(_l("First word"))
    last_word = OfferedSelectField(_l("Last word"))
    words = StringField(_l("Or type the exact words"), [Length(max=TEXT_LIMIT, message=TOO_LONG)])

    def offer_words(self, words) -> None:
        """Offer the text's words by number, the span running to the last word unless chosen."""
        choices = [(str(word.number), f"{word.number}: {word.text}") for word in words]
        self.first_word.choices = choices
        self.last_word.choices = choices
        if words and self.last_word.data is None:
            self.last_word.data = choices[-1][0]


class QuoteForm(_WordsForm):
    """Mark words as a quote, tagged to statements, with its strength and a translation."""

    statements = OfferedCheckboxesField(
        _l("Statements"), missing=_l("Tag the quote to at least one statement.")
    )
    strength = OfferedSelectField(_l("Strength or area to improve"))
    english_translation = TextAreaField(
        _l("English translation (if it is in another language)"),
        [Length(max=TEXT_LIMIT, message=TOO_LONG)],
    )

    def offer(self, statements, strengths) -> None:
        """Offer the campaign's statements and the strengths."""
        self.statements.choices = [(s.id, s.id) for s in statements]
        self.strength.choices = [("", _l("Neither")), *strengths.items()]


class QuoteChangeForm(QuoteForm):
    """Change a quote already marked: its statements, strength and translation."""

    statements = OfferedCheckboxesField(_l("Statements"))
    english_translation = TextAreaField(
        _l("English translation"), [Length(max=TEXT_LIMIT, message=TOO_LONG)]
    )


class RedactionForm(_WordsForm):
    """Redact words the suggestions missed."""

    kind = OfferedSelectField(_l("What the words are"))


class DescriptionForm(Form):
    """Say in words what a drawing, photo, video or recording shows or says."""

    description = TextAreaField(
        _l("What it shows or says"),
        [
            DataRequired(_l("Say in words what it shows or says.")),
            Length(max=TEXT_LIMIT, message=TOO_LONG),
        ],
    )


class ExportForm(Form):
    """Choose an export's format and whether the lead signs it off for filing."""

    format = OfferedRadioField(_l("Format"), missing=_l("Choose a format"))
    sign_off = BooleanField(_l("I approve this export for filing"), false_values=("", "no"))


class OwnPictureForm(Form):
    """A lead's own picture and the words that describe it."""

    picture = FileField(_l("Picture"), [FileRequired(_l("Choose the photo to add."))])
    alt = StringField(
        _l("What the picture shows"),
        [
            DataRequired(_l("Say what the picture shows, for people who cannot see it.")),
            Length(
                max=ALT_LIMIT, message=_l("Use %(limit)s characters or fewer.", limit=ALT_LIMIT)
            ),
        ],
    )


class VoiceForm(Form):
    """A recording of one of the campaign's texts, read by a real voice."""

    key = OfferedSelectField(_l("The words it says"))
    recording = FileField(_l("Sound file"), [FileRequired(_l("Choose the sound file to use."))])


class RedactNameForm(Form):
    """A name or place to always redact (checked by redact_list.add in the view)."""

    name = StringField(_l("Add a name or a place"))


class RemoveNameForm(Form):
    """The name or place to take off the list.

    A name that is not on it is the view's 404, as when another lead has just taken it off.
    """

    name = StringField()


class RemoveVoiceForm(Form):
    """The text whose recorded voice goes, for generated speech again.

    A text with no recording is the view's 404, as when another lead has just removed it.
    """

    key = StringField()


class WeWillForm(Form):
    """What the organisation will do about each statement, and whether "you said" is published.

    Make it with `we_will_form`, which adds a box (we_will_ID) for each statement.
    """

    published = OfferedRadioField(_l("The “you said” page"))


def _we_will_check(form, field) -> None:
    # Every problem of the text is told at once, so a lead fixes them in one go.
    if len(field.data) > TEXT_LIMIT:
        field.errors.append(_("Write %(n)s characters or fewer.", n=TEXT_LIMIT))
    else:
        field.errors.extend(sentence_problems(field.data))


def we_will_form(statements, formdata=None, texts: dict | None = None) -> WeWillForm:
    """Return the "we will" form with a box for each statement, filled with texts if given."""
    boxes = {f"we_will_{s.id}": TextAreaField(s.id, [_we_will_check]) for s in statements}
    form_class = type("StatementsWeWillForm", (WeWillForm,), boxes)
    saved = {f"we_will_{key}": text for key, text in (texts or {}).items()}
    form = form_class(formdata=formdata, data=saved)
    form.published.choices = [("yes", "yes"), ("no", "no")]
    return form


class IncludedForm(Form):
    """The button that includes an item in the evidence ("yes") or leaves it out ("no")."""

    included = OfferedRadioField()


class RedactionDecisionForm(Form):
    """The button that confirms or rejects one suggested redaction."""

    decision = OfferedRadioField()
