"""The subsidy package's contents as plain data: what the queries gather
and the workbook and the PDF print (no ORM objects past this point)."""

from dataclasses import dataclass
from datetime import date, datetime

from lms.training.queries import HoursRecord


@dataclass(frozen=True)
class ClassFacts:
    """The class as approved: what it is, where and when, who taught, and
    the institution's commitment (with who made it and when)."""

    name: str
    institution: str
    programme: str
    programme_code: str
    level_label: str
    starts_on: date
    ends_on: date
    venue: str
    capacity: int
    programme_hours: int
    online_hours: int  # the teaching plan's, 学时
    classroom_hours: int
    instructors: tuple[tuple[str, str, str], ...]  # (name, qualification kind, qualification number)
    is_subsidised: bool
    fee_yuan: int | None
    theory_exam_on: date | None
    practical_exam_on: date | None
    approved_at: datetime | None
    approved_by: str
    commitment_text: str
    committed_by: str
    committed_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class Trainee:
    """One roster line: masked numbers only."""

    person_id: int
    name: str
    id_masked: str
    phone_masked: str
    status: str  # EnrolmentStatus


@dataclass(frozen=True)
class HoursLine:
    """A trainee's hours towards the programme (the class report's figures)."""

    person_id: int
    name: str
    id_masked: str
    hours: HoursRecord


@dataclass(frozen=True)
class IntervalLine:
    """One stretch of online study: the evidence behind online minutes."""

    person_id: int
    name: str
    course: str
    lesson: str
    started_at: datetime
    last_beat_at: datetime
    heartbeats: int
    credited_seconds: int


@dataclass(frozen=True)
class StudySummary:
    """A trainee's study intervals summed up (the PDF's view of them)."""

    name: str
    intervals: int
    first_at: datetime
    last_at: datetime
    credited_seconds: int


@dataclass(frozen=True)
class AttendanceLine:
    """One sign-in or sign-out at one of the class's sessions."""

    person_id: int
    name: str
    session_id: int
    session_starts_at: datetime
    session_ends_at: datetime
    topic: str
    kind: str  # ScanKind
    at: datetime
    is_manual: bool
    recorded_by: str
    reason: str


@dataclass(frozen=True)
class SessionLine:
    """One session with how many signed in and out (the PDF's summary)."""

    starts_at: datetime
    ends_at: datetime
    topic: str
    instructor: str
    hours: int
    signed_in: int  # distinct trainees
    signed_out: int
    marked_by_hand: int  # rows


@dataclass(frozen=True)
class AssessmentLine:
    """A trainee's best theory score and practical score for the programme;
    None where there is no result (or the programme has no such assessment)."""

    person_id: int
    name: str
    theory_score: int | None
    theory_passed: bool | None
    practical_score_tenths: int | None
    practical_passed: bool | None

    def result(self, theory_required: bool, practical_required: bool) -> str:
        """"passed" when every required assessment is passed, "failed" when
        one has a result and is not passed, "none" when nothing is required,
        else "missing" (not assessed yet)."""
        required = [passed for passed, needed in ((self.theory_passed, theory_required),
                                                  (self.practical_passed, practical_required)) if needed]
        if not required:
            return "none"
        if all(required):
            return "passed"
        return "failed" if any(passed is False for passed in required) else "missing"


@dataclass(frozen=True)
class CertificateLine:
    """A certificate of the programme held by a trainee (any status)."""

    person_id: int
    name: str
    number: str | None
    issue_date: date | None
    status: str  # CertificateStatus


@dataclass(frozen=True)
class NoticeLine:
    """One line of the public notice (公示名单)."""

    position: int
    name: str
    id_masked: str
    programme: str
    total_minutes: int
    result: str  # as AssessmentLine.result
    certificate_number: str


@dataclass(frozen=True)
class SubsidyPackage:
    """Everything in the package, as plain data."""

    facts: ClassFacts
    roster: list[Trainee]
    hours: list[HoursLine]
    threshold: float  # the share of the programme's hours needed
    intervals: list[IntervalLine]
    attendance: list[AttendanceLine]
    sessions: list[SessionLine]
    assessments: list[AssessmentLine]
    theory_required: bool
    practical_required: bool
    certificates: list[CertificateLine]
    notice: list[NoticeLine]

    @property
    def study_summary(self) -> list[StudySummary]:
        """The intervals per trainee, in the roster's order (by name)."""
        summary: dict[int, StudySummary] = {}
        for line in self.intervals:
            kept = summary.get(line.person_id)
            summary[line.person_id] = StudySummary(line.name, 1, line.started_at, line.last_beat_at,
                                                   line.credited_seconds) if kept is None else StudySummary(
                line.name, kept.intervals + 1, min(kept.first_at, line.started_at),
                max(kept.last_at, line.last_beat_at), kept.credited_seconds + line.credited_seconds)
        return list(summary.values())

    @property
    def manual_attendance(self) -> list[AttendanceLine]:
        """Sign-ins and sign-outs staff marked by hand (each with its reason)."""
        return [line for line in self.attendance if line.is_manual]


@dataclass(frozen=True)
class PackageCounts:
    """How much the package holds (for the page that offers it)."""

    trainees: int
    sessions: int
    attendance_rows: int
    intervals: int
    certificates: int
