"""Forms for signing in, passwords, the second factor and account administration."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from lms.auth.passwords import policy_problem
from lms.auth.services import find_user, policy_message
from lms.core.names import CleanName


class LoginForm(FlaskForm):
    username = StringField(_l("User name or mobile number"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    next = HiddenField()


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("6-digit code from your authenticator app"),
        validators=[DataRequired(), Regexp(r"^\s*\d{6}\s*$", message=_l("Enter the 6 digits."))],
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )

    def validate_new(self, field) -> None:
        problem = policy_problem(field.data or "")
        if problem:
            raise ValidationError(policy_message(problem))


class UserCreateForm(FlaskForm):
    username = StringField(
        _l("User name"),
        validators=[DataRequired(), Length(min=3, max=64),
                    Regexp(r"^[A-Za-z0-9_.@-]+$", message=_l("Use letters, digits and . _ @ - only."))],
    )
    display_name = StringField(_l("Full name"), validators=[DataRequired(), CleanName(), Length(max=64)])

    def validate_username(self, field) -> None:
        if find_user(field.data or "") is not None:
            raise ValidationError(_l("This user name is taken."))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    region = SelectField(_l("Region (civil-affairs staff)"), validators=[Optional()], coerce=str)
    institution = SelectField(_l("Institution (institution staff, examiners)"),
                              validators=[Optional()], coerce=str)


class AuditSearchForm(FlaskForm):
    """GET search form: no CSRF needed for a read."""

    class Meta:
        csrf = False

    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)])
    actor = StringField(_l("User"), validators=[Optional(), Length(max=64)])
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=64)])


class ConfirmForm(FlaskForm):
    """A button that POSTs: carries only the CSRF token."""
