"""Reads for training programmes, and what counts as a programme's training
done: courses completed, and hours (online, classroom, recorded before)."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from lms.core.database import in_chunks
from lms.courses.models import Course, Lesson, LessonProgress
from lms.courses.queries import courses_for, programme_course_completion
from lms.extensions import db
from lms.people.models import Person
from lms.training.hours import classroom_minutes
from lms.training.models import (
    MINUTES_PER_HOUR,
    ClassEnrolment,
    PriorHours,
    Programme,
    TrainingClass,
)


def programme_by_code(code: str) -> Programme | None:
    """The programme with this code (e.g. "CG-4")."""
    return db.session.scalar(select(Programme).where(Programme.code == code))


def active_programmes() -> list[Programme]:
    """Programmes that can be trained for, by category then level."""
    stmt = select(Programme).where(Programme.is_active.is_(True)).order_by(
        Programme.category, Programme.level.desc(), Programme.code)
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class TrainingEvidence:
    """What CareLMS holds to show a person trained for a programme: the
    programme's online courses and which of them the person completed."""

    courses: tuple[tuple[str, bool], ...]  # (course title, completed)
    completed_hours: int  # nominal 标准学时 of the completed courses

    @property
    def has_courses(self) -> bool:
        return bool(self.courses)

    @property
    def unfinished(self) -> list[str]:
        """Titles of the programme's courses the person has not completed."""
        return [title for title, done in self.courses if not done]


def training_evidence(person: Person, programme: Programme) -> TrainingEvidence:
    """The person's recorded training for the programme (online courses today;
    classroom hours join here when classes record them)."""
    rows = programme_course_completion(person, audience=programme.category, level=programme.level)
    return TrainingEvidence(
        courses=tuple((course.title, done) for course, done in rows),
        completed_hours=sum(course.nominal_hours for course, done in rows if done))


def evidenced_hours(person: Person, programme: Programme) -> int | None:
    """The programme's hours when the person's recorded training covers them,
    else None: a certificate states only hours CareLMS can show were studied."""
    evidence = training_evidence(person, programme)
    return programme.hours if evidence.completed_hours >= programme.hours else None


@dataclass(frozen=True)
class HoursRecord:
    """A person's hours towards a programme, in minutes, by where they came
    from: the study clock (online), attendance (classroom) and hours staff
    recorded from before CareLMS (prior). ``required`` is the programme's
    hours; ``threshold`` the share of them that must be done."""

    online: int
    classroom: int
    prior: int
    required: int
    threshold: float

    @property
    def total(self) -> int:
        return self.online + self.classroom + self.prior

    @property
    def share(self) -> float:
        return self.total / self.required if self.required else 1.0

    @property
    def is_met(self) -> bool:
        return self.total >= self.required * self.threshold


def hours_threshold() -> float:
    """The share of a programme's hours needed (LMS_TRAINING_HOURS_THRESHOLD)."""
    return current_app.config["TRAINING_HOURS_THRESHOLD"]


def online_minutes(person_ids: list[int], programme: Programme) -> dict[int, int]:
    """Minutes the study clock credited on the programme's courses, per person."""
    totals: dict[int, int] = {}
    for chunk in in_chunks(person_ids):
        rows = db.session.execute(
            select(LessonProgress.person_id, func.sum(LessonProgress.credited_seconds))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id).join(Course, Course.id == Lesson.course_id)
            .where(LessonProgress.person_id.in_(chunk), courses_for(programme.category, programme.level))
            .group_by(LessonProgress.person_id))
        totals.update({person_id: int(seconds or 0) // 60 for person_id, seconds in rows})
    return totals


def prior_minutes(person_ids: list[int], programme: Programme) -> dict[int, int]:
    """Minutes recorded by staff from before CareLMS, per person."""
    totals: dict[int, int] = {}
    for chunk in in_chunks(person_ids):
        rows = db.session.execute(
            select(PriorHours.person_id, func.sum(PriorHours.minutes))
            .where(PriorHours.person_id.in_(chunk), PriorHours.programme_id == programme.id)
            .group_by(PriorHours.person_id))
        totals.update({person_id: int(minutes or 0) for person_id, minutes in rows})
    return totals


def classroom_minutes_for(person_ids: list[int], programme: Programme) -> dict[int, int]:
    """Minutes attendance credited in the programme's classes, per person."""
    classes = db.session.scalars(
        select(ClassEnrolment.class_id).join(TrainingClass, TrainingClass.id == ClassEnrolment.class_id)
        .where(ClassEnrolment.person_id.in_(person_ids), TrainingClass.programme_id == programme.id)
        .distinct()).all() if person_ids else []
    wanted = set(person_ids)
    return {person_id: minutes for person_id, minutes in classroom_minutes(*classes).items()
            if person_id in wanted}


def hours_records(person_ids: list[int], programme: Programme) -> dict[int, HoursRecord]:
    """Each person's ``HoursRecord`` for the programme."""
    online, classroom = online_minutes(person_ids, programme), classroom_minutes_for(person_ids, programme)
    prior, threshold = prior_minutes(person_ids, programme), hours_threshold()
    return {person_id: HoursRecord(online.get(person_id, 0), classroom.get(person_id, 0), prior.get(person_id, 0),
                                   programme.hours * MINUTES_PER_HOUR, threshold) for person_id in person_ids}


def hours_record(person: Person, programme: Programme) -> HoursRecord:
    """One person's hours towards the programme (for eligibility and admission)."""
    return hours_records([person.id], programme)[person.id]
