"""Reads for certificates: staff lists, a trainee's own, public verification."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select

from lms.certs import signing
from lms.certs.models import Certificate, CertificateKind, CertificateStatus, PrintJob
from lms.certs.qr import check_code_matches
from lms.certs.services import signed_fields
from lms.core.access import scope_clause
from lms.core.masking import mask_name
from lms.extensions import db
from lms.people.models import Person
from lms.training.models import LEVEL_LABELS, Programme


@dataclass(frozen=True)
class CertificateFilters:
    """What staff select certificates by (for lists and print jobs)."""

    programme_code: str = ""
    region_code: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    status: str = ""

    def as_dict(self) -> dict:
        return {"programme": self.programme_code, "region": self.region_code,
                "from": self.issued_from.isoformat() if self.issued_from else "",
                "to": self.issued_to.isoformat() if self.issued_to else "", "status": self.status}


def _scoped(stmt: Select) -> Select:
    return stmt.where(scope_clause(region_path=Certificate.region_path,
                                   institution_columns=[Certificate.institution_id],
                                   user_column=Person.user_id))


def certificates_stmt(filters: CertificateFilters) -> Select:
    """Certificates in the current user's scope matching the filters, newest first."""
    stmt = _scoped(select(Certificate).join(Certificate.person))
    if filters.programme_code:
        stmt = stmt.where(Certificate.programme_id.in_(
            select(Programme.id).where(Programme.code == filters.programme_code)))
    if filters.region_code:
        # Region codes are path segments: "…/130102/" matches that county only,
        # "…/130100/" the whole unit.
        stmt = stmt.where(Certificate.region_path.contains(f"{filters.region_code}/"))
    if filters.issued_from:
        stmt = stmt.where(Certificate.issue_date >= filters.issued_from)
    if filters.issued_to:
        stmt = stmt.where(Certificate.issue_date <= filters.issued_to)
    if filters.status:
        stmt = stmt.where(Certificate.status == filters.status)
    return stmt.order_by(Certificate.requested_at.desc(), Certificate.id.desc())


def printable_ids(filters: CertificateFilters) -> list[int]:
    """Ids of the valid certificates a print job would print, in number order."""
    stmt = certificates_stmt(filters).where(Certificate.status == CertificateStatus.VALID)
    stmt = stmt.order_by(None).order_by(Certificate.number)
    return list(db.session.scalars(stmt.with_only_columns(Certificate.id)))


def print_jobs_stmt() -> Select:
    """Print jobs visible to the current user, newest first."""
    return (select(PrintJob)
            .where(scope_clause(region_path=PrintJob.region_path,
                                institution_columns=[PrintJob.institution_id]))
            .order_by(PrintJob.id.desc()))


def own_certificates(person_id: int) -> list[Certificate]:
    """A trainee's certificates (pending ones too, so they know it is coming)."""
    return list(db.session.scalars(select(Certificate).where(Certificate.person_id == person_id)
                                   .order_by(Certificate.requested_at.desc())))


def certificate_by_number(number: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.number == number))


@dataclass(frozen=True)
class PublicCertificate:
    """What the public verification page may show: masked, nothing more."""

    number: str
    status: str  # valid, revoked, superseded, or "tampered" (record signature fails)
    holder: str = ""
    id_number: str = ""
    programme: str = ""  # an award certificate's competition
    level: str = ""
    award: str = ""  # an award certificate's prize, e.g. 一等奖
    issue_date: date | None = None
    issuer: str = ""
    replaced_by: str = ""
    replaced_by_signature: str = ""


def public_view(number: str, *, signature: str = "", code: str = "") -> PublicCertificate | None:
    """The public facts of a certificate, or None unless the number comes with
    its genuine QR signature or printed check code (no enumeration of numbers)."""
    number = (number or "").strip().upper()
    if not number or len(number) > 32:
        return None
    if signature:
        genuine = signing.verify_number(number, signature)
    elif code:
        genuine = check_code_matches(number, code)
    else:
        genuine = False
    cert = certificate_by_number(number) if genuine else None
    if cert is None:
        return None
    if not signing.verify_record(signed_fields(cert), cert.signature):
        return PublicCertificate(number=number, status="tampered")
    replacement = cert.replaced_by if cert.status == CertificateStatus.SUPERSEDED else None
    return PublicCertificate(
        number=number, status=cert.status, holder=mask_name(cert.holder_name),
        id_number=cert.id_number_masked, programme=cert.programme_name,
        level=LEVEL_LABELS.get(cert.level, "") if cert.level else "",
        award=(cert.award or "") if cert.kind == CertificateKind.AWARD else "",
        issue_date=cert.issue_date, issuer=cert.issuer_name,
        replaced_by=replacement.number if replacement and replacement.number else "",
        replaced_by_signature=signing.sign_number(replacement.number) if replacement else "",
    )
