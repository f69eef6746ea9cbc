"""Open Badges 3.0: a certificate as an OpenBadgeCredential (a W3C Verifiable
Credential), signed as a VC-JWT with the certificates' Ed25519 key.

What a credential says is what the printed certificate says, from the same
signed columns and the same ``content/certs/issuer.yaml`` phrases; pending
certificates (no number yet) and rows whose record signature fails have no
credential. Everything is derived, nothing is stored: exporting the same
certificate again gives the same credential (only the JWT's ``iat`` moves).

Privacy of the holder:

* The subject is identified only by an OB 3.0 ``IdentityObject`` of type
  ``nationalIdentityNumber``: ``sha256$`` + hex SHA-256 of the ID number
  followed by a salt (the spec's "identifier and an appended salt"), so a
  verifier who is shown the ID card can check it. The salt is an HMAC of the
  certificate number (``lms.core.crypto.keyed_hash``, keyed by the ID
  encryption key, which never changes), so it differs per credential and
  re-export is stable. A hash does not hide an 18-digit ID number from
  someone who holds the credential and tries every plausible number; that is
  why the credential carries neither the masked ID number (which would leave
  only the birth date and a few digits to guess) nor the holder's name (the
  verifier learns the name from the person presenting it), and why it is
  given to the holder only, never published.
* Ids are opaque: the credential is ``urn:uuid:…`` (an HMAC of the number),
  so the public revocation list names no certificate numbers and nothing can
  be enumerated from it; ``credentialSubject.id`` (the JWT's ``sub``) is a
  second such id per credential, so two credentials of one holder do not
  share an identifier.

The level (e.g. 四级/中级工) is given as the achievement's ``tag``; the
programme code as its ``humanCode``; hours (标准学时, not semester credits)
as ``creditsAvailable`` and ``creditsEarned``, only when the certificate
states them.
"""

import hashlib
import uuid
from datetime import datetime, time

from cryptography.hazmat.primitives import serialization
from flask import current_app
from joserfc import jwt
from joserfc.jwa import EdDSAAlgorithm
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry
from sqlalchemy import select

from lms.certs import signing
from lms.certs.documents import award_statement, completion_statement, template_folder
from lms.certs.models import Certificate, CertificateKind, CertificateStatus
from lms.certs.pdf import issuer_settings
from lms.certs.qr import base_url, verification_url
from lms.certs.services import signed_fields
from lms.core.crypto import keyed_hash
from lms.core.masking import mask_id_number
from lms.core.time import as_utc, local_zone, utcnow
from lms.extensions import db
from lms.training.models import LEVEL_LABELS

