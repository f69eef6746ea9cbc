"""Marshmallow schemas of the API: what each endpoint accepts and answers.
flask-smorest validates requests with them and writes the OpenAPI document
from them (served at /api/v1/openapi.json)."""

import marshmallow as ma
from marshmallow import fields, validate

from lms.auth.national_id import InvalidNationalId, parse_national_id
from lms.core.vocabulary import AUDIENCES

MAX_PAGE_SIZE = 500
REGION_CODE = validate.Regexp(r"^\d{6}$", error="A 6-digit region code (GB/T 2260).")


# --- arguments --------------------------------------------------------------

class ChangesArgs(ma.Schema):
    since = fields.AwareDateTime(
        required=True, format="iso",
        metadata={"description": "ISO 8601 time with a UTC offset (…Z or …+08:00): certificates "
                                 "issued, revoked or reissued at or after it."})
    region = fields.String(validate=REGION_CODE, metadata={
        "description": "Only this region's subtree (within the client's region); default the client's region."})
    page_size = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    cursor = fields.String(validate=validate.Length(max=200), metadata={
        "description": "The `next_cursor` of the previous page; omit for the first page."})


class ProgressArgs(ma.Schema):
    plan = fields.String(validate=validate.Length(max=64), metadata={
        "description": "Plan code; default the plan running today (as the dashboard)."})
    category = fields.String(load_default="caregiver", validate=validate.OneOf(sorted(AUDIENCES)))
    region = fields.String(validate=REGION_CODE, metadata={
        "description": "Whose child regions to report; default the client's region."})


def _valid_national_id(value: str) -> None:
    # The message never repeats the number.
    try:
        parse_national_id(value)
    except InvalidNationalId:
        raise ma.ValidationError("Not a valid resident ID number (GB 11643-1999).") from None


class LookupArgs(ma.Schema):
    id_number = fields.String(required=True, validate=[validate.Length(max=32), _valid_national_id],
                              metadata={"description": "18-character resident ID number. In the body "
                                                       "only: never in a URL."})


# --- answers ------------------------------------------------------------------

class ProgrammeRefSchema(ma.Schema):
    code = fields.String(allow_none=True)
    name = fields.String()


class CertificateSchema(ma.Schema):
    number = fields.String()
    kind = fields.String(metadata={"description": "skill_level, training or award"})
    status = fields.String(metadata={"description": "valid, revoked or superseded"})
    holder_name_masked = fields.String()
    id_number_masked = fields.String()
    programme = fields.Nested(ProgrammeRefSchema, metadata={
        "description": "An award certificate's name is its competition's, code null."})
    level = fields.Integer(allow_none=True)
    level_label = fields.String(allow_none=True)
    award = fields.String(allow_none=True)
    hours = fields.Integer(allow_none=True, metadata={"description": "标准学时 printed, if any"})
    issue_date = fields.Date()
    issuer_name = fields.String()
    region_code = fields.String(metadata={"description": "The holder's region at issue time"})
    revoked_at = fields.AwareDateTime(allow_none=True)
    revocation_reason = fields.String(allow_none=True)
    replaced_by = fields.String(allow_none=True, metadata={"description": "Number of the reissue"})
    replaces = fields.String(allow_none=True, metadata={"description": "Number this one reissued"})
    changed_at = fields.AwareDateTime(metadata={
        "description": "Latest of issue, revocation and reissue: what `since` compares"})
    verify_url = fields.String(metadata={"description": "The public verification page (QR code URL)"})


class CertificateDetailSchema(CertificateSchema):
    signature_valid = fields.Boolean(metadata={
        "description": "The stored record still matches its issue-time signature"})


class ChangesPageSchema(ma.Schema):
    items = fields.List(fields.Nested(CertificateSchema))
    page_size = fields.Integer()
    next_cursor = fields.String(allow_none=True, metadata={
        "description": "Pass as `cursor` for the next page; null on the last page"})
    next = fields.String(allow_none=True, metadata={"description": "The next page's URL"})


