"""Reads for courses: catalogue, a trainee's progress, staff overviews."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from lms.core.access import scope_clause
from lms.courses.models import Course, CourseEnrolment, Lesson, LessonProgress, StudyInterval
from lms.extensions import db
from lms.people.models import Person
from lms.regions.models import Region


def course_by_slug(slug: str) -> Course | None:
    """An active course by its slug."""
    return db.session.scalar(select(Course).where(Course.slug == slug, Course.is_active.is_(True)))


def lesson_in_course(course: Course, slug: str) -> Lesson | None:
    """An active lesson of the course by its slug."""
    return db.session.scalar(select(Lesson).where(
        Lesson.course_id == course.id, Lesson.slug == slug, Lesson.is_active.is_(True)))


def catalogue(*, audience: str = "", person: Person | None = None, everything: bool = False) -> list[Course]:
    """Courses to list: all for staff (``everything``); for a trainee, public
    courses and those they are enrolled on."""
    stmt = select(Course).where(Course.is_active.is_(True)).order_by(Course.audience, Course.level.desc(),
                                                                     Course.title)
    if audience:
        stmt = stmt.where(Course.audience == audience)
    if not everything:
        enrolled = select(CourseEnrolment.course_id).where(
            CourseEnrolment.person_id == (person.id if person else -1))
        stmt = stmt.where(or_(Course.is_public.is_(True), Course.id.in_(enrolled)))
    return list(db.session.scalars(stmt))


def progress_by_lesson(person: Person, course: Course) -> dict[int, LessonProgress]:
    """The person's progress rows on the course's lessons, by lesson id."""
    stmt = select(LessonProgress).join(Lesson).where(
        LessonProgress.person_id == person.id, Lesson.course_id == course.id)
    return {row.lesson_id: row for row in db.session.scalars(stmt)}


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    lessons_total: int
    lessons_done: int
    seconds: int
    completed_at: datetime | None
    last_lesson_id: int | None

    @property
    def percent(self) -> int:
        return self.lessons_done * 100 // self.lessons_total if self.lessons_total else 0


def _lesson_totals():
    return (select(Lesson.course_id, func.count(Lesson.id).label("n"))
            .where(Lesson.is_active.is_(True)).group_by(Lesson.course_id).subquery())


def _person_totals():
    return (select(LessonProgress.person_id, Lesson.course_id,
                   func.count(LessonProgress.completed_at).label("done"),
                   func.sum(LessonProgress.credited_seconds).label("seconds"),
                   func.max(LessonProgress.last_studied_at).label("last_studied_at"))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .group_by(LessonProgress.person_id, Lesson.course_id).subquery())


def my_learning(person: Person) -> list[CourseProgress]:
    """One row per course the person is enrolled on, most recent first."""
    lessons, totals = _lesson_totals(), _person_totals()
    stmt = (select(CourseEnrolment, lessons.c.n, totals.c.done, totals.c.seconds)
            .join(lessons, lessons.c.course_id == CourseEnrolment.course_id)
            .outerjoin(totals, and_(totals.c.course_id == CourseEnrolment.course_id,
                                    totals.c.person_id == CourseEnrolment.person_id))
            .where(CourseEnrolment.person_id == person.id)
            .order_by(CourseEnrolment.enrolled_at.desc()))
    return [CourseProgress(e.course, n or 0, done or 0, int(seconds or 0), e.completed_at, e.last_lesson_id)
            for e, n, done, seconds in db.session.execute(stmt)]


SORT_KEYS = ("name", "course", "done", "hours", "last")


def trainee_progress_stmt(*, course_id: int | None = None, sort: str = "last", descending: bool = True):
    """Enrolments inside the current user's scope with lessons done, hours and
    last activity — one row per (trainee, course), sortable."""
    lessons, totals = _lesson_totals(), _person_totals()
    done = func.coalesce(totals.c.done, 0).label("done")
    seconds = func.coalesce(totals.c.seconds, 0).label("seconds")
    last = totals.c.last_studied_at.label("last")
    stmt = (select(Person, Course, lessons.c.n.label("total"), done, seconds, last,
                   CourseEnrolment.completed_at)
            .select_from(CourseEnrolment)
            .join(Person, Person.id == CourseEnrolment.person_id)
            .join(Region, Region.id == Person.region_id)
            .join(Course, Course.id == CourseEnrolment.course_id)
            .join(lessons, lessons.c.course_id == Course.id)
            .outerjoin(totals, and_(totals.c.person_id == Person.id, totals.c.course_id == Course.id))
            .where(scope_clause(region_path=Region.path,
                                institution_columns=[Person.employer_id, Person.registered_by_institution_id])))
    if course_id:
        stmt = stmt.where(Course.id == course_id)
    column = {"name": Person.name, "course": Course.title, "done": done, "hours": seconds}.get(sort, last)
    ordering = column.desc() if descending else column.asc()
    # NULLs (never studied) last whatever the direction, then a stable tie-break.
    return stmt.order_by(case((column.is_(None), 1), else_=0), ordering, Person.id, Course.id)


def region_totals() -> list[tuple[Course, int, int, int]]:
    """Per course, inside the current user's scope: (course, enrolled,
    completed, credited seconds)."""
    seconds = (select(LessonProgress.person_id, Lesson.course_id,
                      func.sum(LessonProgress.credited_seconds).label("s"))
               .join(Lesson, Lesson.id == LessonProgress.lesson_id)
               .group_by(LessonProgress.person_id, Lesson.course_id).subquery())
    stmt = (select(Course, func.count(CourseEnrolment.id), func.count(CourseEnrolment.completed_at),
                   func.coalesce(func.sum(seconds.c.s), 0))
            .select_from(CourseEnrolment)
            .join(Course, Course.id == CourseEnrolment.course_id)
            .join(Person, Person.id == CourseEnrolment.person_id)
            .join(Region, Region.id == Person.region_id)
            .outerjoin(seconds, and_(seconds.c.person_id == Person.id, seconds.c.course_id == Course.id))
            .where(scope_clause(region_path=Region.path,
                                institution_columns=[Person.employer_id, Person.registered_by_institution_id]))
            .group_by(Course.id).order_by(Course.title))
    return [(course, enrolled, completed, int(total)) for course, enrolled, completed, total
            in db.session.execute(stmt)]


def study_intervals_stmt(person: Person):
    """The evidence behind a person's hours: study intervals, newest first."""
    return (select(StudyInterval).where(StudyInterval.person_id == person.id)
            .order_by(StudyInterval.started_at.desc(), StudyInterval.id.desc()))


