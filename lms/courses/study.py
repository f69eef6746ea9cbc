"""Study-hour (学时) rules: time is earned, not clicked through.

The lesson page sends a heartbeat about every 30 s while it is visible and the
trainee has been active. The server keeps one clock per person and credits at
most the wall time since that person's previous heartbeat, and only when the
gap is under the idle limit (5 min), the trainee was active, and the beat is
for the lesson the clock was already on. So an idle gap earns nothing, a
second tab or device cannot double the time, and a lesson never earns more
than its cap (a multiple of its nominal minutes). A lesson is complete when
its minimum time is reached *and* its quiz is passed.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms.core.time import as_utc, utcnow
from lms.courses.models import CourseEnrolment, Lesson, LessonProgress, StudyClock, StudyInterval
from lms.extensions import db
from lms.people.models import Person

SECONDS_PER_STUDY_HOUR = 45 * 60  # 1 学时 = 45 minutes


def format_study_hours(seconds: int) -> str:
    """Seconds as 学时 with one decimal, rounded down so that nothing is
    shown as earned before it is (2,699 s is 0.9, not 1.0)."""
    tenths = int(seconds) * 10 // SECONDS_PER_STUDY_HOUR
    return f"{tenths // 10}.{tenths % 10}"


def required_seconds(lesson: Lesson) -> int:
    """Minimum credited time for the lesson to count as complete."""
    return int(lesson.minutes * 60 * current_app.config["LESSON_MIN_TIME_RATIO"])


def cap_seconds(lesson: Lesson) -> int:
    """The most a lesson can ever credit."""
    return int(lesson.minutes * 60 * current_app.config["LESSON_CREDIT_CAP_MULTIPLE"])


@dataclass(frozen=True)
class Heartbeat:
    credited_seconds: int  # what this beat added
    lesson_seconds: int  # the lesson's total so far
    required_seconds: int
    is_complete: bool


def _get_or_create(model, **keys):
    row = db.session.scalar(select(model).filter_by(**keys))
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = model(**keys)
            db.session.add(row)
    except IntegrityError:  # created by a concurrent request in the meantime
        row = db.session.scalar(select(model).filter_by(**keys))
    return row


def progress_for(person: Person, lesson: Lesson) -> LessonProgress:
    """The person's progress row for a lesson, created when missing."""
    progress = _get_or_create(LessonProgress, person_id=person.id, lesson_id=lesson.id)
    progress.credited_seconds = progress.credited_seconds or 0
    progress.quiz_attempts = progress.quiz_attempts or 0
    return progress


def record_heartbeat(person: Person, lesson: Lesson, *, idle_seconds: int,
                     now: datetime | None = None) -> Heartbeat:
    """Credit the time since the person's previous heartbeat, under the rules
    above. The caller has checked the person may study the lesson."""
    now = now or utcnow()
    limit = current_app.config["STUDY_IDLE_SECONDS"]
    clock = _get_or_create(StudyClock, person_id=person.id)
    clock.version = clock.version or 0
    last = as_utc(clock.last_beat_at)
    elapsed = (now - last).total_seconds() if last else None
    active = 0 <= idle_seconds < limit
    continuing = (active and clock.interval_id is not None and clock.lesson_id == lesson.id
                  and elapsed is not None and 0 <= elapsed <= limit)
    # Compare-and-set: of two beats racing on the same clock only one moves it.
    moved = db.session.execute(
        update(StudyClock)
        .where(StudyClock.person_id == person.id, StudyClock.version == clock.version)
        .values(version=clock.version + 1, lesson_id=lesson.id, last_beat_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    progress = progress_for(person, lesson)
    if moved != 1:
        db.session.expire(clock)
        return _result(progress, lesson, 0)
    interval = db.session.get(StudyInterval, clock.interval_id) if continuing else None
    if active and interval is None:
        interval = StudyInterval(person_id=person.id, lesson_id=lesson.id, started_at=now,
                                 last_beat_at=now, heartbeats=0, credited_seconds=0)
        db.session.add(interval)
        db.session.flush()
    credit = int(elapsed) if continuing else 0
    applied = max(0, min(credit, cap_seconds(lesson) - progress.credited_seconds))
    progress.credited_seconds += applied
    if interval is not None:
        interval.heartbeats += 1
        interval.last_beat_at = now
        interval.credited_seconds += applied
        progress.last_studied_at = now
    db.session.execute(update(StudyClock).where(StudyClock.person_id == person.id)
                       .values(interval_id=interval.id if interval else None)
                       .execution_options(synchronize_session=False))
    db.session.expire(clock)
    mark_complete_if_earned(person, lesson, progress, now)
    db.session.flush()
    return _result(progress, lesson, applied)


def _result(progress: LessonProgress, lesson: Lesson, applied: int) -> Heartbeat:
    return Heartbeat(credited_seconds=applied, lesson_seconds=progress.credited_seconds,
                     required_seconds=required_seconds(lesson), is_complete=progress.completed_at is not None)


def mark_complete_if_earned(person: Person, lesson: Lesson, progress: LessonProgress,
                            now: datetime | None = None) -> bool:
    """Complete the lesson (and the course, after its last lesson) once the
    minimum time is reached and the quiz is passed."""
    if progress.completed_at is not None:
        return True
    if progress.quiz_passed_at is None or progress.credited_seconds < required_seconds(lesson):
        return False
    now = now or utcnow()
    progress.completed_at = now
    db.session.flush()
    lesson_ids = [lesson_.id for lesson_ in lesson.course.lessons]
    done = db.session.scalar(select(db.func.count(LessonProgress.id)).where(
        LessonProgress.person_id == person.id, LessonProgress.lesson_id.in_(lesson_ids),
        LessonProgress.completed_at.is_not(None)))
    if done == len(lesson_ids):
        db.session.execute(update(CourseEnrolment).where(
            CourseEnrolment.person_id == person.id, CourseEnrolment.course_id == lesson.course_id,
            CourseEnrolment.completed_at.is_(None)).values(completed_at=now))
    return True
