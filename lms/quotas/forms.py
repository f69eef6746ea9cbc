"""The target edit form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional


class TargetForm(FlaskForm):
    persons = IntegerField(_l("Target (persons)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    person_times = IntegerField(_l("Target (person-times)"),
                                validators=[Optional(), NumberRange(min=0, max=10_000_000)])
