"""Training programmes: what a person is trained and certified for."""

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db

MINUTES_PER_HOUR = 45  # 1 标准学时 (standard study hour)

# 职业技能等级 labels, as printed on certificates (national standard wording).
LEVEL_LABELS = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}


class Programme(db.Model):
    """A programme from content/programs.yaml (e.g. CG-4: caregiver level 4).

    ``hours`` are 标准学时; pass marks are points out of 100, None where the
    programme has no such assessment. ``certificate`` is the kind issued:
    ``skill_level`` (职业技能等级证书) or ``training`` (培训合格证书).
    """

    __tablename__ = "programmes"
    __table_args__ = (CheckConstraint("level IS NULL OR level BETWEEN 1 AND 5", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[int | None] = mapped_column(Integer)
    hours: Mapped[int] = mapped_column(Integer)
    certificate_kind: Mapped[str] = mapped_column(String(16))
    theory_pass_mark: Mapped[int | None] = mapped_column(Integer)
    practical_pass_mark: Mapped[int | None] = mapped_column(Integer)
    needs_review: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Programme {self.code}>"

    @property
    def level_label(self) -> str | None:
        return LEVEL_LABELS.get(self.level) if self.level else None

    @property
    def has_exam(self) -> bool:
        return self.theory_pass_mark is not None or self.practical_pass_mark is not None
