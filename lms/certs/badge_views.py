"""Open Badges 3.0 (``badges.py``): the public key set, revocation list and
issuer profile a verifier fetches, and the VC-JWT download for the holder
and for staff."""

from flask import Response, abort, jsonify

from lms.certs import badges
from lms.certs.blueprint import bp
from lms.certs.models import Certificate, CertificateStatus
from lms.core.access import PUBLIC, Role, allow, get_in_scope_or_404
from lms.core.downloads import attachment

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)


def _public_json(data: dict, *, max_age: int) -> Response:
    response = jsonify(data)
    # Public data, fetched by verifiers' servers and by wallets in a browser.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


@bp.get("/.well-known/jwks.json")
@allow(PUBLIC)
def jwks():
    return _public_json(badges.jwks(), max_age=3600)


@bp.get("/certificates/revocations")
@allow(PUBLIC)
def revocations():
    # Short-lived: a revocation must reach verifiers within minutes.
    return _public_json(badges.revocation_list(), max_age=60)


@bp.get("/certificates/issuer")
@allow(PUBLIC)
def issuer_profile():
    return _public_json(badges.issuer_profile(), max_age=3600)


def _badge_response(cert_id: int) -> Response:
    # Scoped like the PDF: a certificate out of scope, not valid, or whose
    # record fails its checks is a 404.
    cert = get_in_scope_or_404(Certificate, cert_id)
    if cert.status != CertificateStatus.VALID:
        abort(404)
    try:
        token = badges.credential_jwt(cert)
    except badges.NoCredential:
        abort(404)
    return attachment(token.encode("ascii"), badges.download_name(cert), badges.MEDIA_TYPE)


@bp.get("/me/certificates/<int:cert_id>/badge.jwt")
@allow(Role.TRAINEE)
def my_badge(cert_id: int):
    return _badge_response(cert_id)


@bp.get("/certificates/<int:cert_id>/badge.jwt")
@allow(*STAFF)
def badge(cert_id: int):
    return _badge_response(cert_id)
