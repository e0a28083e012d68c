"""Forms of the safeguarding lead's pages checked as WTForms."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from engage.forms import Form, OfferedRadioField
from engage.i18n import lazy_gettext as _l

NOTE_LIMIT = 2000
TOO_LONG = _l("Write %(n)s characters or fewer.", n=f"{NOTE_LIMIT:,}")


class PhraseForm(Form):
    """A word or phrase that flags free text (checked by clean_phrase in the view)."""

    phrase = StringField(_l("Add a word or phrase"))


class DecisionForm(Form):
    """A lead's decision on a flag, with a note saying why."""

    decision = OfferedRadioField(_l("What did you decide?"), missing=_l("Choose a decision."))
    note = TextAreaField(
        _l("Note"),
        [
            DataRequired(_l("Write a note about the decision.")),
            Length(max=NOTE_LIMIT, message=TOO_LONG),
        ],
    )


class RemoveFlagForm(Form):
    """Why a worry sent from outside the survey is not a real one."""

    remove_note = TextAreaField(
        _l("Why is it not a real worry?"),
        [
            DataRequired(_l("Write why it is not a real worry.")),
            Length(max=NOTE_LIMIT, message=TOO_LONG),
        ],
    )