def unenrolled_trainees(course: Course) -> list[Person]:
    """Trainees in the current user's scope not yet on the course, by name."""
    enrolled = select(CourseEnrolment.person_id).where(CourseEnrolment.course_id == course.id)
    stmt = (select(Person).join(Region, Region.id == Person.region_id)
            .where(scope_clause(region_path=Region.path,
                                institution_columns=[Person.employer_id, Person.registered_by_institution_id]),
                   Person.id.not_in(enrolled))
            .order_by(Person.name).limit(500))
    return list(db.session.scalars(stmt))


def courses_for(audience: str, level: int | None):
    """The condition on Course for the courses written for a programme: its
    audience and level (both programme and course without a level match).
    Eligibility, hours and the subsidy evidence all count these courses."""
    return and_(Course.audience == audience, Course.level.is_(None) if level is None else Course.level == level)


def programme_course_completion(person: Person, *, audience: str, level: int | None) -> list[tuple[Course, bool]]:
    """The active courses written for a programme (same audience and level),
    each with whether the person has completed it."""
    completed = select(CourseEnrolment.course_id).where(
        CourseEnrolment.person_id == person.id, CourseEnrolment.completed_at.is_not(None))
    stmt = (select(Course, Course.id.in_(completed))
            .where(Course.is_active.is_(True), courses_for(audience, level))
            .order_by(Course.title))
    return [(course, bool(done)) for course, done in db.session.execute(stmt)]
