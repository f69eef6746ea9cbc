"""The security administrator's form for a new API client."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ApiClientForm(FlaskForm):
    name = StringField(_l("System name"), filters=[_strip], validators=[DataRequired(), Length(max=128)])
    region = SelectField(_l("Region it may read"), validators=[DataRequired()], coerce=str)
