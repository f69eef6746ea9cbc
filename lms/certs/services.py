"""Writes for certificates: issue, approve, revoke, reissue, and entering one
given before records were kept here. Flush, never commit.

A number is allocated and the certificate signed in the same transaction
that makes it valid; if that transaction rolls back, the number goes with it
and was never given to anyone.
"""

from datetime import date

from flask import current_app

from lms.auth.models import User
from lms.certs import numbering, pdf, signing
from lms.certs.documents import template_folder
from lms.certs.eligibility import Evidence, require_eligible
from lms.certs.models import Certificate, CertificateKind, CertificateStatus
from lms.core import audit
from lms.core.masking import mask_name
from lms.core.time import local_today, utcnow
from lms.extensions import db
from lms.people.models import Person
from lms.quotas import rollups
from lms.regions.models import Institution
from lms.training.models import Programme
from lms.training.queries import evidenced_hours


class CertificateStateError(ValueError):
    """The certificate is not in a state that allows this action."""


AWARD_CATEGORY = "award"
# The columns' lengths: refused with a message naming the field, not cut short.
AWARD_LIMITS = {"event_name": 128, "prize": 32, "issuer_name": 128}


def needs_approval(programme: Programme) -> bool:
    """True when the programme's certificates wait for civil-affairs approval."""
    codes = {c.strip() for c in current_app.config["CERTS_APPROVAL_PROGRAMMES"].split(",")}
    return programme.code in codes


def signed_fields(cert: Certificate) -> dict:
    """The fields the record signature covers (see ``signing.canonical_form``)."""
    fields = {
        "number": cert.number, "kind": cert.kind, "holder_name": cert.holder_name,
        "id_number_masked": cert.id_number_masked, "programme_name": cert.programme_name,
        "programme_category": cert.programme_category, "level": cert.level, "hours": cert.hours,
        "issuer_name": cert.issuer_name,
        "issue_date": cert.issue_date.isoformat() if cert.issue_date else None,
        "replaces": cert.replaces.number if cert.replaces else None,
    }
    # The prize is printed on award certificates only, so only they sign it.
    # Keyed on the (signed) kind rather than added for every certificate: the
    # certificates signed before the column existed have no "award" in their
    # canonical form, and adding "award": null to it would break every one of
    # their signatures. Changing the kind in the database fails verification
    # either way, because the kind itself is signed.
    if cert.kind == CertificateKind.AWARD:
        fields["award"] = cert.award
    return fields


def _audit_values(cert: Certificate) -> dict:
    # Masked: the audit log never holds a name or ID number in full.
    values = {"number": cert.number, "status": cert.status, "holder": mask_name(cert.holder_name),
              "id_number": cert.id_number_masked, "programme": cert.programme.code if cert.programme else None,
              "region": cert.region_code}
    if cert.kind == CertificateKind.AWARD:
        values |= {"event": cert.programme_name, "award": cert.award}
    return values


def _issuer_name(kind: str, institution: Institution | None) -> str:
    if kind == CertificateKind.TRAINING and institution is not None:
        return institution.name
    return pdf.issuer_settings(str(template_folder()))["evaluation_body_name"]


def _new_certificate(person: Person, *, kind: CertificateKind, programme: Programme | None,
                     category: str, level: int | None, programme_name: str, hours: int | None,
                     issuer_name: str, institution: Institution | None, requested_by: User | None,
                     note: str, replaces: Certificate | None, award: str | None = None) -> Certificate:
    """The one place a certificate row is made: pending, with the holder's
    registry data (name, masked ID number, region) copied as it is today."""
    return Certificate(
        kind=kind, status=CertificateStatus.PENDING, person=person, programme=programme,
        institution_id=institution.id if institution else None,
        programme_category=category, level=level,
        region_code=person.region.code, region_path=person.region.path,
        holder_name=person.name, id_number_masked=person.id_number_masked,
        programme_name=programme_name, hours=hours, award=award,
        issuer_name=issuer_name, decision_note=note.strip(),
        requested_by_id=requested_by.id if requested_by else None, requested_at=utcnow(),
        replaces=replaces,
    )


