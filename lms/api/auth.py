"""Bearer-token authentication, per-client rate limit and the audit of every
call, as one decorator for the API's views.

Every API view is ``@allow(PUBLIC)`` for ``refuse_undeclared_views``: the
token, not a session or a role, is the check, and it happens here. The
client's scope is its region subtree, kept in ``g.api_region_path`` for the
view to pass to ``lms.api.queries``.
"""

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request
from flask_limiter import RateLimitExceeded
from flask_smorest import abort
from werkzeug.exceptions import HTTPException

from lms.api.models import ApiClient
from lms.api.services import client_for_token, record_call
from lms.extensions import db, limiter

REALM = 'Bearer realm="CareLMS API"'
MAX_TOKEN_LENGTH = 128
# Never written to the audit log, whatever a client puts in its query string
# (the ID number belongs in a POST body; one sent in a URL is dropped here).
SENSITIVE_ARGS = frozenset({"id_number", "idnumber", "token", "access_token", "password", "secret"})
MAX_LOGGED_VALUE = 64


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def authenticate() -> ApiClient:
    """The client whose token the request carries; 401 (with
    ``WWW-Authenticate: Bearer``) when it carries none, or an unknown or
    revoked one — the same answer for both, so revocation is not probed."""
    token = _bearer_token()
    if token is None:
        abort(401, message="A bearer token is required.", headers={"WWW-Authenticate": REALM})
    client = client_for_token(token) if len(token) <= MAX_TOKEN_LENGTH else None
    if client is None:
        abort(401, message="The token is not valid.",
              headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
    return client


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _client_key() -> str:
    return f"api-client:{g.api_client.id}"


def _logged_args() -> dict[str, str]:
    return {name: value[:MAX_LOGGED_VALUE] for name, value in request.args.items()
            if name.lower() not in SENSITIVE_ARGS}


def api_call(view: Callable) -> Callable:
    """Authenticate, count against the client's limit, run the view, audit.

    The view reports what it returned with ``g.api_count`` (records) and, if
    useful, ``g.api_subject`` (e.g. the person looked up, by id). Answered
    calls are audited, errors included (404, 422); calls refused with 401
    (no client to name) or 429 (the limit protects the log too) are not.
    """
    # One shared limit: the client's calls to all endpoints count together.
    limited = limiter.shared_limit(_rate_limit, scope="api-client", key_func=_client_key)(view)

    @wraps(view)
    def wrapped(*args, **kwargs):
        client = authenticate()
        g.api_client, g.api_region_path = client, client.region_path
        g.api_count, g.api_subject = None, {}
        try:
            response = limited(*args, **kwargs)
        except RateLimitExceeded:
            raise
        except HTTPException as error:
            db.session.rollback()
            _audit(db.session.get(ApiClient, client.id), error.code, 0)
            raise
        _audit(client, response.status_code, g.api_count)
        return response

    return wrapped


def _audit(client: ApiClient, status: int, count: int | None) -> None:
    record_call(client, endpoint=request.endpoint or "", args=_logged_args(), status=status, count=count,
                subject=g.get("api_subject") or {})
    db.session.commit()
