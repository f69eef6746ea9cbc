"""Plans (a policy document's targets and period), targets per region, and
the counts the dashboard keeps: certificates per plan (``Rollup``) and
closed exam attempts (``ExamRollup``)."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
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


class Rollup(db.Model):
    """Valid certificates of one plan and category, counted per region and
    per month or day of issue. Kept by ``lms.quotas.rollups`` in the
    transaction of every certificate write; ``flask quotas rebuild`` recounts
    them from the raw rows.

    ``certificates`` are person-times (人次). ``persons`` counts each person
    once per plan and category: in the region and month (and day) of their
    first valid certificate of the category issued within the plan's period
    (the earliest issue date, ties by certificate id). So regions add up to
    their parent and months add up to the period.

    A certificate counts in the region recorded on it at issue
    (``region_path``) and in each of that region's ancestors (the unit, the
    province): a dashboard reads the rows of the region it shows and of its
    children only — about 15 regions × 24 months — however many
    certificates or counties there are, instead of summing every county.

    Each certificate is counted in a ``month`` row (``starts_on`` the 1st)
    and in a ``day`` row (``starts_on`` the day). Month rows make the totals
    and the trend; day rows serve only the partial months at the edges of
    the 90-day pace window and of the current month, so those are exact. Day
    rows alone would be ~120,000 per plan and category at ten times the
    province's certificates, too many to sum per page; month rows alone
    cannot give the window exactly.
    """

    __tablename__ = "quota_rollups"
    # Key order serves the reads: a plan and category, one grain, the few
    # regions shown, then a range of months or days.
    __table_args__ = (PrimaryKeyConstraint("plan_id", "category", "grain", "region_path", "starts_on"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("quota_plans.id"))
    category: Mapped[str] = mapped_column(String(32))
    grain: Mapped[str] = mapped_column(String(8))  # "month" or "day"
    region_path: Mapped[str] = mapped_column(String(255))
    starts_on: Mapped[date] = mapped_column(Date)
    certificates: Mapped[int] = mapped_column(Integer, default=0)
    persons: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return (f"<Rollup {self.plan_id} {self.category} {self.grain} {self.region_path} {self.starts_on} "
                f"{self.persons}/{self.certificates}>")


class RollupPlan(db.Model):
    """A plan whose rollups are kept, and the period they were counted for.
    The dashboard reads a plan's rollups only while its period is still this
    one; a plan without this row (or with another period) is counted from the
    raw certificates until ``rebuild`` has run for it."""

    __tablename__ = "quota_rollup_plans"

    plan_id: Mapped[int] = mapped_column(ForeignKey("quota_plans.id"), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    rebuilt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<RollupPlan {self.plan_id} {self.period_start}–{self.deadline}>"


class ExamRollup(db.Model):
    """Closed theory-exam attempts (taken, passed) per exam audience, region
    and day of closing (UTC, as the attempts' ``closed_at``). Kept by
    ``lms.quotas.exam_rollups`` in the transaction that closes an attempt;
    ``flask quotas rebuild`` recounts them from the raw attempts.

    An attempt counts in the region of the examining institution at the
    time it closed and in each of that region's ancestors, so a dashboard
    reads the rows of the region it shows and of its children only. Not kept
    per plan: a plan's figures are the days of its period."""

    __tablename__ = "quota_exam_rollups"
    __table_args__ = (PrimaryKeyConstraint("category", "region_path", "closed_on"),)

    category: Mapped[str] = mapped_column(String(32))
    region_path: Mapped[str] = mapped_column(String(255))
    closed_on: Mapped[date] = mapped_column(Date)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<ExamRollup {self.category} {self.region_path} {self.closed_on} {self.passed}/{self.taken}>"


class InstitutionRollup(db.Model):
    """Valid certificates of one plan and category per issuing institution,
    for the dashboard's list of institutions: ``certificates`` (人次) and
    ``persons`` (each holder once per institution), counted over the plan's
    whole period in the region recorded on each certificate and in each of
    its ancestors. Certificates bear no future dates, so the period so far
    is the period. Kept with ``Rollup``, by ``lms.quotas.rollups``."""

    __tablename__ = "quota_institution_rollups"
    # Key order serves the read: a plan, a category, the region shown.
    __table_args__ = (PrimaryKeyConstraint("plan_id", "category", "region_path", "institution_id"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("quota_plans.id"))
    category: Mapped[str] = mapped_column(String(32))
    region_path: Mapped[str] = mapped_column(String(255))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    certificates: Mapped[int] = mapped_column(Integer, default=0)
    persons: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return (f"<InstitutionRollup {self.plan_id} {self.category} {self.region_path} {self.institution_id} "
                f"{self.persons}/{self.certificates}>")


class Learner(db.Model):
    """A person in training for a category (see ``lms.quotas.learners``),
    with the path of their region when last counted: the kept state that
    ``LearnerCount`` sums, and what a change is compared with."""

    __tablename__ = "quota_learners"
    __table_args__ = (PrimaryKeyConstraint("person_id", "category"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    category: Mapped[str] = mapped_column(String(32))
    region_path: Mapped[str] = mapped_column(String(255))

    def __repr__(self) -> str:
        return f"<Learner {self.person_id} {self.category} {self.region_path}>"


class LearnerCount(db.Model):
    """People in training per category and region — each counted in their
    region and its ancestors, so a dashboard reads one row per region shown."""

    __tablename__ = "quota_learner_counts"
    __table_args__ = (PrimaryKeyConstraint("category", "region_path"),)

    category: Mapped[str] = mapped_column(String(32))
    region_path: Mapped[str] = mapped_column(String(255))
    learners: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<LearnerCount {self.category} {self.region_path} {self.learners}>"
