"""Forms for issuing, revoking, reissuing, selecting and verifying certificates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from lms.certs.models import CertificateStatus
from lms.certs.queries import CertificateFilters

STATUS_LABELS = {
    CertificateStatus.PENDING: _l("Awaiting approval"),
    CertificateStatus.VALID: _l("Valid"),
    CertificateStatus.REVOKED: _l("Revoked"),
    CertificateStatus.SUPERSEDED: _l("Superseded by a reissue"),
}


class IssueForm(FlaskForm):
    programme = SelectField(_l("Programme"), validators=[DataRequired()])
    confirmed = BooleanField(_l("I confirm that this person has met the programme's requirements"))
    note = TextAreaField(_l("Basis of the decision (e.g. class, assessment results, hours)"),
                         validators=[DataRequired(), Length(max=500)])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class CertificateFilterForm(FlaskForm):
    """The list's filters (a GET form: nothing changes, no CSRF token needed)."""

    class Meta:
        csrf = False

    programme = SelectField(_l("Programme"), validators=[Optional()], validate_choice=False)
    # A picker of the user's own regions (choices set by the view). Any other
    # code finds nothing, since the list is scoped anyway; a name typed into
    # the address bar is refused rather than silently matching nothing.
    region = SelectField(_l("Region"), validate_choice=False, validators=[
        Optional(), Regexp(r"^\d{6,12}$", message=_l("Choose a region from the list."))])
    issued_from = DateField(_l("Issued from"), validators=[Optional()])
    issued_to = DateField(_l("Issued until"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[("", _l("Any status"))] + list(STATUS_LABELS.items()))

    def validate_issued_to(self, field) -> None:
        if field.data and self.issued_from.data and field.data < self.issued_from.data:
            raise ValidationError(_l("The end date is before the start date."))

    def filters(self) -> CertificateFilters:
        return CertificateFilters(
            programme_code=self.programme.data or "", region_code=(self.region.data or "").strip(),
            issued_from=self.issued_from.data, issued_to=self.issued_to.data,
            status=self.status.data or "")


class PrintJobForm(CertificateFilterForm):
    """The same filters, posted (with a CSRF token) to start a print job."""

    class Meta:
        csrf = True


class VerifyForm(FlaskForm):
    """Checking a certificate by hand: its number and the printed check code."""

    class Meta:
        csrf = False

    number = StringField(_l("Certificate number"), validators=[DataRequired(), Length(max=32)],
                         render_kw={"autocomplete": "off", "autocapitalize": "characters"})
    code = StringField(_l("Check code (under the QR code)"),
                       validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters"})
