"""Closed classes for the access grid (tests/test_access.py): one of the
home institution with the world's trainee on it, one of the other
institution (another unit) with the outsider."""

from lms.extensions import db
from lms.training.models import ClassStatus
from tests.training import factories


def grid_subsidies(world: dict) -> dict:
    # Instructors of their own: another grid's classes already engage the factory's default one.
    closed = factories.approved_class(world["home"], [world["person"]], name="长安区2025年第4期培训班",
                                      teacher=factories.instructor(world["home"], name="赵敏"))
    other = factories.approved_class(world["other"], [world["outsider"]], name="路北区2025年第4期培训班",
                                     teacher=factories.instructor(world["other"], name="赵敏"))
    closed.status = other.status = ClassStatus.CLOSED
    db.session.commit()
    return {"closed_class": closed, "other_closed_class": other}