class CredentialSchema(ma.Schema):
    number = fields.String()
    media_type = fields.String(metadata={"description": "application/vc+jwt"})
    credential = fields.String(metadata={"description": "Open Badges 3.0 credential, signed as a VC-JWT"})


class MeasureSchema(ma.Schema):
    target = fields.Integer(allow_none=True)
    done = fields.Integer()
    percent = fields.Float(allow_none=True)
    expected = fields.Integer(allow_none=True, metadata={"description": "On a straight line to the deadline"})
    gap = fields.Integer(allow_none=True, metadata={"description": "expected − done"})
    status = fields.String(metadata={"description": "on_track, at_risk, behind, met, not_met, no_target"})
    forecast = fields.Date(allow_none=True)


class RegionFiguresSchema(ma.Schema):
    region_code = fields.String()
    region_name = fields.String()
    persons = fields.Nested(MeasureSchema)
    person_times = fields.Nested(MeasureSchema)
    in_training = fields.Integer()
    exams_taken = fields.Integer()
    exams_passed = fields.Integer()
    exam_pass_percent = fields.Integer(allow_none=True)


class PlanSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    period_start = fields.Date()
    deadline = fields.Date()


class ProgressSchema(ma.Schema):
    plan = fields.Nested(PlanSchema)
    category = fields.String()
    as_of = fields.Date()
    region = fields.Nested(RegionFiguresSchema, metadata={"description": "The region as a whole"})
    children = fields.List(fields.Nested(RegionFiguresSchema))


class PersonSchema(ma.Schema):
    name_masked = fields.String()
    id_number_masked = fields.String()
    region_code = fields.String()
    categories = fields.List(fields.String())


class HoursSchema(ma.Schema):
    programme = fields.Nested(ProgrammeRefSchema)
    level = fields.Integer(allow_none=True)
    required_minutes = fields.Integer()
    online_minutes = fields.Integer()
    classroom_minutes = fields.Integer()
    prior_minutes = fields.Integer(metadata={"description": "Recorded from before CareLMS"})
    total_minutes = fields.Integer()
    threshold = fields.Float(metadata={"description": "Share of the required minutes needed"})
    is_met = fields.Boolean()


class CourseStudySchema(ma.Schema):
    title = fields.String()
    lessons_total = fields.Integer()
    lessons_done = fields.Integer()
    seconds = fields.Integer()
    completed_at = fields.AwareDateTime(allow_none=True)


class OnlineStudySchema(ma.Schema):
    total_seconds = fields.Integer()
    courses = fields.List(fields.Nested(CourseStudySchema))


class AttemptSchema(ma.Schema):
    exam_title = fields.String()
    programme_code = fields.String(allow_none=True)
    number = fields.Integer(metadata={"description": "1 = first sitting, 2 = retake …"})
    status = fields.String()
    started_at = fields.AwareDateTime()
    closed_at = fields.AwareDateTime(allow_none=True)
    score = fields.Integer(allow_none=True)
    passed = fields.Boolean(allow_none=True)


class PracticalSchema(ma.Schema):
    sheet_title = fields.String()
    programme_code = fields.String(allow_none=True)
    assessed_at = fields.AwareDateTime()
    score = fields.Float(allow_none=True)
    passed = fields.Boolean(allow_none=True)
    is_final = fields.Boolean(metadata={"description": "Locked by the chief examiner"})


class HeldCertificateSchema(ma.Schema):
    number = fields.String()
    kind = fields.String()
    status = fields.String()
    programme_name = fields.String()
    issue_date = fields.Date()


class PersonRecordSchema(ma.Schema):
    person = fields.Nested(PersonSchema)
    programmes = fields.List(fields.Nested(HoursSchema))
    online_study = fields.Nested(OnlineStudySchema)
    exam_attempts = fields.List(fields.Nested(AttemptSchema))
    practical_results = fields.List(fields.Nested(PracticalSchema))
    certificates = fields.List(fields.Nested(HeldCertificateSchema))
