"""Forms for classes, their plan and instructors, sessions and enrolment."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from lms.training.models import PlanMode, ScanKind

SCAN_LABELS = {ScanKind.IN: _l("Sign-in"), ScanKind.OUT: _l("Sign-out")}
MODE_LABELS = {PlanMode.ONLINE: _l("Online"), PlanMode.CLASSROOM: _l("Classroom")}

# What the institution's staff member confirms when submitting the opening
# application; stored word for word with who confirmed it and when.
COMMITMENT = _l("We commit that this training is genuine: the roster lists real trainees who will attend, "
                "the instructors named will teach, the hours will be taught as planned, and attendance will "
                "be recorded truthfully. We accept that false information leads to the subsidy being "
                "withheld or recovered.")


class ClassForm(FlaskForm):
    programme = SelectField(_l("Programme"), validators=[DataRequired()])
    name = StringField(_l("Class name"), validators=[DataRequired(), Length(max=128)])
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    venue = StringField(_l("Venue"), validators=[DataRequired(), Length(max=200)])
    capacity = IntegerField(_l("Places"), validators=[DataRequired(), NumberRange(1, 500)])
    is_subsidised = BooleanField(_l("Subsidised training (free for trainees)"), default=True)
    fee_yuan = IntegerField(_l("Fee per trainee (yuan), when not subsidised"),
                            validators=[Optional(), NumberRange(0, 100_000)])
    resources = TextAreaField(_l("Teaching resources: rooms, equipment, materials"),
                              validators=[Optional(), Length(max=2000)])
    theory_exam_on = DateField(_l("Theory exam date"), validators=[Optional()])
    practical_exam_on = DateField(_l("Practical assessment date"), validators=[Optional()])

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The class ends before it starts."))

    def validate_fee_yuan(self, field) -> None:
        if not self.is_subsidised.data and field.data is None:
            raise ValidationError(_l("Give the fee, or mark the training as subsidised."))


class InstructorForm(FlaskForm):
    name = StringField(_l("Instructor's name"), validators=[DataRequired(), Length(max=64)])
    qualification_kind = StringField(_l("Qualification (e.g. caregiver level 2, vocational trainer)"),
                                     validators=[DataRequired(), Length(max=64)])
    qualification_number = StringField(_l("Certificate number"), validators=[DataRequired(), Length(max=64)])


class PlanForm(FlaskForm):
    """The teaching plan's rows, posted as topic-N / mode-N / hours-N and read
    from the request (their number varies); the form carries the CSRF check."""


class InstructorsForm(FlaskForm):
    instructors = SelectMultipleField(_l("Instructors"), coerce=int, option_widget=widgets.CheckboxInput(),
                                      widget=widgets.ListWidget(prefix_label=False))


class SubmitForm(FlaskForm):
    confirmed = BooleanField(_l("I confirm this commitment on behalf of the institution"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class SessionForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    starts = TimeField(_l("Starts"), validators=[DataRequired()])
    ends = TimeField(_l("Ends"), validators=[DataRequired()])
    topic = StringField(_l("Topic"), validators=[DataRequired(), Length(max=200)])
    instructor = SelectField(_l("Instructor"), coerce=int)
    venue = StringField(_l("Venue"), validators=[DataRequired(), Length(max=200)])
    hours = IntegerField(_l("Hours (45 minutes each)"), validators=[DataRequired(), NumberRange(1, 12)])

    def validate_ends(self, field) -> None:
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("The session ends before it starts."))


class EnrolForm(FlaskForm):
    """People to enrol, by their record numbers (ticked in the list)."""


class PriorHoursForm(FlaskForm):
    programme = SelectField(_l("Programme"), validators=[DataRequired()])
    hours = IntegerField(_l("Hours (45 minutes each)"), validators=[DataRequired(), NumberRange(1, 400)])
    reason = TextAreaField(_l("Evidence and reason (e.g. the earlier class's sign-in register, its dates)"),
                           validators=[DataRequired(), Length(min=10, max=500)])


class RosterImportForm(FlaskForm):
    """A roster to import: an .xlsx made from the template (the content is
    checked by training.roster_sheet, whatever the file's name says)."""

    file = FileField(_l("Roster file (Excel .xlsx)"), validators=[FileRequired()])