def _draft(person: Person, programme: Programme, *, institution: Institution | None,
           requested_by: User | None, note: str, hours: int | None,
           replaces: Certificate | None = None) -> Certificate:
    kind = CertificateKind(programme.certificate_kind)
    return _new_certificate(
        person, kind=kind, programme=programme, category=programme.category, level=programme.level,
        programme_name=programme.name, hours=hours, issuer_name=_issuer_name(kind, institution),
        institution=institution, requested_by=requested_by, note=note, replaces=replaces)


def _award_draft(person: Person, *, event_name: str, prize: str, issuer_name: str,
                 requested_by: User | None, note: str, replaces: Certificate | None = None) -> Certificate:
    values = {"event_name": (event_name or "").strip(), "prize": (prize or "").strip(),
              "issuer_name": (issuer_name or "").strip(), "basis": (note or "").strip()}
    empty = [name for name, value in values.items() if not value]
    if empty:
        raise ValueError(f"an award certificate needs a non-empty {', '.join(empty)}")
    too_long = [name for name, limit in AWARD_LIMITS.items() if len(values[name]) > limit]
    if too_long:
        raise ValueError(f"too long for an award certificate: {', '.join(too_long)} "
                         f"(at most {', '.join(str(AWARD_LIMITS[name]) for name in too_long)} characters)")
    # No programme and no level; the category "award" has no quota targets,
    # so the dashboards never count a prize as a trained person.
    return _new_certificate(
        person, kind=CertificateKind.AWARD, programme=None, category=AWARD_CATEGORY, level=None,
        programme_name=values["event_name"], hours=None, issuer_name=values["issuer_name"],
        institution=None, requested_by=requested_by, note=values["basis"], replaces=replaces,
        award=values["prize"])


def _finalise(cert: Certificate, *, approved_by: User | None, on: date | None = None) -> None:
    """Number, date (today, or ``on``) and signatures: the step that makes a
    certificate valid."""
    cert.issue_date = on or local_today()
    cert.number = numbering.allocate_number(cert.kind, category=cert.programme_category,
                                            level=cert.level, on=cert.issue_date)
    cert.status = CertificateStatus.VALID
    cert.issued_at = utcnow()
    cert.approved_by_id = approved_by.id if approved_by else None
    cert.signature = signing.sign_record(signed_fields(cert))
    cert.key_id = signing.key_id()
    db.session.flush()  # the unique constraint on number is checked here, not at commit


def issue_certificate(person: Person, programme: Programme, *, issued_by: User | None,
                      institution: Institution | None, evidence: Evidence) -> Certificate:
    """Issue a certificate to a person who has met the programme's requirements.

    Raises ``NotEligible`` naming every unmet requirement. For programmes with
    a civil-affairs approval step the certificate waits (status pending, no
    number) until ``approve_certificate``.
    """
    require_eligible(person, programme, evidence)
    # Hours are printed only when the recorded training covers them.
    cert = _draft(person, programme, institution=institution, requested_by=issued_by,
                  note=evidence.note, hours=evidenced_hours(person, programme))
    db.session.add(cert)
    if needs_approval(programme):
        db.session.flush()
        audit.record("certificate.requested", cert, actor=issued_by,
                     new=_audit_values(cert) | {"basis": evidence.note})
        return cert
    _finalise(cert, approved_by=None)
    rollups.certificate_validated(cert)
    audit.record("certificate.issued", cert, actor=issued_by,
                 new=_audit_values(cert) | {"basis": evidence.note})
    return cert


def issue_award_certificate(person: Person, *, event_name: str, prize: str, issuer_name: str,
                            issued_by: User | None, basis: str) -> Certificate:
    """Issue a 获奖证书: ``prize`` (e.g. "一等奖") won at the competition
    ``event_name``, awarded by ``issuer_name`` (the organising body).

    Valid at once — the competition's published results are the decision, so
    there is no eligibility check and no approval step — with a JS13AW…
    number and the same signatures, verification, revocation and reissue as
    every other certificate. ``basis`` (e.g. the results' reference) is kept
    as the decision note and in the audit log. Raises ValueError naming any
    empty or too long value; nothing is written then.
    """
    cert = _award_draft(person, event_name=event_name, prize=prize, issuer_name=issuer_name,
                        requested_by=issued_by, note=basis)
    db.session.add(cert)
    _finalise(cert, approved_by=None)
    rollups.certificate_validated(cert)  # counts nothing: an award has no programme category
    audit.record("certificate.issued", cert, actor=issued_by,
                 new=_audit_values(cert) | {"award": cert.award, "basis": cert.decision_note})
    return cert


