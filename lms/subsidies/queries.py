"""Reads for a closed class's subsidy package, as plain data.

Everything the workbook and the PDF print is gathered here in a fixed
number of queries (not one per trainee): a class of 100 trainees with 60
sessions has some 12,000 attendance rows and thousands of study intervals.
Times stay aware UTC and hours stay minutes; the documents format them.
"""


from sqlalchemy import case, func, select

from lms.auth.models import User
from lms.certs.models import Certificate, CertificateStatus
from lms.core.database import in_chunks
from lms.core.masking import mask_phone
from lms.courses.models import Course, Lesson, StudyInterval
from lms.courses.queries import courses_for
from lms.exams.models import Attempt, AttemptStatus, Exam, PracticalAssessment
from lms.extensions import db
from lms.people.models import Person
from lms.subsidies.lines import (
    AssessmentLine,
    AttendanceLine,
    CertificateLine,
    ClassFacts,
    HoursLine,
    IntervalLine,
    NoticeLine,
    PackageCounts,
    SessionLine,
    SubsidyPackage,
    Trainee,
)
from lms.training import class_queries
from lms.training.models import (
    Attendance,
    ClassEnrolment,
    ClassSession,
    ScanKind,
    TrainingClass,
)
from lms.training.queries import hours_threshold


def _user_names(ids) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())


def class_facts(cls: TrainingClass) -> ClassFacts:
    """The class's details, plan hours, instructors and commitment."""
    names = _user_names([cls.decided_by_id, cls.committed_by_id])
    return ClassFacts(
        name=cls.name, institution=cls.institution.name, programme=cls.programme.name,
        programme_code=cls.programme.code, level_label=cls.programme.level_label or "",
        starts_on=cls.starts_on, ends_on=cls.ends_on, venue=cls.venue, capacity=cls.capacity,
        programme_hours=cls.programme.hours, online_hours=cls.online_hours, classroom_hours=cls.classroom_hours,
        instructors=tuple((i.name, i.qualification_kind, i.qualification_number) for i in cls.instructors),
        is_subsidised=cls.is_subsidised, fee_yuan=cls.fee_yuan, theory_exam_on=cls.theory_exam_on,
        practical_exam_on=cls.practical_exam_on, approved_at=cls.decided_at,
        approved_by=names.get(cls.decided_by_id, ""), commitment_text=cls.commitment_text,
        committed_by=names.get(cls.committed_by_id, ""), committed_at=cls.committed_at, closed_at=cls.closed_at)


def roster(cls: TrainingClass) -> list[Trainee]:
    """Everyone ever on the class (withdrawn and waiting too, with their
    status: what they attended before leaving stays in the evidence), by name."""
    rows = db.session.execute(
        select(Person.id, Person.name, Person.id_number_masked, Person.phone, ClassEnrolment.status)
        .join(ClassEnrolment, ClassEnrolment.person_id == Person.id)
        .where(ClassEnrolment.class_id == cls.id).order_by(Person.name, Person.id))
    return [Trainee(pid, name, masked, mask_phone(phone), status) for pid, name, masked, phone, status in rows]


def study_intervals(person_ids: list[int], cls: TrainingClass) -> list[IntervalLine]:
    """The study intervals on the programme's courses (its category and
    level, as ``training.queries.online_minutes`` counts them), by trainee
    then time."""
    programme = cls.programme
    lines: list[IntervalLine] = []
    for chunk in in_chunks(person_ids):
        rows = db.session.execute(
            select(StudyInterval.person_id, Person.name, Course.title, Lesson.title, StudyInterval.started_at,
                   StudyInterval.last_beat_at, StudyInterval.heartbeats, StudyInterval.credited_seconds)
            .join(Person, Person.id == StudyInterval.person_id)
            .join(Lesson, Lesson.id == StudyInterval.lesson_id).join(Course, Course.id == Lesson.course_id)
            .where(StudyInterval.person_id.in_(chunk), courses_for(programme.category, programme.level)))
        lines.extend(IntervalLine(*row) for row in rows)
    return sorted(lines, key=lambda line: (line.name, line.person_id, line.started_at))


def attendance(cls: TrainingClass) -> list[AttendanceLine]:
    """Every attendance row of the class's sessions, by session then trainee
    then time; who marked a row by hand is named."""
    rows = db.session.execute(
        select(Attendance.person_id, Person.name, ClassSession.id, ClassSession.starts_at, ClassSession.ends_at,
               ClassSession.topic, Attendance.kind, Attendance.at, Attendance.is_manual,
               func.coalesce(User.display_name, ""), Attendance.reason)
        .join(ClassSession, ClassSession.id == Attendance.session_id)
        .join(Person, Person.id == Attendance.person_id)
        .outerjoin(User, User.id == Attendance.recorded_by_id)
        .where(ClassSession.class_id == cls.id)
        .order_by(ClassSession.starts_at, ClassSession.id, Person.name, Person.id, Attendance.at))
    return [AttendanceLine(*row) for row in rows]


def session_lines(cls: TrainingClass, rows: list[AttendanceLine]) -> list[SessionLine]:
    """The class's sessions in time order, with counts from ``rows``."""
    signed: dict[tuple[int, str], set[int]] = {}
    manual: dict[int, int] = {}
    for row in rows:
        signed.setdefault((row.session_id, row.kind), set()).add(row.person_id)
        manual[row.session_id] = manual.get(row.session_id, 0) + row.is_manual
    return [SessionLine(s.starts_at, s.ends_at, s.topic, s.instructor.name, s.hours,
                        len(signed.get((s.id, ScanKind.IN), ())),
                        len(signed.get((s.id, ScanKind.OUT), ())),
                        manual.get(s.id, 0)) for s in class_queries.sessions_of(cls)]


