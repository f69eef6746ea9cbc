"""Reads for training programmes."""

from sqlalchemy import select

from lms.extensions import db
from lms.training.models import Programme


def programme_by_code(code: str) -> Programme | None:
    """The programme with this code (e.g. "CG-4")."""
    return db.session.scalar(select(Programme).where(Programme.code == code))


def active_programmes() -> list[Programme]:
    """Programmes that can be trained for, by category then level."""
    stmt = select(Programme).where(Programme.is_active.is_(True)).order_by(
        Programme.category, Programme.level.desc(), Programme.code)
    return list(db.session.scalars(stmt))
