"""Forms for the question bank, exams and practical assessments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from lms.core.content_files import LETTERS
from lms.core.vocabulary import AUDIENCES, FUNCTIONAL_AREAS
from lms.exams.services import BlueprintError, parse_blueprint

LEVEL_CHOICES = [("", _l("Any level")), ("5", "5"), ("4", "4"), ("3", "3"), ("2", "2"), ("1", "1")]
KIND_LABELS = {"single": _l("Single choice"), "multiple": _l("Multiple choice"),
               "true_false": _l("True or false")}

DEFAULT_BLUEPRINT = ("ethics_basics single 10 1\ndaily_care single 25 1\nbasic_care single 25 1\n"
                     "daily_care multiple 5 2\nbasic_care multiple 5 2\nethics_basics true_false 10 1\n"
                     "daily_care true_false 10 1")


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class QuestionFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=50)])
    bank = SelectField(_l("Bank"), validators=[Optional()], validate_choice=False)
    area = SelectField(_l("Functional area"), validators=[Optional()],
                       choices=[("", _l("All areas"))] + list(FUNCTIONAL_AREAS.items()))
    level = SelectField(_l("Level"), validators=[Optional()], choices=LEVEL_CHOICES)
    kind = SelectField(_l("Type"), validators=[Optional()],
                       choices=[("", _l("All types"))] + list(KIND_LABELS.items()))


class QuestionForm(FlaskForm):
    stem = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=2000)])
    options = TextAreaField(_l("Options, one a line (none for true or false)"),
                            validators=[Optional(), Length(max=4000)])
    answer = StringField(_l("Answer (letters such as B or ACD; true or false)"),
                         validators=[DataRequired(), Length(max=8)])
    explanation = TextAreaField(_l("Explanation"), validators=[DataRequired(), Length(max=2000)])
    area = SelectField(_l("Functional area"), choices=list(FUNCTIONAL_AREAS.items()))
    level = SelectField(_l("Level"), choices=LEVEL_CHOICES, coerce=_optional_int)
    difficulty = SelectField(_l("Difficulty"), choices=[(1, "1"), (2, "2"), (3, "3")], coerce=int)
    tags = StringField(_l("Tags, separated by commas"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, kind: str = "single", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def option_list(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]

    def validate_options(self, field) -> None:
        count = len(self.option_list())
        if self.kind == "true_false" and count:
            raise ValidationError(_l("A true-or-false question has no options."))
        if self.kind != "true_false" and not 2 <= count <= 8:
            raise ValidationError(_l("Give 2 to 8 options."))

    def normalised_answer(self) -> str:
        value = (self.answer.data or "").strip()
        if self.kind == "true_false":
            return value.lower()
        return "".join(sorted(set(value.upper())))

    def validate_answer(self, field) -> None:
        answer = self.normalised_answer()
        if self.kind == "true_false":
            if answer not in ("true", "false"):
                raise ValidationError(_l("Write true or false."))
            return
        letters = LETTERS[: len(self.option_list())]
        if not answer or any(c not in letters for c in answer):
            raise ValidationError(_l("Use the letters of the options."))
        if self.kind == "single" and len(answer) != 1:
            raise ValidationError(_l("A single-choice question has exactly one right option."))
        if self.kind == "multiple" and len(answer) < 2:
            raise ValidationError(_l("A multiple-choice question has two or more right options."))


class BankImportForm(FlaskForm):
    file = FileField(_l("GIFT (.gift, .txt), Moodle XML (.xml) or CareLMS YAML (.yaml) file"),
                     validators=[FileRequired()])
    bank = StringField(_l("Bank code (for GIFT and Moodle XML)"),
                       validators=[Optional(), Length(max=64)])
    title = StringField(_l("Bank title"), validators=[Optional(), Length(max=128)])
    audience = SelectField(_l("Audience"), choices=list(AUDIENCES.items()))
    area = SelectField(_l("Functional area where the file gives none"), choices=list(FUNCTIONAL_AREAS.items()))
    level = SelectField(_l("Level"), choices=LEVEL_CHOICES, coerce=_optional_int)


class ExamForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=128)])
    programme = SelectField(_l("Programme"), validators=[Optional()], validate_choice=False)
    audience = SelectField(_l("Audience"), choices=list(AUDIENCES.items()))
    level = SelectField(_l("Level"), choices=LEVEL_CHOICES, coerce=_optional_int)
    blueprint = TextAreaField(_l("Blueprint: one row a line — area, type, number of questions, points each"),
                              default=DEFAULT_BLUEPRINT, validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=90,
                                    validators=[DataRequired(), NumberRange(5, 600)])
    pass_mark = IntegerField(_l("Pass mark (of 100)"), default=60, validators=[DataRequired(), NumberRange(1, 100)])
    attempts_allowed = IntegerField(_l("Attempts allowed (1 plus retakes)"), default=2,
                                    validators=[DataRequired(), NumberRange(1, 5)])
    opens_at = DateTimeLocalField(_l("Opens at"), validators=[DataRequired()])
    closes_at = DateTimeLocalField(_l("Closes at"), validators=[DataRequired()])

    def validate_blueprint(self, field) -> None:
        try:
            self.blueprint_rows = parse_blueprint(field.data or "")
        except BlueprintError as error:
            raise ValidationError("; ".join(error.problems)) from None

    def validate_closes_at(self, field) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The exam must close after it opens."))


class CandidatesForm(FlaskForm):
    """People to admit, by their record numbers (ticked in the list)."""


class AssessmentForm(FlaskForm):
    person = SelectField(_l("Candidate"), coerce=int)
    sheet = SelectField(_l("Scoring sheet"), coerce=int)
    programme = SelectField(_l("Programme"), validators=[Optional()], validate_choice=False)
    chief = SelectField(_l("Chief examiner"), coerce=int)


class MarkForm(FlaskForm):
    """An examiner's marks; the item fields depend on the sheet and are read
    from the request (the form carries the CSRF check)."""


class LockForm(FlaskForm):
    note = TextAreaField(_l("Note (required when the result is flagged)"),
                         validators=[Optional(), Length(max=500)])
