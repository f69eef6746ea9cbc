"""Enrolment, per-lesson progress and the evidence behind every credited minute."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.time import utcnow
from lms.courses.models.catalogue import Course, Lesson
from lms.extensions import db


class CourseEnrolment(db.Model):
    """A person's place on a course; ``last_lesson_id`` is where they resume."""

    __tablename__ = "course_enrolments"
    __table_args__ = (UniqueConstraint("person_id", "course_id", name="uq_course_enrolments_person_course"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    course: Mapped[Course] = relationship()

    def __repr__(self) -> str:
        return f"<CourseEnrolment {self.person_id}:{self.course_id}>"


class LessonProgress(db.Model):
    """What a person has earned on one lesson: credited seconds (capped), the
    quiz result and when the lesson was complete."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("person_id", "lesson_id", name="uq_lesson_progress_person_lesson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    credited_seconds: Mapped[int] = mapped_column(Integer, default=0)
    quiz_attempts: Mapped[int] = mapped_column(Integer, default=0)
    quiz_passed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_studied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    lesson: Mapped[Lesson] = relationship()

    def __repr__(self) -> str:
        return f"<LessonProgress {self.person_id}:{self.lesson_id} {self.credited_seconds}s>"


class StudyClock(db.Model):
    """One row per person: the lesson being studied and the last heartbeat.

    Time is credited from this single clock, so a second tab or device can
    never earn the same minutes twice. ``version`` makes each update a
    compare-and-set: of two heartbeats racing, only one is credited.
    """

    __tablename__ = "study_clocks"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    interval_id: Mapped[int | None] = mapped_column(ForeignKey("study_intervals.id"))
    last_beat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<StudyClock {self.person_id} v{self.version}>"


class StudyInterval(db.Model):
    """A continuous stretch of study on one lesson: the audit evidence for
    credited time (when, which lesson, how many heartbeats, how much credited)."""

    __tablename__ = "study_intervals"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_beat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    heartbeats: Mapped[int] = mapped_column(Integer, default=1)
    credited_seconds: Mapped[int] = mapped_column(Integer, default=0)

    lesson: Mapped[Lesson] = relationship()

    def __repr__(self) -> str:
        return f"<StudyInterval {self.person_id}:{self.lesson_id} {self.credited_seconds}s>"
