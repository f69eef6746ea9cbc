"""The statements of a heartbeat, built once at import, and the two ways of
applying a beat the rules in ``lms.courses.study`` have decided.

Step by step (any database): the clock's compare-and-set, then the study
interval, then the lesson's progress — and the rarer first clock of a person,
first progress row on a lesson, start of a stretch. In one statement
(PostgreSQL, once the person has a clock and the lesson a progress row: every
beat but a person's first few): the same writes as one ``UPDATE … RETURNING``
with data-modifying CTEs, so a beat costs one round trip to the database
instead of three or four. Both write exactly the same rows.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    Connection,
    Row,
    and_,
    bindparam,
    exists,
    func,
    insert,
    outerjoin,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from lms.auth.models import User, account_columns
from lms.courses.models import (
    Course,
    CourseEnrolment,
    Lesson,
    LessonProgress,
    StudyClock,
    StudyInterval,
)
from lms.people.models import Person


@dataclass(frozen=True)
class Decision:
    """What the rules make of one beat that is not stale."""

    active: bool  # the trainee was active: the beat belongs to a stretch
    interval_id: int | None  # the stretch it continues; None: a new one (when active)
    applied: int  # seconds credited


class Progress(NamedTuple):
    """A lesson's progress as a beat leaves it."""

    credited_seconds: int
    quiz_passed_at: datetime | None
    completed_at: datetime | None


def _state_query(base, whose):
    """Everything the rules read, in one round trip: one row (none when
    ``base``'s row does not exist); the columns of whatever does not exist
    (the person, the lesson, the clock, the progress, the enrolment) are
    NULL."""
    return (
        select(Person.id.label("person_id"), Lesson.minutes, Lesson.course_id,
               Lesson.is_active.label("lesson_active"), Course.is_public, Course.is_active.label("course_active"),
               CourseEnrolment.id.label("enrolment_id"),
               StudyClock.version, StudyClock.lesson_id.label("clock_lesson_id"), StudyClock.interval_id,
               StudyClock.last_beat_at, LessonProgress.id.label("progress_id"), LessonProgress.credited_seconds,
               LessonProgress.completed_at)
        .select_from(base)
        .outerjoin(Lesson, Lesson.id == bindparam("lesson_id"))
        .outerjoin(Course, Course.id == Lesson.course_id)
        .outerjoin(CourseEnrolment, and_(CourseEnrolment.person_id == Person.id,
                                         CourseEnrolment.course_id == Lesson.course_id))
        .outerjoin(StudyClock, StudyClock.person_id == Person.id)
        .outerjoin(LessonProgress, and_(LessonProgress.person_id == Person.id,
                                        LessonProgress.lesson_id == Lesson.id))
        .where(whose)
    )


STATE_OF_PERSON = _state_query(Person, Person.id == bindparam("person_id"))
# The heartbeat endpoint's read: the signed-in account (for the session rules
# and the role check, ``lms.auth.session.SignedInSession.admit``), its person
# and the state, in one round trip.
STATE_OF_USER = _state_query(outerjoin(User, Person, Person.user_id == User.id),
                             User.id == bindparam("user_id")).add_columns(*account_columns())
# The same, also making this transaction's commit asynchronous (PostgreSQL's
# SET LOCAL as a function, so that it costs no round trip of its own).
STATE_OF_USER_COMMITTING_ASYNCHRONOUSLY = STATE_OF_USER.add_columns(
    func.set_config("synchronous_commit", "off", True).label("synchronous_commit"))


def apply(connection: Connection, state: Row, lesson_id: int, decision: Decision, now: datetime) -> Progress | None:
    """Write the beat; the lesson's progress after it, or None when another
    beat of the person moved the clock first (then nothing is written)."""
    if (connection.dialect.name == "postgresql" and state.version is not None
            and (state.progress_id is not None or not decision.active)):
        return _apply_in_one_statement(connection, state, lesson_id, decision, now)
    return _apply_step_by_step(connection, state, lesson_id, decision, now)


# ── step by step ───────────────────────────────────────────────────────────

# The compare-and-set: of two beats that read the same version, one moves the
# clock and the other finds no row to update (and credits nothing).
_MOVE_CLOCK = (
    update(StudyClock)
    .where(StudyClock.person_id == bindparam("person"), StudyClock.version == bindparam("read_version"))
    .values(version=StudyClock.version + 1, lesson_id=bindparam("lesson"), last_beat_at=bindparam("now"),
            interval_id=bindparam("interval"))
)
_START_CLOCK = insert(StudyClock).values(person_id=bindparam("person"), lesson_id=bindparam("lesson"),
                                         last_beat_at=bindparam("now"), interval_id=None, version=1)
_POINT_CLOCK = (update(StudyClock).where(StudyClock.person_id == bindparam("person"))
                .values(interval_id=bindparam("interval")))
_START_INTERVAL = insert(StudyInterval).values(
    person_id=bindparam("person"), lesson_id=bindparam("lesson"), started_at=bindparam("now"),
    last_beat_at=bindparam("now"), heartbeats=1, credited_seconds=0,
).returning(StudyInterval.id)
_EXTEND_INTERVAL = (
    update(StudyInterval).where(StudyInterval.id == bindparam("interval"))
    .values(heartbeats=StudyInterval.heartbeats + 1, last_beat_at=bindparam("now"),
            credited_seconds=StudyInterval.credited_seconds + bindparam("applied"))
)
# RETURNING the quiz result as it is now, not as it was read: a quiz passed
# while this beat ran still completes the lesson (the row lock orders them).
_CREDIT_PROGRESS = (
    update(LessonProgress)
    .where(LessonProgress.person_id == bindparam("person"), LessonProgress.lesson_id == bindparam("lesson"))
    .values(credited_seconds=LessonProgress.credited_seconds + bindparam("applied"),
            last_studied_at=bindparam("now"))
    .returning(LessonProgress.credited_seconds, LessonProgress.quiz_passed_at, LessonProgress.completed_at)
)
_START_PROGRESS = insert(LessonProgress).values(
    person_id=bindparam("person"), lesson_id=bindparam("lesson"), credited_seconds=bindparam("applied"),
    quiz_attempts=0, last_studied_at=bindparam("now"),
)