CONTEXT = ["https://www.w3.org/ns/credentials/v2",
           "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
MEDIA_TYPE = "application/jwt"
ALGORITHM = "EdDSA"
EXPORTABLE = (CertificateStatus.VALID, CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED)
# Why a credential is on the revocation list. Fixed texts: the staff's own
# reason may name the holder ("name corrected from …") and the list is public.
REVOCATION_REASONS = {
    CertificateStatus.REVOKED: "Revoked by the issuer.",
    CertificateStatus.SUPERSEDED: "Superseded: replaced by a reissued certificate with a new number.",
}


class NoCredential(LookupError):
    """This certificate cannot be exported: pending (no number), or its record
    no longer matches its signature or its holder (a row edited in the database
    must not come out freshly signed)."""


class _EdDSA(EdDSAAlgorithm):
    # Open Badges 3.0 and VC-JWT verifiers know Ed25519 signatures as "EdDSA";
    # RFC 9864's new name "Ed25519" is the same signature but not yet widely
    # understood, so joserfc's deprecation warning does not apply here.
    security_warning = None


class _Registry(JWSRegistry):
    algorithms = {**JWSRegistry.algorithms, ALGORITHM: _EdDSA()}


_REGISTRY = _Registry(algorithms=[ALGORITHM])


def _url(endpoint: str, **values) -> str:
    # The public base (LMS_CERTS_VERIFY_BASE_URL, else the request's host) as the
    # QR codes use it, so that the web page, the API and the CLI give the same ids.
    return base_url() + current_app.url_map.bind("localhost").build(endpoint, values)


def _urn(cert_number: str, purpose: bytes) -> str:
    return f"urn:uuid:{uuid.UUID(hex=keyed_hash(cert_number, context=purpose)[:32], version=4)}"


def credential_id(cert: Certificate) -> str:
    """The credential's stable, opaque id (``urn:uuid:…``), as the JWT's
    ``jti`` and the revocation list name it."""
    return _urn(cert.number, b"certs.ob3.credential")


def issuer_id() -> str:
    """The URL of the issuer profile (``certs.issuer_profile``)."""
    return _url("certs.issuer_profile")


def revocation_list_url() -> str:
    """The URL of the revocation list (``certs.revocations``)."""
    return _url("certs.revocations")


def _instant(cert: Certificate) -> datetime:
    moment = as_utc(cert.issued_at)
    if moment is None:  # rows imported without an issue time: the start of the issue date
        moment = as_utc(datetime.combine(cert.issue_date, time(0), local_zone()))
    return moment.replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _holder_id_number(cert: Certificate) -> str:
    id_number = cert.person.reveal_id_number()
    if mask_id_number(id_number) != cert.id_number_masked:
        # The person row was changed (or the certificate moved to another
        # person) since issue: the hash would name someone the certificate was
        # not issued to. A reissue prints the current registry data.
        raise NoCredential("the holder's ID number no longer matches the certificate")
    return id_number


def _exportable(cert: Certificate) -> None:
    if not cert.number or cert.status not in EXPORTABLE:
        raise NoCredential("only a numbered certificate has a credential")
    if not signing.verify_record(signed_fields(cert), cert.signature):
        raise NoCredential("the certificate's record does not match its signature")


def _achievement(cert: Certificate, settings: dict) -> dict:
    statements = settings["statements"]
    title = settings["titles"][cert.kind]
    programme = cert.programme
    if cert.kind == CertificateKind.AWARD:
        name = f"{cert.programme_name}{cert.award or ''}"  # e.g. …职业技能大赛一等奖
        key = f"award/{cert.programme_name}/{cert.award or ''}"
        description = " · ".join([title, cert.programme_name, cert.award or ""])
        narrative = award_statement(statements, event=cert.programme_name, award=cert.award)
    else:
        name = cert.programme_name
        key = f"programme/{programme.code if programme else cert.programme_name}"
        level = LEVEL_LABELS.get(cert.level, "") if cert.level else ""
        hours = statements["hours_value"].format(hours=cert.hours) if cert.hours else ""
        description = " · ".join(part for part in (title, settings["occupation"], level, hours) if part)
        narrative = completion_statement(statements, hours=cert.hours,
                                         assessed=bool(programme and programme.has_exam))
    achievement = {
        # Shared by every holder of the same programme (or prize): a name-based UUID.
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{issuer_id()}#{key}')}",
        "type": ["Achievement"],
        "achievementType": "Award" if cert.kind == CertificateKind.AWARD else "Certificate",
        "name": name,
        "description": description,
        "criteria": {"narrative": narrative},
        "fieldOfStudy": settings["occupation"],
    }
    if programme is not None:
        achievement["humanCode"] = programme.code
    if cert.level:
        achievement["tag"] = [LEVEL_LABELS[cert.level]]
    if cert.hours:
        achievement["creditsAvailable"] = cert.hours
    return achievement


def _identity(cert: Certificate) -> dict:
    salt = keyed_hash(cert.number, context=b"certs.ob3.salt")[:32]
    digest = hashlib.sha256((_holder_id_number(cert) + salt).encode("utf-8")).hexdigest()
    return {"type": "IdentityObject", "identityType": "nationalIdentityNumber", "hashed": True,
            "identityHash": f"sha256${digest}", "salt": salt}


def credential(cert: Certificate) -> dict:
    """The OpenBadgeCredential of a numbered certificate (valid, revoked or
    superseded: its status is told by the revocation list, not by the
    credential). Raises ``NoCredential`` for a pending certificate or one
    whose record fails its signature or no longer matches its holder."""
    _exportable(cert)
    settings = issuer_settings(str(template_folder()))
    subject = {
        "id": _urn(cert.number, b"certs.ob3.subject"),
        "type": ["AchievementSubject"],
        "identifier": [_identity(cert)],
        "achievement": _achievement(cert, settings),
    }
    if cert.hours:
        subject["creditsEarned"] = cert.hours
    title = settings["titles"][cert.kind]
    return {
        "@context": list(CONTEXT),
        "id": credential_id(cert),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{title} · {subject['achievement']['name']}",
        "issuer": {"id": issuer_id(), "type": ["Profile"], "name": cert.issuer_name},
        "validFrom": _iso(_instant(cert)),
        "credentialSubject": subject,
        # The public verification page (what the printed QR code opens): the
        # number, its live status, the masked name, for a person checking by eye.
        "evidence": [{"id": verification_url(cert.number), "type": ["Evidence"], "name": cert.number}],
        "credentialStatus": {"id": revocation_list_url(), "type": "1EdTechRevocationList"},
    }


def _private_jwk() -> OKPKey:
    return OKPKey.import_key(signing.private_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def credential_jwt(cert: Certificate) -> str:
    """The credential as a VC-JWT (compact JWS, OB 3.0 §8.2): the credential's
    fields as the payload plus ``iss`` (issuer id), ``jti`` (credential id),
    ``sub`` (subject id), ``nbf`` (validFrom) and ``iat`` (now), signed
    EdDSA (Ed25519) with the certificates' key; ``kid`` is ``signing.key_id()``,
    the key's id in ``jwks()``. Raises ``NoCredential`` like ``credential``."""
    body = credential(cert)
    claims = body | {"iss": body["issuer"]["id"], "jti": body["id"], "sub": body["credentialSubject"]["id"],
                     "nbf": int(_instant(cert).timestamp()), "iat": int(utcnow().timestamp())}
    header = {"alg": ALGORITHM, "kid": signing.key_id(), "typ": "JWT"}
    return jwt.encode(header, claims, _private_jwk(), algorithms=[ALGORITHM], registry=_REGISTRY)


def jwks() -> dict:
    """The public key as a JSON Web Key Set (what ``/.well-known/jwks.json`` serves)."""
    key = OKPKey.import_key(signing.public_key_pem())
    return {"keys": [key.as_dict(private=False, kid=signing.key_id(), use="sig", alg=ALGORITHM)]}


def issuer_profile() -> dict:
    """The issuer profile every credential's ``issuer.id`` points to: the body
    that holds the signing key (``issuer.yaml``'s evaluation body). A
    credential's ``issuer.name`` is the name printed on that certificate (a
    training institution, a competition's organiser); all are signed with this
    one key."""
    settings = issuer_settings(str(template_folder()))
    return {"@context": list(CONTEXT), "id": issuer_id(), "type": ["Profile"],
            "name": settings["evaluation_body_name"], "url": base_url()}


def revocation_list() -> dict:
    """The 1EdTech revocation list: the credential ids of every revoked or
    superseded certificate, with a fixed reason. Superseded certificates are
    listed too: a reissue replaces the old paper (lost, damaged, name
    corrected), so its credential must not pass as current either; the
    holder exports the new certificate's credential."""
    rows = db.session.execute(
        select(Certificate.number, Certificate.status)
        .where(Certificate.status.in_(list(REVOCATION_REASONS)), Certificate.number.is_not(None))
        .order_by(Certificate.number))
    revoked = [{"id": _urn(number, b"certs.ob3.credential"), "revocationReason": REVOCATION_REASONS[status]}
               for number, status in rows]
    return {"id": revocation_list_url(), "issuer": issuer_id(), "revokedCredentials": revoked}


def download_name(cert: Certificate) -> str:
    """The file name a downloaded VC-JWT gets."""
    return f"openbadge-{cert.number}.jwt"