def assessments(people: list[Person], cls: TrainingClass) -> list[AssessmentLine]:
    """Per trainee: the best closed attempt at an exam of the programme, and
    the best locked practical assessment of the programme (as
    ``exams.queries.assessment_outcome`` counts them: any pass is a pass)."""
    ids = [p.id for p in people]
    # max() of a boolean is not portable (PostgreSQL has bool_or instead).
    theory: dict[int, tuple[int | None, bool]] = {}
    practical: dict[int, tuple[int | None, bool]] = {}
    for chunk in in_chunks(ids):
        for person_id, best, passed in db.session.execute(
                select(Attempt.person_id, func.max(Attempt.score), _any(Attempt.is_passed))
                .join(Exam, Exam.id == Attempt.exam_id)
                .where(Attempt.person_id.in_(chunk), Exam.programme_id == cls.programme_id,
                       Attempt.status != AttemptStatus.OPEN).group_by(Attempt.person_id)):
            theory[person_id] = (best, bool(passed))
        for person_id, best, passed in db.session.execute(
                select(PracticalAssessment.person_id, func.max(PracticalAssessment.score_tenths),
                       _any(PracticalAssessment.is_passed))
                .where(PracticalAssessment.person_id.in_(chunk),
                       PracticalAssessment.programme_id == cls.programme_id,
                       PracticalAssessment.locked_at.is_not(None)).group_by(PracticalAssessment.person_id)):
            practical[person_id] = (best, bool(passed))
    lines = []
    for person in people:
        t_score, t_passed = theory.get(person.id, (None, None))
        p_score, p_passed = practical.get(person.id, (None, None))
        lines.append(AssessmentLine(person.id, person.name, t_score, t_passed, p_score, p_passed))
    return lines


def certificates(people: list[Person], cls: TrainingClass) -> list[CertificateLine]:
    """The programme's certificates of these trainees, any status, by name
    then when requested."""
    names = {p.id: p.name for p in people}
    lines = []
    for chunk in in_chunks(list(names)):
        rows = db.session.execute(
            select(Certificate.person_id, Certificate.number, Certificate.issue_date, Certificate.status,
                   Certificate.requested_at)
            .where(Certificate.person_id.in_(chunk), Certificate.programme_id == cls.programme_id))
        lines.extend(row for row in rows)
    lines.sort(key=lambda row: (names[row.person_id], row.person_id, row.requested_at))
    return [CertificateLine(row.person_id, names[row.person_id], row.number, row.issue_date, row.status)
            for row in lines]


def subsidy_package(cls: TrainingClass) -> SubsidyPackage:
    """The whole package of ``cls``. The trainees are those holding a place
    at the close, as in the class hours report, whose figures these are."""
    report = class_queries.class_report_rows(cls)
    people = [row.person for row in report]
    person_ids = [person.id for person in people]
    hours = [HoursLine(p.id, p.name, p.id_number_masked, row.hours) for p, row in zip(people, report, strict=True)]
    results = assessments(people, cls)
    certs = certificates(people, cls)
    rows = attendance(cls)
    theory_required = cls.programme.theory_pass_mark is not None
    practical_required = cls.programme.practical_pass_mark is not None
    valid = {line.person_id: line.number for line in certs if line.status == CertificateStatus.VALID}
    notice = [NoticeLine(position, line.name, line.id_masked, cls.programme.name, line.hours.total,
                         result.result(theory_required, practical_required), valid.get(line.person_id) or "")
              for position, (line, result) in enumerate(zip(hours, results, strict=True), start=1)]
    return SubsidyPackage(
        facts=class_facts(cls), roster=roster(cls), hours=hours, threshold=hours_threshold(),
        intervals=study_intervals(person_ids, cls), attendance=rows, sessions=session_lines(cls, rows),
        assessments=results, theory_required=theory_required, practical_required=practical_required,
        certificates=certs, notice=notice)


def _any(column):
    return func.max(case((column.is_(True), 1), else_=0))


def package_counts(cls: TrainingClass) -> PackageCounts:
    """Counts of the package's parts, without reading them."""
    people = [p.id for p in class_queries.enrolled_people(cls)]
    programme = cls.programme
    intervals = certificates_held = 0
    for chunk in in_chunks(people):
        intervals += db.session.scalar(
            select(func.count(StudyInterval.id)).join(Lesson, Lesson.id == StudyInterval.lesson_id)
            .join(Course, Course.id == Lesson.course_id)
            .where(StudyInterval.person_id.in_(chunk), courses_for(programme.category, programme.level)))
        certificates_held += db.session.scalar(
            select(func.count(Certificate.id)).where(Certificate.person_id.in_(chunk),
                                                     Certificate.programme_id == cls.programme_id))
    sessions = db.session.scalar(select(func.count(ClassSession.id)).where(ClassSession.class_id == cls.id))
    rows = db.session.scalar(select(func.count(Attendance.id)).join(ClassSession)
                             .where(ClassSession.class_id == cls.id))
    return PackageCounts(len(people), sessions, rows, intervals, certificates_held)