def _apply_step_by_step(connection: Connection, state: Row, lesson_id: int, decision: Decision,
                        now: datetime) -> Progress | None:
    values = {"person": state.person_id, "lesson": lesson_id, "now": now, "applied": decision.applied,
              "interval": decision.interval_id, "read_version": state.version}
    if state.version is not None:
        if connection.execute(_MOVE_CLOCK, values).rowcount != 1:
            return None
    else:
        try:  # the person's first beat ever: of two racing, one inserts the clock
            with connection.begin_nested():
                connection.execute(_START_CLOCK, values)
        except IntegrityError:
            return None
    if not decision.active:
        return Progress(state.credited_seconds or 0, None, state.completed_at)
    if decision.interval_id is not None:
        connection.execute(_EXTEND_INTERVAL, values)
    else:
        values["interval"] = connection.execute(_START_INTERVAL, values).scalar_one()
        connection.execute(_POINT_CLOCK, values)
    if state.progress_id is None:  # the first beat on this lesson
        try:
            with connection.begin_nested():
                connection.execute(_START_PROGRESS, values)
            return Progress(decision.applied, None, None)
        except IntegrityError:
            pass  # created by the quiz meanwhile: credit it below
    return Progress(*connection.execute(_CREDIT_PROGRESS, values).one())


# ── in one statement (PostgreSQL) ──────────────────────────────────────────

# The same writes as above. A CTE's writes happen only when the clock moved
# (EXISTS (SELECT FROM moved)); a new stretch's interval gets its id from the
# sequence first, so that the clock can point at it in the same UPDATE.
_BEAT = text("""
WITH new_interval AS (
    SELECT CASE WHEN :start_stretch THEN nextval(pg_get_serial_sequence('study_intervals', 'id')) END AS id
), moved AS (
    UPDATE study_clocks
    SET version = version + 1, lesson_id = :lesson, last_beat_at = :now,
        interval_id = COALESCE(:interval, (SELECT id FROM new_interval))
    WHERE person_id = :person AND version = :read_version
    RETURNING interval_id
), started AS (
    INSERT INTO study_intervals (id, person_id, lesson_id, started_at, last_beat_at, heartbeats, credited_seconds)
    SELECT interval_id, :person, :lesson, :now, :now, 1, 0 FROM moved WHERE :start_stretch
), continued AS (
    UPDATE study_intervals
    SET heartbeats = heartbeats + 1, last_beat_at = :now, credited_seconds = credited_seconds + :applied
    WHERE id = :interval AND EXISTS (SELECT FROM moved)
), progress AS (
    UPDATE lesson_progress
    SET credited_seconds = credited_seconds + :applied, last_studied_at = :now
    WHERE person_id = :person AND lesson_id = :lesson AND :active AND EXISTS (SELECT FROM moved)
    RETURNING credited_seconds, quiz_passed_at, completed_at
)
SELECT EXISTS (SELECT FROM moved) AS moved, progress.credited_seconds, progress.quiz_passed_at,
       progress.completed_at
FROM (SELECT) AS beat LEFT JOIN progress ON true
""")


def _apply_in_one_statement(connection: Connection, state: Row, lesson_id: int, decision: Decision,
                            now: datetime) -> Progress | None:
    row = connection.execute(_BEAT, {
        "person": state.person_id, "lesson": lesson_id, "now": now, "read_version": state.version,
        "interval": decision.interval_id, "applied": decision.applied, "active": decision.active,
        "start_stretch": decision.active and decision.interval_id is None}).one()
    if not row.moved:
        return None
    if not decision.active:
        return Progress(state.credited_seconds or 0, None, state.completed_at)
    return Progress(row.credited_seconds, row.quiz_passed_at, row.completed_at)


# ── completion ─────────────────────────────────────────────────────────────

# Decided by the database on the row as it is, so a quiz pass and the beat
# that reaches the minimum time can never both miss it.
COMPLETE_LESSON = (
    update(LessonProgress)
    .where(LessonProgress.person_id == bindparam("person"), LessonProgress.lesson_id == bindparam("lesson"),
           LessonProgress.completed_at.is_(None), LessonProgress.quiz_passed_at.is_not(None),
           LessonProgress.credited_seconds >= bindparam("required"))
    .values(completed_at=bindparam("now"))
)
_unfinished_lesson = exists().where(
    Lesson.course_id == bindparam("course"), Lesson.is_active,
    ~exists().where(LessonProgress.lesson_id == Lesson.id, LessonProgress.person_id == bindparam("person"),
                    LessonProgress.completed_at.is_not(None)))
COMPLETE_COURSE = (
    update(CourseEnrolment)
    .where(CourseEnrolment.person_id == bindparam("person"), CourseEnrolment.course_id == bindparam("course"),
           CourseEnrolment.completed_at.is_(None), ~_unfinished_lesson)
    .values(completed_at=bindparam("now"))
)
COMPLETED_AT = select(LessonProgress.completed_at).where(LessonProgress.person_id == bindparam("person"),
                                                         LessonProgress.lesson_id == bindparam("lesson"))
