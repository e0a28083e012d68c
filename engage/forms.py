"""WTForms pieces every form shares: choices that refuse tampering, and day-month-year dates.

A form with a mistake goes back to the person with what they typed and a message beside each
field (the components in templates/components/forms.html). A value no form ever offered can
only come from a tampered request, so it is refused outright with 400, as before.

CSRF is checked for every POST by the app's CSRFProtect, so forms here do not check it again.
"""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import StopValidation

from engage import typed
from engage.checks import Checked
from engage.errors import refuse
from engage.i18n import lazy_gettext as _l

DATE_PARTS = ("day", "month", "year")
CHOICE_FIELDS = (RadioField, SelectField, SelectMultipleField)
NOT_A_DATE = _l("Enter a real date.")


class Form(FlaskForm):
    """A form checked by the app's CSRF protection, whose text fields are cleaned as typed."""

    class Meta:
        csrf = False

        def bind_field(self, form, unbound_field, options):
            # Control and direction-override characters never reach a check or the store.
            filters = (*unbound_field.kwargs.get("filters", ()), _clean_typed)
            if issubclass(
                unbound_field.field_class,
                (RadioField, SelectField, SelectMultipleField, AsTypedField),
            ):
                filters = unbound_field.kwargs.get("filters", ())
            extra = {"filters": filters}
            if form.id_prefix:
                extra["id"] = f"{form.id_prefix}-{options['name']}"
            return unbound_field.bind(form=form, **extra, **options)

    def __init__(self, *args, id_prefix: str = "", **kwargs) -> None:
        """Make the form; id_prefix keeps ids apart when one page shows two of the same form."""
        self.id_prefix = id_prefix
        super().__init__(*args, **kwargs)

    def error_targets(self) -> dict[str, str]:
        """Return, for each field with an error, the id the error summary links to."""
        return {field.name: target_id(field) for field in self if field.errors}

    def as_checked(self) -> Checked:
        """Return what was sent and each field's first message, as the respondent pages read them.

        The respondent components (a play button beside every message) and the offline pages,
        which render the same templates, take a field's value and message by name.
        """
        return Checked(
            values={field.name: "" if field.data is None else field.data for field in self},
            errors={field.name: field.errors[0] for field in self if field.errors},
        )


class AsTypedField(StringField):
    """Text kept exactly as typed, to be shown back as it was: never stored as it is.

    A resume code typed with a space too many comes back with the space, so the person sees
    what they typed; the code is normalised before it is looked up.
    """


def _clean_typed(value):
    # A text box left out of a form reads as empty, as a browser sends it.
    return typed.clean(value) if isinstance(value, str) or value is None else value


def target_id(field) -> str:
    """Return the id of the first control of a field: where its error summary link goes."""
    if isinstance(field, (OfferedRadioField, OfferedCheckboxesField)):
        first = next(iter(field.choices or ()), None)
        return f"{field.id}-{first[0]}" if first else field.id
    if isinstance(field, DayMonthYearField):
        return f"{field.id}-day"
    return field.id


def _refuse_unoffered(field, values) -> None:
    offered = {str(value) for value, *_rest in field.choices or ()}
    if any(value not in offered for value in values):
        refuse(400)


class OfferedRadioField(RadioField):
    """One choice from those offered; none chosen is a mistake, an unoffered one is refused."""

    def __init__(self, label=None, validators=None, missing="", **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.missing = missing

    def process_formdata(self, valuelist):
        if len(valuelist) > 1:
            refuse(400)
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        if self.data in (None, "", "None"):
            self.data = None
            if self.missing:
                raise StopValidation(str(self.missing))
            return
        _refuse_unoffered(self, [self.data])


class OfferedSelectField(SelectField):
    """One choice from a list; an unoffered value is refused with 400."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)

    def pre_validate(self, form):
        if self.data is not None:
            _refuse_unoffered(self, [self.data])


class OfferedCheckboxesField(SelectMultipleField):
    """Any of the choices offered, each at most once; anything else is refused with 400."""

    def __init__(self, label=None, validators=None, missing="", **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.missing = missing

    def process_formdata(self, valuelist):
        if len(set(valuelist)) != len(valuelist):
            refuse(400)
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        self.data = list(self.data or [])
        _refuse_unoffered(self, self.data)
        if not self.data and self.missing:
            raise StopValidation(str(self.missing))


class DayMonthYearField(Field):
    """A date typed as three boxes (name-day, name-month, name-year), kept as typed on a mistake.

    A date picker's order and format change with the browser's language; three labelled boxes
    are typed the same way everywhere.
    """

    def __init__(self, label=None, validators=None, not_a_date=NOT_A_DATE, **kw):
        super().__init__(label, validators, **kw)
        self.not_a_date = not_a_date
        self.typed = {part: "" for part in DATE_PARTS}

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.raw_data = []
        self.data = data if isinstance(data, date) else None
        if self.data:
            self.typed = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        if formdata is not None:
            self.typed = {
                part: typed.clean(formdata.get(f"{self.name}-{part}"))[:4] for part in DATE_PARTS
            }
            self.raw_data = [self.typed[part] for part in DATE_PARTS]
            self.data = None
            if any(self.typed.values()):
                try:
                    day, month, year = (int(self.typed[part]) for part in DATE_PARTS)
                    if year < 2000:
                        raise ValueError
                    self.data = date(year, month, day)
                except ValueError:
                    self.process_errors.append(str(self.not_a_date))

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


def pressed(form: Form, offered, title: str | None = None) -> str:
    """Return which of the offered values a one-button form sent, or refuse with 400 (and title).

    A button always sends one of the values its page offers, so none, an unoffered one or
    one sent twice can only come from a tampered request: there is no mistake to show.
    """
    [field] = list(form)
    field.choices = [(value, value) for value in offered]
    try:
        valid = form.validate()
    except BadRequest:
        valid = False
    if not valid or field.data is None:
        refuse(400, title)
    return field.data
