"""People (学员) and the categories they train in."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.core.crypto import decrypt_text
from lms.core.time import utcnow
from lms.extensions import db
from lms.regions.models import Institution, Region

ID_NUMBER_CONTEXT = b"person.id_number"


class Category(StrEnum):
    CAREGIVER = "caregiver"  # 养老护理员
    INSTITUTION_HEAD = "institution_head"  # 养老机构负责人
    FAMILY_CAREGIVER = "family_caregiver"  # 家庭照护者
    SOCIAL_WORKER = "social_worker"  # 老年社会工作者


class Person(db.Model):
    """A trainee, keyed by resident ID number.

    The number itself is stored only encrypted (AES-GCM); ``id_number_hash``
    (a keyed HMAC) finds a person by number and makes the registry refuse a
    second record for the same person. ``id_number_masked`` is what pages show.
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    id_number_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    phone: Mapped[str] = mapped_column(String(11))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    registered_by_institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    region: Mapped[Region] = relationship(lazy="joined")
    employer: Mapped[Institution | None] = relationship(foreign_keys=[employer_id])
    registered_by_institution: Mapped[Institution | None] = relationship(
        foreign_keys=[registered_by_institution_id]
    )
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    category_rows: Mapped[list["PersonCategory"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Person {self.id}>"

    @property
    def categories(self) -> list[str]:
        return sorted(row.category for row in self.category_rows)

    def reveal_id_number(self) -> str:
        """The full number, for the few places that must print it (certificates)."""
        return decrypt_text(self.id_number_encrypted, context=ID_NUMBER_CONTEXT)

    @property
    def scope_region_path(self) -> str:
        return self.region.path

    @property
    def scope_institution_ids(self) -> set[int]:
        return {i for i in (self.employer_id, self.registered_by_institution_id) if i}

    @property
    def scope_user_ids(self) -> set[int]:
        return {self.user_id} if self.user_id else set()


class PersonCategory(db.Model):
    """A category a person trains in (a person may have several)."""

    __tablename__ = "person_categories"
    __table_args__ = (UniqueConstraint("person_id", "category", name="uq_person_categories_person_category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))

    person: Mapped[Person] = relationship(back_populates="category_rows")

    def __repr__(self) -> str:
        return f"<PersonCategory {self.person_id} {self.category}>"
