"""A closed class for the subsidy package: two trainees with attendance
(one sign-out marked by hand), online study on the programme's course and
on another level's, assessment results and one certificate."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from lms.certs import services as certs
from lms.core.access import Role
from lms.core.time import utcnow
from lms.courses.models import Course, CourseEnrolment, Lesson, LessonProgress, StudyInterval
from lms.extensions import db
from lms.training.models import Attendance, ClassStatus, ScanKind
from tests.certs.conftest import EVIDENCE, meet_requirements
from tests.training import factories
from tests.training.factories import at


def study(person, *, level: int, minutes: int, day: int = 2) -> None:
    """An interval of ``minutes`` on a lesson of a caregiver course of
    ``level``, the course completed (certificates ask for it)."""
    slug = f"subsidy-tests-{level}"
    course = db.session.scalar(db.select(Course).where(Course.slug == slug))
    if course is None:
        course = Course(slug=slug, title=f"养老护理员{level}级线上课程", audience="caregiver", level=level,
                        nominal_hours=10)
        db.session.add(course)
        db.session.flush()
        db.session.add(Lesson(course_id=course.id, slug="01", position=1, title=f"第{level}级 卧床老人翻身",
                              minutes=30, area="daily_care", body_html=""))
        db.session.flush()
    lesson = db.session.scalar(db.select(Lesson).where(Lesson.course_id == course.id))
    db.session.add(LessonProgress(person_id=person.id, lesson_id=lesson.id, credited_seconds=minutes * 60))
    db.session.add(StudyInterval(person_id=person.id, lesson_id=lesson.id, started_at=at(day, 20),
                                 last_beat_at=at(day, 20, minutes), heartbeats=minutes * 2,
                                 credited_seconds=minutes * 60))
    db.session.add(CourseEnrolment(person_id=person.id, course_id=course.id, completed_at=utcnow()))
    db.session.flush()


@pytest.fixture
def subsidy(make_institution, make_user, make_person):
    home = make_institution("130102", name="长安区康宁养老院")
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    civil = make_user(Role.CIVIL_AFFAIRS, region_code="130100")
    zhang = make_person(institution=home, name="张秀兰")
    li = make_person(institution=home, name="李桂芳")
    cls = factories.approved_class(home, [zhang, li])
    programme = cls.programme
    session = factories.session(cls, day=3)  # 09:00–11:30, 3 hours
    db.session.add_all([
        Attendance(session_id=session.id, person_id=zhang.id, kind=ScanKind.IN, at=at(3, 8, 55)),
        Attendance(session_id=session.id, person_id=zhang.id, kind=ScanKind.OUT, at=at(3, 11, 31)),
        Attendance(session_id=session.id, person_id=li.id, kind=ScanKind.IN, at=at(3, 9, 50)),
        Attendance(session_id=session.id, person_id=li.id, kind=ScanKind.OUT, at=at(3, 11, 30), is_manual=True,
                   recorded_by_id=staff.id, reason="手机没电，由培训专员补记签退"),
    ])
    study(zhang, level=5, minutes=50)
    study(zhang, level=4, minutes=20)  # another programme's course: not this package's evidence
    meet_requirements(zhang, programme, home)
    cert = certs.issue_certificate(zhang, programme, issued_by=staff, institution=home, evidence=EVIDENCE)
    now = utcnow()
    cls.commitment_text = "我单位承诺本次培训真实有效。"
    cls.committed_by_id, cls.committed_at = staff.id, now - timedelta(days=30)
    cls.decided_by_id, cls.decided_at = civil.id, now - timedelta(days=29)
    cls.status, cls.closed_at = ClassStatus.CLOSED, now
    db.session.commit()
    return SimpleNamespace(home=home, staff=staff, civil=civil, zhang=zhang, li=li, cls=cls, cert=cert,
                           session=session)
