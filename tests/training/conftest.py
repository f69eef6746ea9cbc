"""Fixtures for training tests: an approved class of an institution, with
an instructor, two enrolled trainees (one with an account) and a session
happening now, and a staff member of the institution."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from lms.core.access import Role
from lms.core.time import local_today, utcnow
from lms.extensions import db
from lms.training.models import ClassSession
from tests.training import factories


def session_now(cls, teacher, *, hours: int = 2, topic: str = "协助卧床老年人翻身") -> ClassSession:
    """A two-hour session of ``cls`` that started 15 minutes ago (made
    directly: scheduling's checks are tested on their own)."""
    start = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=15)
    session = ClassSession(class_id=cls.id, starts_at=start, ends_at=start + timedelta(hours=2), topic=topic,
                           instructor_id=teacher.id, venue=cls.venue, hours=hours)
    db.session.add(session)
    db.session.flush()
    return session


@pytest.fixture
def home(make_institution):
    """The institution most training tests run classes at."""
    return make_institution("130102", name="长安区康宁养老院")


@pytest.fixture
def staff(make_user, home):
    return make_user(Role.INSTITUTION_STAFF, institution=home)


@pytest.fixture
def classroom(make_institution, make_user, make_person):
    """``home`` institution and its ``staff``; an approved class ``cls`` with
    ``trainee`` (signed in as ``user``) and ``classmate`` enrolled; its
    ``session`` of 2 hours (capped at 90 minutes) from ``start`` for 120 minutes."""
    home = make_institution("130102", name="长安区康宁养老院")
    user = make_user(Role.TRAINEE)
    trainee = make_person(institution=home, user=user, name="张秀兰")
    classmate = make_person(institution=home, name="李桂芳")
    teacher = factories.instructor(home)
    today = local_today()
    cls = factories.approved_class(home, [trainee, classmate], teacher=teacher,
                                   start=today - timedelta(days=1), end=today + timedelta(days=1))
    session = session_now(cls, teacher)
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    return SimpleNamespace(home=home, staff=staff, user=user, trainee=trainee, classmate=classmate,
                           teacher=teacher, cls=cls, session=session, start=session.starts_at,
                           end=session.ends_at)
