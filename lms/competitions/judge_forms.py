"""Forms of the judges' pages, for CSRF and validation of every POST (the
templates write their fields by hand: a review holds one form per mark)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

NOTE_MAX = 1000


class LockForm(FlaskForm):
    """The chief judge's sign-off of a station."""

    note = TextAreaField(_l("Note to the sign-off (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])


class AppealForm(FlaskForm):
    """An appeal against one mark. An empty reason is refused by the service,
    whose message says what is missing."""

    reason = TextAreaField(_l("Reason for the appeal"), validators=[Optional(), Length(max=NOTE_MAX)])


DECISIONS = {"upheld": _l("Upheld: change the mark"), "rejected": _l("Rejected: the mark stands")}


class DecisionForm(FlaskForm):
    """The chief judge's decision on an appeal; the service checks that an
    upheld appeal names a value the aspect allows and that a reason is given."""

    decision = RadioField(_l("Decision on the appeal"), choices=list(DECISIONS.items()),
                          validators=[DataRequired()])
    new_value = IntegerField(_l("Corrected mark"), validators=[Optional()])
    note = TextAreaField(_l("Reason for the decision"), validators=[Optional(), Length(max=NOTE_MAX)])
