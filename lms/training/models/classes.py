"""Training classes (培训班): the opening application, its teaching plan and
instructors, the workflow from draft to closed, and enrolment with a waiting
list."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.time import utcnow
from lms.extensions import db
from lms.people.models import Person
from lms.regions.models import Institution, InstitutionScoped
from lms.training.models.programme import Programme


class ClassStatus(StrEnum):
    DRAFT = "draft"  # being written by the institution (also after being returned)
    SUBMITTED = "submitted"  # the opening application (开班申请), waiting for civil affairs
    APPROVED = "approved"  # may schedule sessions and take attendance
    RUNNING = "running"
    CLOSED = "closed"  # finished: the subsidy package is made from it


class Instructor(InstitutionScoped, db.Model):
    """A teacher an institution employs or engages, with the qualification that
    lets them teach (certificate kind and number). One row per person per
    institution, so that double-booking is caught across all its classes."""

    __tablename__ = "training_instructors"
    __table_args__ = (UniqueConstraint("institution_id", "qualification_number",
                                       name="uq_training_instructors_institution_qualification"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    qualification_kind: Mapped[str] = mapped_column(String(64))
    qualification_number: Mapped[str] = mapped_column(String(64))
    # An account of the instructor's own, for their calendar and the attendance screen.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    institution: Mapped[Institution] = relationship()

    def __repr__(self) -> str:
        return f"<Instructor {self.id} {self.name}>"

    @property
    def scope_user_ids(self) -> set[int]:
        return {self.user_id} if self.user_id else set()


class TrainingClass(InstitutionScoped, db.Model):
    """A class an institution runs for a programme.

    Hours are 标准学时 (45 minutes). Money is whole yuan (``fee_yuan``; None
    when the training is free or fully subsidised)."""

    __tablename__ = "training_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default=ClassStatus.DRAFT, index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    is_subsidised: Mapped[bool] = mapped_column(default=True)
    fee_yuan: Mapped[int | None] = mapped_column(Integer)
    resources: Mapped[str] = mapped_column(Text, default="")  # rooms, equipment, materials
    theory_exam_on: Mapped[date | None] = mapped_column(Date)
    practical_exam_on: Mapped[date | None] = mapped_column(Date)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The institution's commitment that the training is genuine, as submitted.
    commitment_text: Mapped[str] = mapped_column(Text, default="")
    committed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    return_reason: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    institution: Mapped[Institution] = relationship(lazy="joined")
    programme: Mapped[Programme] = relationship(lazy="joined")
    plan_items: Mapped[list["PlanItem"]] = relationship(
        back_populates="training_class", order_by="PlanItem.position", cascade="all, delete-orphan")
    instructors: Mapped[list[Instructor]] = relationship(secondary="training_class_instructors",
                                                         order_by="Instructor.name")

    def __repr__(self) -> str:
        return f"<TrainingClass {self.id} {self.status}>"

    @property
    def online_hours(self) -> int:
        return sum(item.hours for item in self.plan_items if item.mode == PlanMode.ONLINE)

    @property
    def classroom_hours(self) -> int:
        return sum(item.hours for item in self.plan_items if item.mode == PlanMode.CLASSROOM)

    @property
    def takes_attendance(self) -> bool:
        """Only an approved (or running) class schedules sessions and takes attendance."""
        return self.status in (ClassStatus.APPROVED, ClassStatus.RUNNING)


class ClassInstructor(db.Model):
    """Which instructors teach a class (named in the opening application)."""

    __tablename__ = "training_class_instructors"

    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id"), primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("training_instructors.id"), primary_key=True)

    def __repr__(self) -> str:
        return f"<ClassInstructor {self.class_id}:{self.instructor_id}>"


class PlanMode(StrEnum):
    ONLINE = "online"  # studied on CareLMS's courses, counted by the study clock
    CLASSROOM = "classroom"  # taught in sessions, counted by attendance


class PlanItem(db.Model):
    """One row of the teaching plan (教学计划): a topic, how it is taught and
    its hours. Online and classroom rows add up to the programme's hours."""

    __tablename__ = "training_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(16))
    hours: Mapped[int] = mapped_column(Integer)

    training_class: Mapped[TrainingClass] = relationship(back_populates="plan_items")

    def __repr__(self) -> str:
        return f"<PlanItem {self.class_id}#{self.position} {self.mode} {self.hours}>"


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WAITING = "waiting"  # on the waiting list: promoted in order when a place frees
    WITHDRAWN = "withdrawn"


class ClassEnrolment(db.Model):
    """A person's place on a class, or on its waiting list (``queued_at`` orders it)."""

    __tablename__ = "training_class_enrolments"
    __table_args__ = (UniqueConstraint("class_id", "person_id", name="uq_training_class_enrolments_class_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    training_class: Mapped[TrainingClass] = relationship()
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<ClassEnrolment {self.class_id}:{self.person_id} {self.status}>"
