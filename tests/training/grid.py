"""Attendance objects for the access grid (tests/test_access.py): an
approved class of the home institution with the world's trainee on it and a
session happening now, the same for the other institution's outsider, and a
current attendance token of the home session."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from lms.core.time import local_today
from lms.extensions import db
from lms.training.models import ClassEnrolment
from lms.training.services.attendance import session_token
from tests.training import factories
from tests.training.conftest import session_now


@dataclass(frozen=True)
class GridToken:
    """A token in the shape of the grid's URL placeholders (``{name}`` takes ``.id``)."""

    id: str


def grid_attendance(world: dict) -> dict:
    today = local_today()
    dates = dict(start=today - timedelta(days=1), end=today + timedelta(days=1))
    home_class = factories.approved_class(world["home"], [world["person"]], name="长安区2026年第1期培训班", **dates)
    other_class = factories.approved_class(world["other"], [world["outsider"]], name="路北区2026年第1期培训班",
                                           **dates)
    session = session_now(home_class, home_class.instructors[0])
    other_session = session_now(other_class, other_class.instructors[0])
    db.session.commit()
    return {"attendance_session": session, "other_attendance_session": other_session,
            "attend_token": GridToken(session_token(session.id)),
            "training_class": home_class, "other_training_class": other_class,
            "instructor": home_class.instructors[0], "other_instructor": other_class.instructors[0],
            "enrolment": db.session.scalar(select(ClassEnrolment).where(
                ClassEnrolment.class_id == home_class.id, ClassEnrolment.person_id == world["person"].id))}