def approve_certificate(cert: Certificate, *, approved_by: User) -> Certificate:
    """Civil affairs approve a pending certificate: it gets its number and signature."""
    if cert.status != CertificateStatus.PENDING:
        raise CertificateStateError("not pending")
    _finalise(cert, approved_by=approved_by)
    rollups.certificate_validated(cert)
    audit.record("certificate.approved", cert, actor=approved_by,
                 old={"status": CertificateStatus.PENDING}, new=_audit_values(cert))
    return cert


def revoke_certificate(cert: Certificate, *, reason: str, by: User | None) -> Certificate:
    """Revoke a valid certificate. The verification page shows it as revoked."""
    if cert.status != CertificateStatus.VALID or not reason.strip():
        raise CertificateStateError("only a valid certificate can be revoked, with a reason")
    old = _audit_values(cert)
    cert.status, cert.status_reason, cert.revoked_at = CertificateStatus.REVOKED, reason.strip(), utcnow()
    db.session.flush()
    rollups.certificate_invalidated(cert)
    audit.record("certificate.revoked", cert, actor=by, old=old,
                 new=_audit_values(cert) | {"reason": cert.status_reason})
    return cert


def reissue_certificate(cert: Certificate, *, reason: str, by: User | None) -> Certificate:
    """Replace a valid certificate (lost, damaged, name corrected): the new one
    gets a new number and links to the old, which becomes superseded. The
    holder's current registry data is printed on the new one; an award keeps
    its competition, prize and issuer."""
    is_award = cert.kind == CertificateKind.AWARD
    if cert.status != CertificateStatus.VALID or not reason.strip() or (cert.programme is None and not is_award):
        raise CertificateStateError("only a valid certificate can be reissued, with a reason")
    old = _audit_values(cert)
    if is_award:
        new = _award_draft(cert.person, event_name=cert.programme_name, prize=cert.award or "",
                           issuer_name=cert.issuer_name, requested_by=by, note=reason, replaces=cert)
    else:
        institution = db.session.get(Institution, cert.institution_id) if cert.institution_id else None
        new = _draft(cert.person, cert.programme, institution=institution, requested_by=by,
                     note=reason, hours=cert.hours, replaces=cert)
    cert.status, cert.status_reason = CertificateStatus.SUPERSEDED, reason.strip()
    db.session.add(new)
    _finalise(new, approved_by=None)
    rollups.certificate_replaced(cert, new)
    audit.record("certificate.superseded", cert, actor=by, old=old,
                 new=_audit_values(cert) | {"reason": cert.status_reason, "replaced_by": new.number})
    audit.record("certificate.reissued", new, actor=by,
                 new=_audit_values(new) | {"replaces": cert.number, "reason": cert.status_reason})
    return new


def record_earlier_certificate(person: Person, programme: Programme, *, issued_on: date,
                               institution: Institution | None, note: str, by: User | None) -> Certificate:
    """Enter a certificate the person was given before their records were kept
    here (e.g. a 五级 certificate from an earlier assessment), so it can be
    verified like any other: numbered for its year, signed, counted on the
    dashboard at its own date. ``note`` says where the record comes from;
    audited. Refuses a date in the future or an empty note."""
    if issued_on > local_today() or not note.strip():
        raise CertificateStateError("an earlier certificate needs a past date and where it was recorded from")
    cert = _draft(person, programme, institution=institution, requested_by=by, note=note, hours=None)
    db.session.add(cert)
    _finalise(cert, approved_by=None, on=issued_on)
    rollups.certificate_validated(cert)
    audit.record("certificate.recorded", cert, actor=by, new=_audit_values(cert) | {"basis": cert.decision_note})
    return cert
