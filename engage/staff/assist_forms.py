"""Forms of the supporter's pages checked as WTForms: the tablet PIN."""

from __future__ import annotations

from wtforms import PasswordField

from engage.forms import Form
from engage.i18n import lazy_gettext as _l


class PinForm(Form):
    """A new tablet PIN typed twice (its rules are checked by pin_problem in the view)."""

    pin = PasswordField(_l("New PIN (4 to 8 digits)"))
    pin_again = PasswordField(_l("The same PIN again"))
