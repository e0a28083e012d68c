"""Forms of the supporter's pages: starting to help, the tablet PIN and taking the tablet back.

A campaign or a way of helping that the page never offered is refused with 400.
"""

from __future__ import annotations

from wtforms import PasswordField

from engage.forms import Form, OfferedRadioField
from engage.i18n import lazy_gettext as _l


class PinForm(Form):
    """A new tablet PIN typed twice (its rules are checked by pin_problem in the view)."""

    pin = PasswordField(_l("New PIN (4 to 8 digits)"))
    pin_again = PasswordField(_l("The same PIN again"))


class StartForm(Form):
    """The open campaign the person answers and how the supporter helps them."""

    campaign = OfferedRadioField(_l("Campaign"), missing=_l("Choose the campaign."))
    help = OfferedRadioField(_l("How are you helping?"), missing=_l("Choose how you are helping."))

    def offer(self, campaigns, helps) -> None:
        """Offer the open campaigns, by code, and the ways of helping."""
        self.campaign.choices = [(c["code"], c["title"]) for c in campaigns]
        self.help.choices = [(help_.value, help_.label) for help_ in helps]


class TakeBackForm(Form):
    """The PIN of the supporter who handed the tablet over (checked in the view)."""

    pin = PasswordField(_l("Your PIN"), filters=[lambda value: (value or "")[:100]])
