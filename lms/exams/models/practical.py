"""Practical skill assessments (技能考核): scoring sheets, the assessments
made with them, their examiners and each examiner's marks."""

import json
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.core.time import utcnow
from lms.extensions import db
from lms.people.models import Person
from lms.regions.models import Institution, InstitutionScoped
from lms.training.models import Programme


class PracticalSheet(db.Model):
    """A scoring sheet from content/practical/: items with maximum points and the
    usual deductions, and critical items (否决项) any one of which fails it."""

    __tablename__ = "practical_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    level: Mapped[int | None] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(32))
    minutes: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[int] = mapped_column(Integer, default=60)
    scenario: Mapped[str] = mapped_column(Text, default="")
    items_json: Mapped[str] = mapped_column(Text)
    critical_json: Mapped[str] = mapped_column(Text, default="[]")
    source_hash: Mapped[str] = mapped_column(String(64), default="")

    def __repr__(self) -> str:
        return f"<PracticalSheet {self.code}>"

    @property
    def items(self) -> list[dict]:
        return json.loads(self.items_json)

    @property
    def critical(self) -> list[str]:
        return json.loads(self.critical_json)


class PracticalAssessment(InstitutionScoped, db.Model):
    """One candidate assessed on one sheet by one or more examiners.

    ``score_tenths`` is the mean of the examiners' totals in tenths of a point
    (integers add up exactly). It is final once the chief examiner locks it;
    a later change needs a reason and is audited.
    """

    __tablename__ = "practical_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("practical_sheets.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    chief_examiner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    score_tenths: Mapped[int | None] = mapped_column(Integer)
    is_passed: Mapped[bool | None] = mapped_column()
    is_flagged: Mapped[bool] = mapped_column(default=False)  # examiners disagree beyond the threshold
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    sheet: Mapped[PracticalSheet] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")
    institution: Mapped[Institution] = relationship()
    programme: Mapped[Programme | None] = relationship()
    chief_examiner: Mapped[User] = relationship(foreign_keys=[chief_examiner_id])
    examiners: Mapped[list["PracticalExaminer"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", lazy="selectin")
    marks: Mapped[list["PracticalMark"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", lazy="selectin")

    def __repr__(self) -> str:
        return f"<PracticalAssessment {self.id} sheet={self.sheet_id}>"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def score(self) -> float | None:
        return None if self.score_tenths is None else self.score_tenths / 10

    @property
    def examiner_ids(self) -> set[int]:
        return {row.user_id for row in self.examiners}

    # Scope: the institution that runs it (InstitutionScoped), and its assigned examiners.
    @property
    def scope_user_ids(self) -> set[int]:
        return self.examiner_ids


class PracticalExaminer(db.Model):
    """An examiner assigned to an assessment."""

    __tablename__ = "practical_examiners"
    __table_args__ = (UniqueConstraint("assessment_id", "user_id", name="uq_practical_examiners_assessment_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("practical_assessments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    assessment: Mapped[PracticalAssessment] = relationship(back_populates="examiners")
    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<PracticalExaminer {self.assessment_id} {self.user_id}>"


class PracticalMark(db.Model):
    """One examiner's marks on one assessment: points per item, critical items
    observed, and the total. One row per examiner, updated in place; every
    change is in the audit log with old and new values."""

    __tablename__ = "practical_marks"
    __table_args__ = (UniqueConstraint("assessment_id", "examiner_id", name="uq_practical_marks_assessment_examiner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("practical_assessments.id"), index=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    item_points_json: Mapped[str] = mapped_column(Text)  # {"assess": 8, ...}
    critical_json: Mapped[str] = mapped_column(Text, default="[]")  # indexes of observed critical items
    total: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[PracticalAssessment] = relationship(back_populates="marks")
    examiner: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<PracticalMark {self.assessment_id} by {self.examiner_id}>"

    @property
    def item_points(self) -> dict[str, int]:
        return json.loads(self.item_points_json)

    @property
    def critical_observed(self) -> list[int]:
        return json.loads(self.critical_json)
