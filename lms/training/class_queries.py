"""Reads for classes: lists in scope, rosters, sessions and calendars."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from lms.core.access import scope_clause
from lms.extensions import db
from lms.people.models import Person
from lms.regions.models import Institution, Region
from lms.training.hours import classroom_minutes
from lms.training.models import (
    MINUTES_PER_HOUR,
    ClassEnrolment,
    ClassSession,
    EnrolmentStatus,
    Instructor,
    TrainingClass,
)
from lms.training.queries import HoursRecord, hours_records


def classes_stmt(status: str = "") -> Select:
    """Classes in the current user's scope (their institution's, or their
    region's), newest first."""
    stmt = (select(TrainingClass).join(Institution, Institution.id == TrainingClass.institution_id)
            .join(Region, Region.id == Institution.region_id)
            .where(scope_clause(region_path=Region.path, institution_columns=[TrainingClass.institution_id])))
    if status:
        stmt = stmt.where(TrainingClass.status == status)
    return stmt.order_by(TrainingClass.starts_on.desc(), TrainingClass.id.desc())


def roster(cls: TrainingClass) -> list[ClassEnrolment]:
    """Everyone on the class or its waiting list (not the withdrawn): places
    first by name, then the waiting list in its order."""
    stmt = (select(ClassEnrolment).join(Person, Person.id == ClassEnrolment.person_id)
            .options(contains_eager(ClassEnrolment.person))  # the person with the row, not one query each
            .where(ClassEnrolment.class_id == cls.id, ClassEnrolment.status != EnrolmentStatus.WITHDRAWN)
            .order_by(ClassEnrolment.status, ClassEnrolment.queued_at, Person.name))
    rows = list(db.session.scalars(stmt))
    enrolled = sorted((r for r in rows if r.status == EnrolmentStatus.ENROLLED), key=lambda r: r.person.name)
    return enrolled + [r for r in rows if r.status == EnrolmentStatus.WAITING]


def enrolled_people(cls: TrainingClass) -> list[Person]:
    """The people holding a place on the class, by name."""
    stmt = (select(Person).join(ClassEnrolment, ClassEnrolment.person_id == Person.id)
            .where(ClassEnrolment.class_id == cls.id, ClassEnrolment.status == EnrolmentStatus.ENROLLED)
            .order_by(Person.name, Person.id))
    return list(db.session.scalars(stmt))


def sessions_of(cls: TrainingClass) -> list[ClassSession]:
    """The class's sessions in time order."""
    return list(db.session.scalars(select(ClassSession).where(ClassSession.class_id == cls.id)
                                   .order_by(ClassSession.starts_at)))


def institution_instructors(institution_id: int) -> list[Instructor]:
    """An institution's instructors by name."""
    return list(db.session.scalars(select(Instructor).where(Instructor.institution_id == institution_id)
                                   .order_by(Instructor.name)))


@dataclass(frozen=True)
class CalendarEntry:
    """One session as a calendar shows it (plain values, no ORM loading)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    topic: str
    venue: str
    hours: int
    class_name: str
    instructor_name: str


def calendar_sessions(start: datetime, end: datetime, *, institution_id: int | None = None,
                      instructor_id: int | None = None, person_id: int | None = None) -> list[CalendarEntry]:
    """Sessions starting in [start, end), for one institution, one instructor
    or one trainee's enrolled classes, in time order. Read as columns: a month
    of 500 sessions is one light query."""
    stmt = (select(ClassSession.id, ClassSession.starts_at, ClassSession.ends_at, ClassSession.topic,
                   ClassSession.venue, ClassSession.hours, TrainingClass.name, Instructor.name)
            .join(TrainingClass, TrainingClass.id == ClassSession.class_id)
            .join(Instructor, Instructor.id == ClassSession.instructor_id)
            .where(ClassSession.starts_at >= start, ClassSession.starts_at < end))
    if institution_id is not None:
        stmt = stmt.where(TrainingClass.institution_id == institution_id)
    if instructor_id is not None:
        stmt = stmt.where(ClassSession.instructor_id == instructor_id)
    if person_id is not None:
        stmt = stmt.where(ClassSession.class_id.in_(
            select(ClassEnrolment.class_id).where(ClassEnrolment.person_id == person_id,
                                                  ClassEnrolment.status == EnrolmentStatus.ENROLLED)))
    return [CalendarEntry(*row) for row in db.session.execute(stmt.order_by(ClassSession.starts_at,
                                                                            ClassSession.id))]


def classes_of_person(person_id: int) -> list[tuple[TrainingClass, str]]:
    """The classes a person is on or waiting for, with their enrolment status."""
    stmt = (select(TrainingClass, ClassEnrolment.status)
            .join(ClassEnrolment, ClassEnrolment.class_id == TrainingClass.id)
            .where(ClassEnrolment.person_id == person_id, ClassEnrolment.status != EnrolmentStatus.WITHDRAWN)
            .order_by(TrainingClass.starts_on.desc()))
    return [(cls, status) for cls, status in db.session.execute(stmt)]


@dataclass(frozen=True)
class ReportRow:
    """One trainee's line in the report."""

    person: Person
    hours: HoursRecord  # towards the programme, from every source and class
    class_minutes: int  # classroom minutes credited in this class
    planned_classroom: int  # minutes the plan's classroom hours make

    @property
    def classroom_rate(self) -> int | None:
        """This class's attendance as a whole percentage of its planned classroom hours."""
        return None if not self.planned_classroom else self.class_minutes * 100 // self.planned_classroom


def class_report_rows(cls: TrainingClass) -> list[ReportRow]:
    """The report's rows for everyone holding a place, by name."""
    people = enrolled_people(cls)
    records = hours_records([p.id for p in people], cls.programme)
    attended = classroom_minutes(cls.id)
    planned = cls.classroom_hours * MINUTES_PER_HOUR
    return [ReportRow(person, records[person.id], attended.get(person.id, 0), planned) for person in people]
