"""Region tree and institutions."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.time import utcnow
from lms.extensions import db


class RegionLevel(StrEnum):
    PROVINCE = "province"
    UNIT = "unit"  # allocation unit: a prefecture city, a province-administered city, 雄安新区
    COUNTY = "county"


class Region(db.Model):
    """A node of the administrative tree, identified by its GB/T 2260 code.

    ``path`` is the chain of codes from the province down ("130000/130100/"),
    so that "everything under a region" is a prefix match on one indexed column.
    """

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    population: Mapped[int | None] = mapped_column(Integer)
    population_60_plus: Mapped[int | None] = mapped_column(Integer)
    is_population_estimated: Mapped[bool] = mapped_column(default=False)
    population_source: Mapped[str] = mapped_column(String(255), default="")

    parent: Mapped["Region | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Region"]] = relationship(
        back_populates="parent", order_by="Region.sort_order"
    )

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"

    @property
    def scope_region_path(self) -> str:
        return self.path

    def contains(self, other: "Region") -> bool:
        """True when ``other`` is this region or lies below it."""
        return other.path.startswith(self.path)


class InstitutionKind(StrEnum):
    CARE_HOME = "care_home"  # 养老机构
    TRAINING_PROVIDER = "training_provider"  # 培训机构
    COMMUNITY_CENTRE = "community_centre"  # 社区养老服务中心
    VOCATIONAL_COLLEGE = "vocational_college"  # 职业院校


class Institution(db.Model):
    """A care home, training provider, community centre or vocational college."""

    __tablename__ = "institutions"
    __table_args__ = (CheckConstraint("grade IS NULL OR grade BETWEEN 1 AND 5", name="grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    grade: Mapped[int | None] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    region: Mapped[Region] = relationship()

    def __repr__(self) -> str:
        return f"<Institution {self.id} {self.name}>"

    @property
    def scope_region_path(self) -> str:
        return self.region.path

    @property
    def scope_institution_ids(self) -> set[int]:
        return {self.id}


class InstitutionScoped:
    """Mixin for a model owned by an institution (``institution`` and
    ``institution_id``): inside the scope of that institution's staff and of
    civil affairs whose region contains it."""

    @property
    def scope_region_path(self) -> str:
        return self.institution.region.path

    @property
    def scope_institution_ids(self) -> set[int]:
        return {self.institution_id}
