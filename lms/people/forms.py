"""Forms for the trainee registry."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from lms.auth.national_id import InvalidNationalId, parse_national_id
from lms.auth.passwords import policy_problem
from lms.auth.services import find_user, policy_message
from lms.core.names import CleanName
from lms.people.models import Category

CATEGORY_LABELS = {
    Category.CAREGIVER: _l("Elderly caregiver"),
    Category.INSTITUTION_HEAD: _l("Care institution head"),
    Category.FAMILY_CAREGIVER: _l("Family caregiver"),
    Category.SOCIAL_WORKER: _l("Social worker for older people"),
}

MOBILE = Regexp(r"^1[3-9]\d{9}$", message=_l("Enter an 11-digit mainland mobile number."))


def _validate_id_number(field) -> None:
    try:
        field.data = parse_national_id(field.data).number
    except InvalidNationalId as error:
        raise ValidationError(error.message) from None


class _PersonFields(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), CleanName(), Length(min=2, max=64)])
    id_number = StringField(_l("Resident ID number"), validators=[DataRequired()],
                            render_kw={"autocomplete": "off", "inputmode": "text"})
    phone = StringField(_l("Mobile number"), validators=[DataRequired(), MOBILE],
                        render_kw={"inputmode": "numeric", "autocomplete": "tel"})
    region = SelectField(_l("County or district where you live or work"), validators=[DataRequired()])

    def validate_id_number(self, field) -> None:
        _validate_id_number(field)


class SelfRegistrationForm(_PersonFields):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )

    def validate_phone(self, field) -> None:
        if find_user(field.data or "") is not None:
            raise ValidationError(_l("This mobile number already has an account: please sign in."))

    def validate_password(self, field) -> None:
        problem = policy_problem(field.data or "", username=self.phone.data or "")
        if problem:
            raise ValidationError(policy_message(problem))


class WorkerRegistrationForm(_PersonFields):
    categories = SelectMultipleField(
        _l("Training categories"),
        choices=list(CATEGORY_LABELS.items()),
        validators=[DataRequired(message=_l("Choose at least one category."))],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )


class LookupForm(FlaskForm):
    id_number = StringField(_l("Resident ID number"), validators=[DataRequired()],
                            render_kw={"autocomplete": "off"})

    def validate_id_number(self, field) -> None:
        _validate_id_number(field)
