"""Forms of group sessions: starting one, the tally, notes and the flip-chart photo.

Each goes back with what was typed and a message beside the field when something needs
fixing; a value no form offered (another campaign's question, an unknown group, role or
language, a count box for an answer the scale does not have) is refused with 400.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.file import FileField, FileRequired
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from engage.errors import refuse
from engage.forms import Form, OfferedCheckboxesField, OfferedRadioField, OfferedSelectField
from engage.i18n import lazy_gettext as _l

NOTE_LIMIT = 2000
PLACE_LIMIT = 120
MAX_GROUP_SIZE = 500
COUNT_DIGITS = 4
NOTE_TOO_LONG = _l("Write %(n)s characters or fewer.", n=f"{NOTE_LIMIT:,}")


def _one_line(value) -> str:
    return " ".join((value or "").split())


def _first_language(value):
    # A form without a language box (one language only) means the campaign's first language.
    return value or None


class FlipchartPhotoForm(Form):
    """A photo of the flip-chart or mat, with words saying what it shows."""

    photo = FileField(
        _l("Photo of the flip-chart or mat (you do not have to add one)"),
        [FileRequired(_l("Choose the photo to add."))],
    )
    description = TextAreaField(
        _l("What the photo shows"),
        [
            DataRequired(_l("Write a few words about the flip-chart.")),
            Length(max=NOTE_LIMIT, message=_l("Write a few words about the flip-chart.")),
        ],
    )
    # The page has no language box, so the words are in the campaign's first language.
    language = OfferedSelectField(_l("Language the words are in"), filters=[_first_language])

    def offer_languages(self, languages: list[str]) -> None:
        """Offer the campaign's languages."""
        self.language.choices = [(code, code) for code in languages]

    def words_language(self) -> str:
        """Return the language the words are in: the one chosen, else the campaign's first."""
        return self.language.data or self.language.choices[0][0]


def _group_size(form, field) -> None:
    size = field.data
    if not (size.isascii() and size.isdigit()) or not 1 <= int(size) <= MAX_GROUP_SIZE:
        raise ValidationError(_("Type how many people, from 1 to %(most)s.", most=MAX_GROUP_SIZE))


class NewGroupForm(Form):
    """Where a group meets, how many are in it, who they are and which questions they answer."""

    place = StringField(
        _l("Where does the group meet?"),
        [
            DataRequired(_l("Type where the group meets.")),
            Length(max=PLACE_LIMIT, message=_l("Use %(n)s characters or fewer.", n=PLACE_LIMIT)),
        ],
        filters=[_one_line],
    )
    group_size = StringField(
        _l("How many people are in the group?"),
        [_group_size],
        filters=[lambda value: (value or "").strip()[:10]],
    )
    respondent_group = OfferedRadioField(_l("Who is in the group?"))
    questions = OfferedCheckboxesField(
        _l("Which questions?"), missing=_l("Choose at least one question.")
    )

    def offer(self, groups, questions) -> None:
        """Offer the respondent groups and the campaign's questions."""
        self.respondent_group.choices = [(value, value) for value in groups]
        self.questions.choices = [(q["question_id"], q["question_id"]) for q in questions]

    def validate(self, extra_validators=None) -> bool:
        """Check the form; a group of nobody was never offered, so it is refused."""
        valid = super().validate(extra_validators)
        if self.respondent_group.data is None:
            refuse(400)
        return valid

    def error_targets(self) -> dict[str, str]:
        """Link the questions' error to the first question's box (ids are question-ID)."""
        targets = super().error_targets()
        if "questions" in targets:
            targets["questions"] = f"question-{self.questions.choices[0][0]}"
        return targets


class TallyForm(Form):
    """How many people chose each answer: a box per answer, named count-VALUE.

    Make it with `tally_form`, which adds a box for each answer of the campaign's scale.
    """

    # Never typed: holds the mistake of counts adding up to more people than the group has.
    total = Field()

    def validate(self, extra_validators=None) -> bool:
        """Check each count is a whole number and that they add up to no more than the group."""
        super().validate(extra_validators)
        self.counts: dict[str, int] = {}
        for choice in self.choices:
            field = self[f"count-{choice.value}"]
            typed = field.data or ""
            if typed == "":
                self.counts[choice.value] = 0
            elif typed.isascii() and typed.isdigit() and len(typed) <= COUNT_DIGITS:
                self.counts[choice.value] = int(typed)
            else:
                field.errors.append(
                    _("“%(answer)s”: type a whole number, like 0 or 3.", answer=choice.label)
                )
        if not self.errors and sum(self.counts.values()) > self.group_size:
            self.total.errors.append(
                ngettext(
                    "The numbers add up to %(total)s, but there is %(num)d person in the group.",
                    "The numbers add up to %(total)s, but there are %(num)d people in the group.",
                    self.group_size,
                    total=sum(self.counts.values()),
                )
            )
        return not self.errors

    def error_targets(self) -> dict[str, str]:
        """Link a total that is too big to the first count box."""
        targets = super().error_targets()
        if "total" in targets:
            targets["total"] = f"count-{self.choices[0].value}"
        return targets


def tally_form(choices: list, group_size: int, formdata=None, counts=None) -> TallyForm:
    """Return a tally form with a box per answer; a box no form offered is refused with 400.

    `counts` fills the boxes with a tally saved earlier.
    """
    if formdata is not None:
        sent = [key for key in formdata if key.startswith("count-")]
        offered = {f"count-{choice.value}" for choice in choices}
        if set(sent) - offered or any(len(formdata.getlist(key)) > 1 for key in sent):
            refuse(400)
    boxes = {
        f"count-{choice.value}": StringField(
            choice.label, filters=[lambda value: (value or "").strip()[:10]]
        )
        for choice in choices
    }
    form_class = type("ScaleTallyForm", (TallyForm,), boxes)
    saved = {f"count-{value}": str(count) for value, count in (counts or {}).items()}
    form = form_class(formdata=formdata, data=saved)
    form.choices = choices
    form.group_size = group_size
    return form


def _note_words():
    return TextAreaField(
        _l("What they said"),
        [DataRequired(_l("Write what they said.")), Length(max=NOTE_LIMIT, message=NOTE_TOO_LONG)],
        filters=[lambda value: (value or "")[: NOTE_LIMIT + 100]],
    )


def _note_language():
    return OfferedSelectField(_l("Language the words are in"), filters=[_first_language])


class NoteChangeForm(Form):
    """A correction to what a note says, and the language its words are in."""

    note = _note_words()
    language = _note_language()

    def offer_languages(self, languages: list[str]) -> None:
        """Offer the campaign's languages."""
        self.language.choices = [(code, code) for code in languages]

    def words_language(self) -> str:
        """Return the language the words are in: the one chosen, else the campaign's first."""
        return self.language.data or self.language.choices[0][0]


class NoteForm(NoteChangeForm):
    """What someone in the group said, with only their role."""

    speaker_role = OfferedRadioField(
        _l("Who said it? No names."), missing=_l("Choose who said it.")
    )
    note = _note_words()
    language = _note_language()

    def offer(self, speakers, languages: list[str]) -> None:
        """Offer the speakers' roles and the campaign's languages."""
        self.speaker_role.choices = list(speakers.items())
        self.offer_languages(languages)
