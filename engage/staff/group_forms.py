"""Forms of group sessions that are checked as WTForms: the flip-chart photo."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from engage.forms import Form
from engage.i18n import lazy_gettext as _l

NOTE_LIMIT = 2000


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
