"""Study-hour (学时) rules: time is earned, not clicked through.

The lesson page sends a heartbeat about every 30 s while it is visible and the
trainee has been active. The server keeps one clock per person and credits at
most the wall time since that person's previous heartbeat, and only when the
gap is under the idle limit (5 min), the trainee was active, and the beat is
for the lesson the clock was already on. So an idle gap earns nothing, a
second tab or device cannot double the time, and a lesson never earns more
than its cap (a multiple of its nominal minutes). A lesson is complete when
its minimum time is reached *and* its quiz is passed.

A heartbeat is the busiest write of the application (every open lesson, every
30 s), so it is SQL statements built once at import, not ORM objects: one read
of everything the rules need (the person, the lesson, the enrolment, the clock
and the lesson's progress), the rules applied here in Python, then the writes
(``lms.courses.study_writes``): the clock's compare-and-set, the study
interval and the lesson's progress — on PostgreSQL as one statement.
Enrolling on a public course and completing a lesson add a statement or two.

Durability contract. On PostgreSQL the transaction of a heartbeat request
commits with ``synchronous_commit = off``, set by the beat's first read for
that transaction only (``set_config(…, true)``, which is ``SET LOCAL``);
nothing else in the application turns it off. PostgreSQL then answers the
commit before the transaction's WAL record is on disk, and its WAL writer
writes it within three ``wal_writer_delay`` (200 ms by default: 0.6 s). So a
crash of the database server or of its machine (not of the application) may
lose the beats acknowledged in the last 0.6 s or so — for a learner, at most
their last beat, since beats come 30 s apart. A lost beat is lost whole, as
if never sent: its clock move, interval and credit are one transaction, so
nothing is half-written, corrupted or credited twice. The clock stays at the
last beat that was kept, so the learner's next beat credits the time since
then when it comes within the idle limit; when it comes later, the stretch
ends there as after any gap, and the learner loses that beat's credit and
the time to the next beat (at most the idle limit plus one beat). A beat
that also enrols the learner (on a public course) commits durably, like
everything else. SQLite is unchanged.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import Connection, Row, select, text
from sqlalchemy.exc import IntegrityError

from lms.core.time import as_utc, utcnow
from lms.courses import study_writes as writes
from lms.courses.models import Course, Lesson, LessonProgress
from lms.extensions import db
from lms.people.models import Person

SECONDS_PER_STUDY_HOUR = 45 * 60  # 1 学时 = 45 minutes


def format_study_hours(seconds: int) -> str:
    """Seconds as 学时 with one decimal, rounded down so that nothing is
    shown as earned before it is (2,699 s is 0.9, not 1.0)."""
    tenths = int(seconds) * 10 // SECONDS_PER_STUDY_HOUR
    return f"{tenths // 10}.{tenths % 10}"


def required_seconds(lesson: Lesson | int) -> int:
    """Minimum credited time for the lesson (or a lesson of so many nominal
    minutes) to count as complete."""
    minutes = lesson if isinstance(lesson, int) else lesson.minutes
    return int(minutes * 60 * current_app.config["LESSON_MIN_TIME_RATIO"])


def cap_seconds(lesson: Lesson | int) -> int:
    """The most a lesson (or a lesson of so many nominal minutes) can ever credit."""
    minutes = lesson if isinstance(lesson, int) else lesson.minutes
    return int(minutes * 60 * current_app.config["LESSON_CREDIT_CAP_MULTIPLE"])


@dataclass(frozen=True)
class Heartbeat:
    credited_seconds: int  # what this beat added
    lesson_seconds: int  # the lesson's total so far
    required_seconds: int
    is_complete: bool


class LessonNotOpen(LookupError):
    """No such active lesson, or one the person may not study (answered 404:
    another course's lessons are not probed)."""


class NoPersonRecord(PermissionError):
    """The account has no registry record to credit (answered 403)."""


def record_heartbeat_of_user(user_id: int, lesson_id: int, *, idle_seconds: int,
                             admit: Callable[[Row | None], None] | None = None,
                             now: datetime | None = None) -> Heartbeat:
    """The heartbeat endpoint's service: credit the account's person for a
    beat on a lesson, under the rules above.

    The account, the person, the access check (enrolled, or a public course,
    which enrols on first use) and the rules' state come in one read.
    ``admit`` is called with that row (None: no such account) before
    anything else and refuses by raising: the endpoint's account check
    (``SignedInSession.admit``); leave it out only when the caller has
    checked the account. Raises ``NoPersonRecord`` or ``LessonNotOpen``. The
    transaction commits asynchronously on PostgreSQL (the durability
    contract above) unless the beat enrolled the person."""
    connection = db.session.connection()
    postgres = connection.dialect.name == "postgresql"
    read = writes.STATE_OF_USER_COMMITTING_ASYNCHRONOUSLY if postgres else writes.STATE_OF_USER
    state = connection.execute(read, {"user_id": user_id, "lesson_id": lesson_id}).first()
    if admit is not None:
        admit(state)
    if state is None or state.person_id is None:
        raise NoPersonRecord() if state is not None and state.lesson_active else LessonNotOpen()
    if not state.lesson_active:
        raise LessonNotOpen()
    if state.enrolment_id is None:
        _enrol_on_first_use(state)
        if postgres:  # this transaction now holds an audited enrolment: commit it durably
            connection.execute(text("SET LOCAL synchronous_commit = on"))
    return _credit(connection, state, lesson_id, idle_seconds, now or utcnow())


def record_heartbeat(person: Person, lesson: Lesson, *, idle_seconds: int,
                     now: datetime | None = None) -> Heartbeat:
    """Credit the time since the person's previous heartbeat, under the rules
    above. The caller has checked the person may study the lesson."""
    db.session.flush()
    connection = db.session.connection()
    state = connection.execute(writes.STATE_OF_PERSON, {"person_id": person.id, "lesson_id": lesson.id}).one()
    return _credit(connection, state, lesson.id, idle_seconds, now or utcnow())


def decide(state: Row, lesson_id: int, idle_seconds: int, now: datetime) -> writes.Decision | None:
    """The rules, on the state read: what a beat credits. None for a beat
    older than the clock's last one (overtaken by another tab's): the clock
    never runs backwards, so such a beat changes nothing."""
    limit = current_app.config["STUDY_IDLE_SECONDS"]
    last = as_utc(state.last_beat_at)
    elapsed = (now - last).total_seconds() if last else None
    if elapsed is not None and elapsed < 0:
        return None
    active = 0 <= idle_seconds < limit
    continuing = (active and state.interval_id is not None and state.clock_lesson_id == lesson_id
                  and elapsed is not None and elapsed <= limit)
    credit = int(elapsed) if continuing else 0
    applied = max(0, min(credit, cap_seconds(state.minutes) - (state.credited_seconds or 0)))
    return writes.Decision(active=active, interval_id=state.interval_id if continuing else None, applied=applied)


def _credit(connection: Connection, state: Row, lesson_id: int, idle_seconds: int, now: datetime) -> Heartbeat:
    required = required_seconds(state.minutes)
    decision = decide(state, lesson_id, idle_seconds, now)
    progress = writes.apply(connection, state, lesson_id, decision, now) if decision else None
    if progress is None:  # stale, or another beat of this person moved the clock first
        return Heartbeat(credited_seconds=0, lesson_seconds=state.credited_seconds or 0,
                         required_seconds=required, is_complete=state.completed_at is not None)
    complete = progress.completed_at is not None
    if not complete and progress.quiz_passed_at is not None and progress.credited_seconds >= required:
        complete = complete_if_earned(connection, person_id=state.person_id, lesson_id=lesson_id,
                                      course_id=state.course_id, required=required, now=now)
    return Heartbeat(credited_seconds=decision.applied, lesson_seconds=progress.credited_seconds,
                     required_seconds=required, is_complete=complete)


def _enrol_on_first_use(state: Row) -> None:
    from lms.courses import services

    try:
        services.require_access(db.session.get(Person, state.person_id), db.session.get(Course, state.course_id))
    except services.NotEnrolled:
        raise LessonNotOpen() from None


# ── progress and completion ─────────────────────────────────────────────────

def progress_for(person: Person, lesson: Lesson) -> LessonProgress:
    """The person's progress row for a lesson, created when missing. Read
    afresh: heartbeats write the row with plain statements."""
    keys = {"person_id": person.id, "lesson_id": lesson.id}
    query = select(LessonProgress).filter_by(**keys).execution_options(populate_existing=True)
    progress = db.session.scalar(query)
    if progress is None:
        try:
            with db.session.begin_nested():
                progress = LessonProgress(**keys, credited_seconds=0, quiz_attempts=0)
                db.session.add(progress)
        except IntegrityError:  # created by a concurrent request in the meantime
            progress = db.session.scalar(query)
    return progress


def complete_if_earned(connection: Connection, *, person_id: int, lesson_id: int, course_id: int, required: int,
                       now: datetime) -> bool:
    """Complete the lesson once its minimum time is reached and its quiz is
    passed, and the course after its last lesson; True when the lesson is
    complete now (also when it already was)."""
    values = {"person": person_id, "lesson": lesson_id, "course": course_id, "required": required, "now": now}
    if connection.execute(writes.COMPLETE_LESSON, values).rowcount == 1:
        connection.execute(writes.COMPLETE_COURSE, values)
        return True
    return connection.execute(writes.COMPLETED_AT, values).scalar() is not None


def mark_complete_if_earned(person: Person, lesson: Lesson, progress: LessonProgress,
                            now: datetime | None = None) -> bool:
    """``complete_if_earned`` for a loaded progress row (the quiz's), which is
    brought up to date afterwards."""
    if progress.completed_at is not None:
        return True
    db.session.flush()
    complete = complete_if_earned(db.session.connection(), person_id=person.id, lesson_id=lesson.id,
                                  course_id=lesson.course_id, required=required_seconds(lesson), now=now or utcnow())
    if complete:
        db.session.refresh(progress)
    return complete
