"""Courses, lessons and lesson quizzes, as loaded from content/courses/."""

import json
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.time import utcnow
from lms.extensions import db


class Course(db.Model):
    """A course. ``is_public`` courses (family caregivers) are open to anyone
    registered; the others to trainees enrolled by their institution."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    audience: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[int | None] = mapped_column(Integer)
    is_public: Mapped[bool] = mapped_column(default=False)
    nominal_hours: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    references_json: Mapped[str] = mapped_column(Text, default="[]")
    source_hash: Mapped[str] = mapped_column(String(64), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="course", order_by="Lesson.position",
        primaryjoin="and_(Course.id == Lesson.course_id, Lesson.is_active)", viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"

    @property
    def references(self) -> list[str]:
        return json.loads(self.references_json or "[]")


class Lesson(db.Model):
    """One lesson page. ``minutes`` is its nominal study time; the body is
    stored as HTML rendered from Markdown with raw HTML escaped."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug", name="uq_lessons_course_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(128))
    minutes: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(32))
    video_url: Mapped[str | None] = mapped_column(String(500))
    attachments_json: Mapped[str] = mapped_column(Text, default="[]")
    body_html: Mapped[str] = mapped_column(Text)
    quiz_pass_percent: Mapped[int] = mapped_column(Integer, default=60)
    # Lessons dropped from course.yaml are retired, not deleted: hours stay explainable.
    is_active: Mapped[bool] = mapped_column(default=True)

    course: Mapped[Course] = relationship(foreign_keys=[course_id])
    questions: Mapped[list["QuizQuestion"]] = relationship(
        back_populates="lesson", order_by="QuizQuestion.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Lesson {self.course_id}/{self.slug}>"

    @property
    def attachments(self) -> list[dict]:
        return json.loads(self.attachments_json or "[]")


class QuizQuestion(db.Model):
    """A question of a lesson's short quiz. ``answer`` is letters ("B",
    "ACD") or "true"/"false"; it is never sent to the browser before the
    trainee has answered."""

    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    stem: Mapped[str] = mapped_column(Text)
    options_json: Mapped[str] = mapped_column(Text, default="[]")
    answer: Mapped[str] = mapped_column(String(16))
    explanation: Mapped[str] = mapped_column(Text, default="")

    lesson: Mapped[Lesson] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<QuizQuestion {self.lesson_id}#{self.position}>"

    @property
    def options(self) -> list[str]:
        return json.loads(self.options_json or "[]")
