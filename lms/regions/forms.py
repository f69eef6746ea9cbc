"""Forms for institutions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from lms.core.names import CleanName
from lms.extensions import db
from lms.regions.credit_code import InvalidCreditCode, normalise_credit_code
from lms.regions.models import Institution, InstitutionKind

KIND_LABELS = {
    InstitutionKind.CARE_HOME: _l("Elderly-care institution"),
    InstitutionKind.TRAINING_PROVIDER: _l("Training provider"),
    InstitutionKind.COMMUNITY_CENTRE: _l("Community elderly-care service centre"),
    InstitutionKind.VOCATIONAL_COLLEGE: _l("Vocational college"),
}

CREDIT_CODE_MESSAGES = {
    "length": _l("A unified social credit code has 18 characters."),
    "characters": _l("The code may use digits and the letters ABCDEFGHJKLMNPQRTUWXY only."),
    "division": _l("Characters 3–8 must be the 6-digit administrative division code."),
    "check": _l("The last character does not match: please check the code for a typing error."),
}


class InstitutionForm(FlaskForm):
    name = StringField(_l("Institution name"), validators=[DataRequired(), CleanName(), Length(max=128)])
    credit_code = StringField(_l("Unified social credit code"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()), validators=[DataRequired()])
    grade = SelectField(
        _l("Grade (rated care homes)"),
        choices=[("", _l("Not rated"))] + [(str(g), str(g)) for g in range(1, 6)],
        default="",
    )
    region = SelectField(_l("Region"), validators=[DataRequired()])

    def __init__(self, *args, editing: Institution | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._editing = editing

    def validate_credit_code(self, field) -> None:
        try:
            code = normalise_credit_code(field.data)
        except InvalidCreditCode as error:
            raise ValidationError(CREDIT_CODE_MESSAGES[str(error)]) from None
        taken = db.session.scalar(db.select(Institution).where(Institution.credit_code == code))
        if taken is not None and taken is not self._editing:
            raise ValidationError(_l("An institution with this code is registered already."))
        field.data = code
