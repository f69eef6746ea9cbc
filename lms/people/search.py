"""The people search's one rule for every page that has one: a name or the
last four characters of an ID or mobile number may be searched (and travel in
the URL); a full number is refused and dropped from the address at once."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from lms.people.queries import is_searchable


def search_argument(endpoint: str, **values) -> tuple[str, Response | None]:
    """The request's ``q`` (trimmed, at most 50 characters) and None; or, for
    a full ID or mobile number, "" and a redirect to ``endpoint`` (with
    ``values``) without it, the refusal flashed."""
    search = request.args.get("q", "").strip()[:50]
    if search and not is_searchable(search):
        flash(_("Do not search by a full ID or mobile number: type a name, or only the last 4 characters."),
              "error")
        return "", redirect(url_for(endpoint, **values))
    return search, None
