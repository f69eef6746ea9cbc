"""Plans (a policy document's targets and period) and targets per region."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.time import utcnow
from lms.extensions import db
from lms.regions.models import Region


class Plan(db.Model):
    """A set of targets from one policy document, with its period."""

    __tablename__ = "quota_plans"
    __table_args__ = (CheckConstraint("deadline > period_start", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    document: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<Plan {self.code}>"


class Target(db.Model):
    """How many persons and/or person-times (人次) of a category a region is to
    train within the plan's period. None means "no target of that kind"."""

    __tablename__ = "quota_targets"
    __table_args__ = (
        UniqueConstraint("plan_id", "category", "region_id", name="uq_quota_targets_plan_category_region"),
        CheckConstraint("persons IS NULL OR persons >= 0", name="persons"),
        CheckConstraint("person_times IS NULL OR person_times >= 0", name="person_times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("quota_plans.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    persons: Mapped[int | None] = mapped_column(Integer)
    person_times: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    plan: Mapped[Plan] = relationship()
    region: Mapped[Region] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Target {self.plan_id} {self.category} {self.region_id}>"

    @property
    def scope_region_path(self) -> str:
        return self.region.path
