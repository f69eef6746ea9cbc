"""Fixtures for certificates: programmes, an issuing staff member, issued
certificates, PDF helpers, and a database that really commits (for
concurrency and job tests, which cannot live in a rolled-back transaction)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lms.certs import services
from lms.certs.eligibility import Evidence
from lms.core.access import Role
from lms.extensions import db
from lms.training.models import Programme

PROGRAMMES = [
    dict(code="CG-4", name="养老护理员（四级/中级工）职业技能培训", category="caregiver", level=4,
         hours=150, certificate_kind="skill_level", theory_pass_mark=60, practical_pass_mark=60),
    dict(code="CG-5", name="养老护理员（五级/初级工）职业技能培训", category="caregiver", level=5,
         hours=180, certificate_kind="skill_level", theory_pass_mark=60, practical_pass_mark=60),
    dict(code="FC", name="失能老年人家庭照护者培训", category="family_caregiver", level=None,
         hours=12, certificate_kind="training"),
]
EVIDENCE = Evidence(staff_confirmed=True, note="2026年第1期培训班，理论82分、技能76分")


def add_programmes() -> dict[str, Programme]:
    """The test programmes, keyed by code."""
    made = {}
    for values in PROGRAMMES:
        programme = Programme(**values)
        db.session.add(programme)
        made[values["code"]] = programme
    db.session.flush()
    return made


def meet_requirements(person, programme: Programme, institution) -> None:
    """Everything a certificate needs: the hours recorded and the assessments passed."""
    record_hours(person, programme)
    pass_assessments(person, programme, institution)


def pass_assessments(person, programme: Programme, institution) -> None:
    """Record what the exams feature records after real sittings: a passed
    theory attempt and a locked, passed practical assessment of ``programme``
    (nothing for a programme without assessments)."""
    from datetime import timedelta

    from sqlalchemy import select

    from lms.auth import services as accounts
    from lms.auth.models import User
    from lms.core.time import utcnow
    from lms.exams.models import Attempt, AttemptStatus, Exam, PracticalAssessment, PracticalSheet
    from lms.quotas import exam_rollups

    if not programme.has_exam or db.session.scalar(select(PracticalAssessment.id).where(
            PracticalAssessment.person_id == person.id, PracticalAssessment.programme_id == programme.id)):
        return
    now = utcnow()
    exam = db.session.scalar(select(Exam).where(Exam.programme_id == programme.id,
                                                Exam.institution_id == institution.id))
    if exam is None:
        exam = Exam(title=f"{programme.name}理论考试", programme=programme, institution=institution,
                    audience=programme.category, level=programme.level, blueprint_json="[]",
                    duration_minutes=90, pass_mark=60, attempts_allowed=2,
                    opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
    attempt = Attempt(exam=exam, person=person, number=1, seed=0, status=AttemptStatus.SUBMITTED,
                      started_at=now, deadline_at=now, closed_at=now, score=82, is_passed=True)
    db.session.add(attempt)
    db.session.flush()
    exam_rollups.attempt_closed(attempt)  # closed here without the exam engine: counted as it would count
    sheet = db.session.scalar(select(PracticalSheet).where(PracticalSheet.code == "certs-tests"))
    sheet = sheet or PracticalSheet(code="certs-tests", title="为卧床老年人翻身", level=programme.level,
                                    area="daily_care", minutes=15, pass_mark=60, items_json="[]")
    chief = db.session.scalar(select(User).where(User.username == "certs-tests-chief"))
    chief = chief or accounts.create_user(username="certs-tests-chief", display_name="主考",
                                          password="Chief#exam2026")
    db.session.add(PracticalAssessment(sheet=sheet, person=person, institution=institution,
                                       programme=programme, chief_examiner_id=chief.id, score_tenths=760,
                                       is_passed=True, locked_at=now, locked_by_id=chief.id))
    db.session.flush()


def record_hours(person, programme: Programme) -> None:
    """Record the programme's hours as done (as staff do for hours earned
    before CareLMS), so that the hours requirement is met."""
    from lms.training.services.prior import record_prior_hours

    record_prior_hours(person, programme, hours=programme.hours,
                       reason="2025年第3期线下培训班签到表（纸质，已存档）", by=None)


def complete_training(person, programme: Programme) -> None:
    """Record what the courses feature records when a person finishes a
    programme's online course (the course is made once, with the programme's
    hours): needed for programmes without assessments."""
    from sqlalchemy import select

    from lms.core.time import utcnow
    from lms.courses.models import Course, CourseEnrolment

    slug = f"certs-tests-{programme.code.lower()}"
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        course = Course(slug=slug, title=f"{programme.name}线上课程", audience=programme.category,
                        level=programme.level, is_public=programme.level is None,
                        nominal_hours=programme.hours)
        db.session.add(course)
        db.session.flush()
    db.session.add(CourseEnrolment(person_id=person.id, course_id=course.id, completed_at=utcnow()))
    db.session.flush()


@pytest.fixture
def programmes():
    return add_programmes()


@pytest.fixture
def home(make_institution):
    return make_institution("130102", name="长安区康宁养老院")


@pytest.fixture
def staff(make_user, home):
    return make_user(Role.INSTITUTION_STAFF, institution=home)


@pytest.fixture
def issue(programmes, staff, home):
    """issue(person, code="CG-4"): a valid certificate, issued by `staff`
    (the programme's hours recorded unless ``hours=False``; its assessments
    passed, or its course completed, unless ``passed=False``)."""

    def do_issue(person, code="CG-4", evidence=EVIDENCE, *, passed=True, hours=True):
        if hours:
            record_hours(person, programmes[code])
        if passed:
            pass_assessments(person, programmes[code], home)
            if not programmes[code].has_exam:
                complete_training(person, programmes[code])
        return services.issue_certificate(person, programmes[code], issued_by=staff,
                                          institution=home, evidence=evidence)

    return do_issue


def need_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: make test installs poppler-utils and zbar-tools")
        pytest.skip(f"{name} is not installed")
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run([need_tool("pdftotext"), "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def committed_app(make_committed_app):
    """A second app that really commits, with print chunks of 3 certificates."""
    return make_committed_app(CERTS_PRINT_CHUNK=3)
