"""Forms of the safeguarding lead's pages checked as WTForms."""

from __future__ import annotations

from wtforms import StringField

from engage.forms import Form
from engage.i18n import lazy_gettext as _l


class PhraseForm(Form):
    """A word or phrase that flags free text (checked by clean_phrase in the view)."""

    phrase = StringField(_l("Add a word or phrase"))
