"""The patterns page, for staff: every form component once, one of them with a mistake."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from engage import auth
from engage.auth import require_role
from engage.staff import forms
from engage.vocab import ANSWERED_HOW

bp = Blueprint("patterns", __name__)


@bp.get("/patterns")
@require_role(*auth.ROLES)
def patterns():
    """Show every form component once, one of them with a mistake, to check them together."""
    form = forms.PatternsForm(formdata=None, data={"role": "lead", "statements": ["QS1"]})
    form.role.choices = list(auth.ROLE_NAMES.items())
    form.statements.choices = [("QS1", "QS1"), ("QS2", "QS2")]
    form.how.choices = [("", _("Not known"))] + [
        (way.value, way.label) for way in ANSWERED_HOW.values()
    ]
    form.phrase.errors = [str(forms.TOO_SHORT)]
    return render_template("staff/patterns.html", form=form)
