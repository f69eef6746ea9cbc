"""The API's blueprint and its wiring: flask-smorest for validation and the
OpenAPI document, JSON errors for the API only, no CSRF, no caching.

``register_api(app)`` is called by ``create_app``: one flask-smorest ``Api``
per application (tests build many), serving the document at
/api/v1/openapi.json with the bearer scheme declared.
"""

from flask import Flask, Response
from flask_smorest import Api, Blueprint
from werkzeug.exceptions import HTTPException

from lms.core.access import PUBLIC, allow
from lms.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1",
               description="Read-only data for provincial systems. Every call needs a bearer token.")

BEARER_SCHEME = "bearerAuth"
SPEC_OPTIONS = {
    "info": {"description": (
        "CareLMS for provincial systems: certificates, changes since a time, progress against "
        "targets, and a person's record by ID number. Authenticate with `Authorization: Bearer "
        "<token>` (tokens are issued by the security administrator, scoped to a region). "
        "Objects outside the token's region answer 404. Calls are rate-limited per client "
        "(429) and every answered call is audited.")},
    "security": [{BEARER_SCHEME: []}],
}
ERROR_CODES = (400, 401, 403, 404, 405, 413, 415, 422, 429, 500)


class CareApi(Api):
    """flask-smorest's ``Api`` with two changes: errors are JSON only inside
    the API blueprint (the site keeps its HTML error pages), and the document
    is declared public for ``refuse_undeclared_views``."""

    def _register_error_handlers(self):
        pass  # see _json_error, registered on the blueprint

    @allow(PUBLIC)
    def _openapi_json(self):
        return super()._openapi_json()


def _json_error(error: HTTPException):
    """An error inside the API as JSON: code, status, message, and the
    validation errors by location (``errors``); extra headers pass through
    (``WWW-Authenticate`` on a 401)."""
    if error.code >= 500:
        db.session.rollback()
    payload = {"code": error.code, "status": error.name}
    data = getattr(error, "data", None) or {}
    payload["message"] = data.get("message") or error.description
    if "errors" in data or "messages" in data:
        payload["errors"] = data.get("errors", data.get("messages"))
    return payload, error.code, data.get("headers", {})


for _code in ERROR_CODES:
    # By code: the application's own HTML handlers are registered by code
    # too, and a blueprint's handler for a code comes before the app's.
    bp.register_error_handler(_code, _json_error)


@bp.after_request
def _no_store(response: Response) -> Response:
    # Answers carry personal data (masked) and scope-dependent figures.
    response.headers["Cache-Control"] = "no-store"
    return response


def register_api(app: Flask) -> CareApi:
    """Wire the API into ``app``; the views are imported here so that their
    routes exist before the blueprint is registered."""
    from lms.api import views  # noqa: F401

    api = CareApi(app, spec_kwargs=SPEC_OPTIONS)
    api.spec.components.security_scheme(BEARER_SCHEME, {
        "type": "http", "scheme": "bearer",
        "description": "An API client's token, from the security administrator (shown once)."})
    # Bearer tokens are not sent by browsers on their own, so a forged
    # cross-site request carries none: CSRF tokens protect nothing here.
    csrf.exempt(bp)
    api.register_blueprint(bp)
    return api
