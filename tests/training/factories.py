"""Plain builders for training tests: a programme, an instructor, a class
with its plan, instructors and roster, in the state a test needs."""

from datetime import UTC, date, datetime, timedelta

from lms.extensions import db
from lms.training.models import ClassStatus, Programme
from lms.training.services import classes, enrolment
from lms.training.services.classes import ClassDetails, PlanRow
from lms.training.services.sessions import SessionDetails, schedule_session

START, END = date(2026, 3, 2), date(2026, 3, 13)


def programme(code="CG-5", hours=180, category="caregiver", level=5) -> Programme:
    existing = db.session.scalar(db.select(Programme).where(Programme.code == code))
    if existing:
        return existing
    made = Programme(code=code, name=f"养老护理员（五级/初级工）职业技能培训{code}", category=category, level=level,
                     hours=hours, certificate_kind="skill_level", theory_pass_mark=60, practical_pass_mark=60)
    db.session.add(made)
    db.session.flush()
    return made


def instructor(institution, name="王丽华", number=None):
    return classes.create_instructor(institution=institution, name=name, qualification_kind="养老护理员二级/技师",
                                     qualification_number=number or f"JS{abs(hash((institution.id, name))) % 10**8}",
                                     by=None)


def draft_class(institution, *, name="2026年第1期五级护理员培训班", capacity=30, start=START, end=END,
                venue="康宁养老院实训室", programme_=None):
    return classes.create_class(institution=institution, programme=programme_ or programme(),
                                details=ClassDetails(name=name, starts_on=start, ends_on=end, venue=venue,
                                                     capacity=capacity), by=None)


def full_plan(cls) -> None:
    """A plan adding up to the programme's hours: 60 online, the rest in class."""
    hours = cls.programme.hours
    classes.set_plan(cls, [PlanRow("职业道德与基础知识", "online", 60),
                           PlanRow("生活照护实操", "classroom", hours - 60)], by=None)


def approved_class(institution, people, *, teacher=None, **kwargs):
    """A class through the whole application: plan, instructor, roster, submitted, approved."""
    cls = draft_class(institution, **kwargs)
    full_plan(cls)
    classes.set_instructors(cls, [teacher or instructor(institution)], by=None)
    for person in people:
        enrolment.enrol(cls, person, by=None)
    cls.status = ClassStatus.SUBMITTED  # submit and approve are tested on their own
    cls.status = ClassStatus.APPROVED
    db.session.flush()
    return cls


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in March 2026, given in Beijing time (UTC+8), as aware UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def session(cls, day=3, start=(9, 0), end=(11, 30), *, teacher=None, venue="康宁养老院实训室", hours=3,
            topic="协助卧床老年人翻身"):
    return schedule_session(cls, SessionDetails(starts_at=at(day, *start), ends_at=at(day, *end), topic=topic,
                                                instructor=teacher or cls.instructors[0], venue=venue,
                                                hours=hours), by=None)
