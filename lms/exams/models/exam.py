"""Exams, their candidates, attempts and the papers drawn for them."""

import json
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.time import utcnow
from lms.exams.models.bank import QuestionVersion
from lms.extensions import db
from lms.people.models import Person
from lms.regions.models import Institution, InstitutionScoped
from lms.training.models import Programme


class Exam(InstitutionScoped, db.Model):
    """A theory exam set by an institution: which questions (the blueprint),
    how long, the pass mark, how many attempts and when it is open.

    ``blueprint_json`` is a list of rows ``{"area", "kind", "count", "points"}``:
    draw ``count`` questions of that functional area and kind, each worth
    ``points``; the rows add up to 100 points.
    """

    __tablename__ = "exams"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration"),
        CheckConstraint("attempts_allowed >= 1", name="attempts"),
        CheckConstraint("closes_at > opens_at", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(128))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    audience: Mapped[str] = mapped_column(String(32))
    level: Mapped[int | None] = mapped_column(Integer)
    blueprint_json: Mapped[str] = mapped_column(Text)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[int] = mapped_column(Integer, default=60)
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=2)
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    programme: Mapped[Programme | None] = relationship()
    institution: Mapped[Institution] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Exam {self.id} {self.title}>"

    @property
    def blueprint(self) -> list[dict]:
        return json.loads(self.blueprint_json)

    @property
    def question_count(self) -> int:
        return sum(row["count"] for row in self.blueprint)


class ExamCandidate(db.Model):
    """A person admitted to an exam."""

    __tablename__ = "exam_candidates"
    __table_args__ = (UniqueConstraint("exam_id", "person_id", name="uq_exam_candidates_exam_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<ExamCandidate {self.exam_id} {self.person_id}>"


class AttemptStatus:
    OPEN = "open"
    SUBMITTED = "submitted"  # by the candidate
    EXPIRED = "expired"  # closed at the deadline with what was saved


class Attempt(db.Model):
    """One sitting of an exam by one candidate. The paper (``items``) is drawn
    at start from ``seed`` and stored; the deadline is kept here, never trusted
    from the browser."""

    __tablename__ = "exam_attempts"
    __table_args__ = (
        UniqueConstraint("exam_id", "person_id", "number", name="uq_exam_attempts_exam_person_number"),
        # Pass rates by exam read this index alone.
        Index("ix_exam_attempts_results", "exam_id", "status", "closed_at", "is_passed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1 = first sitting, 2 = retake …
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=AttemptStatus.OPEN, index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[int | None] = mapped_column(Integer)
    is_passed: Mapped[bool | None] = mapped_column()

    exam: Mapped[Exam] = relationship(lazy="joined")
    person: Mapped[Person] = relationship()
    items: Mapped[list["AttemptItem"]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Attempt {self.id} exam={self.exam_id} {self.status}>"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN

    @property
    def scope_user_ids(self) -> set[int]:
        return {self.person.user_id} if self.person.user_id else set()


class AttemptItem(db.Model):
    """One question of a drawn paper: the frozen version, the order its options
    were shown in, what the candidate answered (in the version's own letters)
    and, once closed, the points earned."""

    __tablename__ = "exam_attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position", name="uq_exam_attempt_items_attempt_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by attempt through the unique (attempt_id, position) index.
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id"))
    position: Mapped[int] = mapped_column(Integer)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    option_order: Mapped[str] = mapped_column(String(8), default="")  # e.g. "CADB": shown order
    points: Mapped[int] = mapped_column(Integer)
    given: Mapped[str] = mapped_column(String(8), default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    earned: Mapped[int | None] = mapped_column(Integer)
    # The sequence number of the last autosave applied to this question: the
    # page numbers its saves, so one that arrives late (retried after a
    # dropped connection) never overwrites a newer answer.
    save_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[QuestionVersion] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<AttemptItem {self.attempt_id}#{self.position}>"
