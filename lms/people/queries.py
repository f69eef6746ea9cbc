"""Reads for the trainee registry."""

import re

from sqlalchemy import or_, select

from lms.core.access import scope_clause
from lms.extensions import db
from lms.people.models import Person, PersonCategory
from lms.regions.models import Region


def people_stmt(search: str = "", category: str = ""):
    """People within the current user's scope, filtered by category and by
    name or, for a tail such as "123X", the end of their ID or mobile number
    (callers check ``is_searchable`` first)."""
    stmt = (
        select(Person)
        .join(Person.region)
        .where(scope_clause(
            region_path=Region.path,
            institution_columns=[Person.employer_id, Person.registered_by_institution_id],
            user_column=Person.user_id,
        ))
        .order_by(Person.created_at.desc(), Person.id.desc())
    )
    text = search.strip()
    if _TAIL.fullmatch(text.upper()):
        tail = text.upper()
        stmt = stmt.where(or_(Person.id_number_masked.endswith(tail), Person.phone.endswith(tail)))
    elif text:
        stmt = stmt.where(Person.name.contains(text, autoescape=True))
    if category:
        stmt = stmt.where(Person.id.in_(
            select(PersonCategory.person_id).where(PersonCategory.category == category)
        ))
    return stmt


# The last four characters of an ID number or mobile: what masking leaves
# visible (1301**********123X, 138****5678), so they may be typed and sent.
_TAIL = re.compile(r"[0-9]{3}[0-9X]")


def is_searchable(text: str) -> bool:
    """A name (no digits) or a four-character tail. Anything else with digits
    is refused rather than searched: a full ID or mobile number must not end
    up in a search URL (the registry finds a full ID number by POST)."""
    text = text.strip().upper()
    return not any(c.isdigit() for c in text) or _TAIL.fullmatch(text) is not None


def search_people(text: str, *, category: str = "", limit: int = 50, where=None) -> tuple[list[Person], bool]:
    """People in scope whose name contains ``text`` or, for a tail such as
    "123X", whose ID number or mobile ends with it; everyone in scope for an
    empty text; only those ``where`` (a condition on Person) holds, if given.
    At most ``limit`` of them, newest first, and whether more match. Assumes
    ``is_searchable(text)``."""
    stmt = people_stmt(text, category)
    if where is not None:
        stmt = stmt.where(where)
    found = list(db.session.scalars(stmt.limit(limit + 1)))
    return found[:limit], len(found) > limit


def person_of_user(user_id: int) -> Person | None:
    """The registry record linked to an account."""
    return db.session.scalar(select(Person).where(Person.user_id == user_id))
