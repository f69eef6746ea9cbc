"""Forms for enrolment (the quiz is read straight from the request: its
fields depend on the lesson)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.validators import DataRequired


class EnrolForm(FlaskForm):
    people = SelectMultipleField(
        _l("Trainees to enrol"), coerce=int,
        validators=[DataRequired(message=_l("Choose at least one trainee."))],
        option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False),
    )


class QuizForm(FlaskForm):
    """Carries the CSRF token; answers are named q<question id>."""
