"""Certificates, their number sequences, and print jobs' chunks."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.jobs import Job
from lms.core.time import utcnow
from lms.extensions import db
from lms.people.models import Person
from lms.training.models import Programme


class CertificateKind(StrEnum):
    SKILL_LEVEL = "skill_level"  # 职业技能等级证书: the national 22-character number
    TRAINING = "training"  # 培训合格证书: the project's own number
    AWARD = "award"  # 获奖证书: a competition's prize, issued by ``issue_award_certificate``


class CertificateStatus(StrEnum):
    PENDING = "pending"  # waiting for civil-affairs approval: no number yet
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"  # replaced by a reissue, which links back to it


class Certificate(db.Model):
    """An issued certificate.

    What is printed is copied here at issue time (holder's name, masked ID
    number, programme or competition, level or prize, issuer), so that a
    later edit of the person or programme does not silently change a
    certificate; the signature covers exactly these fields (see
    ``signing.canonical_form``). Programme category and the holder's region
    are recorded too: quotas count from them (an award's category, "award",
    has no targets).
    """

    __tablename__ = "certificates"
    # What the quotas dashboard filters and groups by, in one covering index.
    __table_args__ = (Index("ix_certificates_progress", "programme_category", "status", "issue_date",
                            "region_path", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL until approved (programmes with an approval step); unique once set.
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=CertificateStatus.VALID, index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    programme_category: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[int | None] = mapped_column(Integer)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    region_path: Mapped[str] = mapped_column(String(255), index=True)

    holder_name: Mapped[str] = mapped_column(String(64))
    id_number_masked: Mapped[str] = mapped_column(String(18))
    programme_name: Mapped[str] = mapped_column(String(128))
    hours: Mapped[int | None] = mapped_column(Integer)
    issuer_name: Mapped[str] = mapped_column(String(128))
    # The prize an award certificate (获奖证书) states, e.g. "一等奖"; NULL for other
    # kinds. Its programme_name is the competition's name.
    award: Mapped[str | None] = mapped_column(String(32))
    issue_date: Mapped[date | None] = mapped_column(Date, index=True)

    signature: Mapped[str] = mapped_column(String(128), default="")
    key_id: Mapped[str] = mapped_column(String(16), default="")

    decision_note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), unique=True)

    person: Mapped[Person] = relationship()
    programme: Mapped[Programme | None] = relationship()
    replaces: Mapped["Certificate | None"] = relationship(
        remote_side=[id], foreign_keys=[replaces_id], back_populates="replaced_by")
    replaced_by: Mapped["Certificate | None"] = relationship(
        foreign_keys=[replaces_id], back_populates="replaces", uselist=False)

    def __repr__(self) -> str:
        return f"<Certificate {self.id} {self.number or 'pending'} {self.status}>"

    # Scope: the holder's region at issue time, the issuing institution, the holder.
    @property
    def scope_region_path(self) -> str:
        return self.region_path

    @property
    def scope_institution_ids(self) -> set[int]:
        return {self.institution_id} if self.institution_id else set()

    @property
    def scope_user_ids(self) -> set[int]:
        return {self.person.user_id} if self.person.user_id else set()


class NumberSequence(db.Model):
    """The last sequence number used under one number prefix.

    Incremented with a single UPDATE inside the issuing transaction: the row
    lock serialises concurrent issuers, and a rolled-back issue takes its
    increment with it, so no number is ever handed to two people.
    """

    __tablename__ = "certificate_number_sequences"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(24), unique=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<NumberSequence {self.prefix} {self.last_value}>"


class PrintJob(db.Model):
    """A staff print run: which certificates (chosen by filters), whose scope it
    belongs to, and the generic job that tracks its progress."""

    __tablename__ = "certificate_print_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), unique=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The scope of the staff member who started it: others in that scope may see it.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    region_path: Mapped[str | None] = mapped_column(String(255), index=True)
    filters: Mapped[str] = mapped_column(Text, default="")  # JSON, for the page
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    job: Mapped[Job] = relationship(lazy="joined")
    chunks: Mapped[list["PrintChunk"]] = relationship(
        back_populates="print_job", order_by="PrintChunk.position", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<PrintJob {self.id} job={self.job_id}>"

    @property
    def scope_region_path(self) -> str | None:
        return self.region_path

    @property
    def scope_institution_ids(self) -> set[int]:
        return {self.institution_id} if self.institution_id else set()


class PrintChunk(db.Model):
    """One PDF file of a print job: a fixed list of certificates, decided when
    the job is created, so that a resumed job prints exactly the same pages."""

    __tablename__ = "certificate_print_chunks"
    __table_args__ = (UniqueConstraint("print_job_id", "position",
                                       name="uq_certificate_print_chunks_job_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    print_job_id: Mapped[int] = mapped_column(ForeignKey("certificate_print_jobs.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    certificate_ids: Mapped[str] = mapped_column(Text)  # JSON list, in print order
    count: Mapped[int] = mapped_column(Integer)
    is_done: Mapped[bool] = mapped_column(default=False)

    print_job: Mapped[PrintJob] = relationship(back_populates="chunks")

    def __repr__(self) -> str:
        return f"<PrintChunk {self.print_job_id}#{self.position} done={self.is_done}>"
