"""Forms of the safeguarding lead's pages checked as WTForms."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from engage.errors import refuse
from engage.forms import Form, OfferedRadioField, OfferedSelectField
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


class SafeguardingLeadForm(Form):
    """The named lead who receives one campaign's flags, or none (any lead picks them up)."""

    campaign_id = OfferedSelectField()
    lead_id = OfferedSelectField(_l("Named lead"))

    def offer(self, campaigns, people) -> None:
        """Offer the campaigns (sent hidden, one form each) and the active leads."""
        self.campaign_id.choices = [(str(c["id"]), c["title"]) for c in campaigns]
        self.lead_id.choices = [
            ("", _l("No named lead")),
            *((str(p["id"]), f"{p['name']} ({p['email']})") for p in people),
        ]

    def validate(self, extra_validators=None) -> bool:
        """Check the form; a form that names no campaign was never offered, so it is refused."""
        valid = super().validate(extra_validators)
        if self.campaign_id.data is None:
            refuse(400)
        return valid
