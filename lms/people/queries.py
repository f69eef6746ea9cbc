"""Reads for the trainee registry."""

from sqlalchemy import select

from lms.core.access import scope_clause
from lms.extensions import db
from lms.people.models import Person, PersonCategory
from lms.regions.models import Region


def people_stmt(search: str = "", category: str = ""):
    """People within the current user's scope, filtered by name and category."""
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
    if search:
        stmt = stmt.where(Person.name.contains(search.strip()))
    if category:
        stmt = stmt.where(Person.id.in_(
            select(PersonCategory.person_id).where(PersonCategory.category == category)
        ))
    return stmt


def person_of_user(user_id: int) -> Person | None:
    """The registry record linked to an account."""
    return db.session.scalar(select(Person).where(Person.user_id == user_id))
