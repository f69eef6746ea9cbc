"""Sessions (课次) of a class, attendance scans and the classroom hours they
earn, and hours recorded from before CareLMS."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.time import utcnow
from lms.extensions import db
from lms.people.models import Person
from lms.training.models.classes import Instructor, TrainingClass
from lms.training.models.programme import Programme


class ClassSession(db.Model):
    """One taught session: when, where, who teaches, what, and its 学时.
    Times are UTC; ``hours`` caps what attending it can earn."""

    __tablename__ = "training_sessions"
    # Clash checks look for overlapping sessions of an instructor, a venue or a class.
    __table_args__ = (Index("ix_training_sessions_instructor_time", "instructor_id", "starts_at", "ends_at"),
                      Index("ix_training_sessions_class_time", "class_id", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    topic: Mapped[str] = mapped_column(String(200))
    instructor_id: Mapped[int] = mapped_column(ForeignKey("training_instructors.id"))
    venue: Mapped[str] = mapped_column(String(200), index=True)
    hours: Mapped[int] = mapped_column(Integer)

    training_class: Mapped[TrainingClass] = relationship(lazy="joined")
    instructor: Mapped[Instructor] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<ClassSession {self.id} class={self.class_id}>"

    @property
    def scope_region_path(self) -> str:
        return self.training_class.scope_region_path

    @property
    def scope_institution_ids(self) -> set[int]:
        return {self.training_class.institution_id}

    @property
    def scope_user_ids(self) -> set[int]:
        return {self.instructor.user_id} if self.instructor.user_id else set()


class ScanKind(StrEnum):
    IN = "in"  # 签到
    OUT = "out"  # 签退


class Attendance(db.Model):
    """One sign-in or sign-out of a trainee at a session: by scanning the
    instructor's rotating QR code, or marked by staff with a reason. The
    evidence behind every credited classroom minute."""

    __tablename__ = "training_attendance"
    __table_args__ = (Index("ix_training_attendance_session_person", "session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    is_manual: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[ClassSession] = relationship()
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<Attendance {self.session_id}:{self.person_id} {self.kind}>"


class PriorHours(db.Model):
    """Hours a person earned before CareLMS (paper registers of an earlier
    class), recorded by staff with a reason and audited. They count towards a
    programme's hours like hours earned here."""

    __tablename__ = "training_prior_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship()
    programme: Mapped[Programme] = relationship()

    def __repr__(self) -> str:
        return f"<PriorHours {self.person_id}:{self.programme_id} {self.minutes}min>"
