"""The API's endpoints (/api/v1). Thin: arguments come validated from the
schemas, the client and its scope from ``api_call``, the data from
``lms.api.queries``; another region's object is a 404, as if it did not exist.
"""

from flask import g, url_for
from flask_smorest import abort

from lms.api import queries
from lms.api.auth import api_call
from lms.api.blueprint import bp
from lms.api.schemas import (
    CertificateDetailSchema,
    ChangesArgs,
    ChangesPageSchema,
    CredentialSchema,
    LookupArgs,
    PersonRecordSchema,
    ProgressArgs,
    ProgressSchema,
)
from lms.certs import badges
from lms.certs.models import CertificateStatus
from lms.core.access import PUBLIC, allow
from lms.core.time import local_today
from lms.quotas import queries as quotas

ERRORS = {401: "No token, or an unknown or revoked one", 404: "Not found, or outside the token's region",
          422: "Invalid arguments", 429: "The client's rate limit is exceeded"}


def _documented(*codes: int):
    def decorate(view):
        for code in codes:
            view = bp.alt_response(code, description=ERRORS[code])(view)
        return view

    return decorate


def _not_found():
    # The same answer for "no such thing" and "not yours": nothing to probe.
    abort(404, message="Not found.")


def _number(text: str) -> str:
    number = (text or "").strip().upper()
    if not number or len(number) > 32:
        _not_found()
    return number


@bp.route("/certificates/<number>", methods=["GET"])
@allow(PUBLIC)
@api_call
@_documented(401, 404, 429)
@bp.response(200, CertificateDetailSchema)
def certificate(number: str):
    """A certificate by its number

    Status (valid, revoked, superseded), holder (masked), programme, issue
    date, revocation and the numbers of a reissue. A certificate waiting for
    approval has no number yet and does not exist here.
    """
    found = queries.certificate_facts(_number(number), g.api_region_path)
    if found is None:
        _not_found()
    g.api_count = 1
    return found[1]


@bp.route("/certificates/<number>/credential", methods=["GET"])
@allow(PUBLIC)
@api_call
@_documented(401, 404, 429)
@bp.response(200, CredentialSchema)
def credential(number: str):
    """A certificate's Open Badges 3.0 credential

    The `OpenBadgeCredential` of a valid certificate, signed as a VC-JWT
    with the certificates' Ed25519 key (verify with `/.well-known/jwks.json`;
    its `credentialStatus` points at the revocation list). The same
    credential the holder downloads. A revoked or superseded certificate has
    none (404); its number still answers at `/certificates/{number}`.
    """
    found = queries.certificate_facts(_number(number), g.api_region_path)
    if found is None or found[0].status != CertificateStatus.VALID:
        _not_found()
    try:
        token = badges.credential_jwt(found[0])
    except badges.NoCredential:  # the record no longer matches its signature
        _not_found()
    g.api_count = 1
    return {"number": found[0].number, "media_type": badges.MEDIA_TYPE, "credential": token}


@bp.route("/certificates", methods=["GET"])
@allow(PUBLIC)
@api_call
@_documented(401, 404, 422, 429)
@bp.arguments(ChangesArgs, location="query", as_kwargs=True)
@bp.response(200, ChangesPageSchema)
def certificates(since, page_size, region=None, cursor=None):
    """Certificates issued, revoked or reissued since a time

    In the token's region (or the `region` within it), ordered by change time
    then id; each certificate appears once, in its current state. Pages are
    keyset-paged: follow `next` (or pass `next_cursor` as `cursor`) until it
    is null. To keep in step, store the `changed_at` of the last item and
    ask again later with it as `since` (the boundary item comes again).
    """
    root_path = g.api_region_path
    if region is not None:
        within = queries.region_within(region, root_path)
        if within is None:
            _not_found()
        root_path = within.path
    try:
        after = queries.Cursor.decode(cursor) if cursor else None
    except ValueError:
        abort(422, message="Invalid arguments.", errors={"query": {"cursor": ["Not a cursor from this API."]}})
    items, following = queries.certificate_changes(root_path, since, after=after, limit=page_size)
    g.api_count = len(items)
    next_cursor = following.encode() if following else None
    next_url = None
    if next_cursor:
        args = {"since": since.isoformat(), "page_size": page_size, "cursor": next_cursor}
        next_url = url_for("api.certificates", **args, **({"region": region} if region else {}), _external=True)
    return {"items": items, "page_size": page_size, "next_cursor": next_cursor, "next": next_url}


@bp.route("/progress", methods=["GET"])
@allow(PUBLIC)
@api_call
@_documented(401, 404, 422, 429)
@bp.arguments(ProgressArgs, location="query", as_kwargs=True)
@bp.response(200, ProgressSchema)
def progress(category, plan=None, region=None):
    """Progress against targets, per child region

    The quota dashboard's figures for the child regions of `region` (default
    the token's region): targets and what is done in persons and person-times,
    people in training, and the theory-exam pass rate.
    """
    root = queries.region_within(region, g.api_region_path) if region else g.api_client.region
    if root is None:
        _not_found()
    today = local_today()
    if plan:
        chosen = quotas.plan_by_code(plan)
    else:
        plans = quotas.plans()
        chosen = quotas.default_plan(plans, today) if plans else None
    if chosen is None:
        _not_found()
    own, rows = quotas.region_progress(chosen, category, root, today)
    g.api_count = len(rows)
    return {"plan": chosen, "category": category, "as_of": min(today, chosen.deadline),
            "region": queries.region_figures(own), "children": [queries.region_figures(row) for row in rows]}


@bp.route("/people/lookup", methods=["POST"])
@allow(PUBLIC)
@api_call
@_documented(401, 404, 422, 429)
@bp.arguments(LookupArgs, as_kwargs=True)
@bp.response(200, PersonRecordSchema)
def lookup(id_number):
    """A person's study and assessment record, by ID number

    The ID number travels in the JSON body only. The server finds the person
    by the keyed fingerprint of the number (the key never leaves the server,
    so a fingerprint cannot be computed, or reversed, elsewhere). Identity in
    the answer is masked.
    """
    person = queries.person_in_region(id_number, g.api_region_path)
    if person is None:
        _not_found()
    g.api_count, g.api_subject = 1, {"person_id": person.id}
    return queries.person_record(person)
