"""Classroom minutes credited by attendance.

For a person at a session the credit is the time between their first
sign-in and their last sign-out (scanned or marked by staff), clipped to the
session's scheduled start and end and capped at the session's hours × 45
minutes. Without a sign-out nothing is credited: staff mark the missing
sign-out by hand, with a reason, so that every credited minute has its
evidence in ``training_attendance``.

Each function reads with one query whatever the number of trainees and
sessions (the class report and the subsidy package ask for classes of up
to 100 trainees and 60 sessions).
"""

from datetime import datetime

from sqlalchemy import case, func, select

from lms.core.time import as_utc
from lms.extensions import db
from lms.training.models import MINUTES_PER_HOUR, Attendance, ClassSession, ScanKind


def credited_minutes(starts_at: datetime, ends_at: datetime, hours: int, first_in: datetime | None,
                     last_out: datetime | None) -> int:
    """Whole minutes a person earns at a session of ``hours`` scheduled from
    ``starts_at`` to ``ends_at``, given their first sign-in and last sign-out
    (0 without both)."""
    if first_in is None or last_out is None:
        return 0
    start = max(as_utc(first_in), as_utc(starts_at))
    end = min(as_utc(last_out), as_utc(ends_at))
    if end <= start:
        return 0
    return min(int((end - start).total_seconds() // 60), hours * MINUTES_PER_HOUR)


def _sign_times():
    """The first sign-in and the last sign-out per person and session."""
    first_in = func.min(case((Attendance.kind == ScanKind.IN, Attendance.at)))
    last_out = func.max(case((Attendance.kind == ScanKind.OUT, Attendance.at)))
    return (select(Attendance.person_id, ClassSession.starts_at, ClassSession.ends_at, ClassSession.hours,
                   first_in, last_out)
            .join(ClassSession, ClassSession.id == Attendance.session_id)
            .group_by(Attendance.person_id, ClassSession.id, ClassSession.starts_at, ClassSession.ends_at,
                      ClassSession.hours))


def _totals(stmt) -> dict[int, int]:
    totals: dict[int, int] = {}
    for person_id, starts_at, ends_at, hours, first_in, last_out in db.session.execute(stmt):
        minutes = credited_minutes(starts_at, ends_at, hours, first_in, last_out)
        totals[person_id] = totals.get(person_id, 0) + minutes
    return totals


def session_minutes(session_id: int) -> dict[int, int]:
    """Credited minutes per person at one session: everyone with a sign-in or
    sign-out there (0 for those without both)."""
    return _totals(_sign_times().where(Attendance.session_id == session_id))


def classroom_minutes(*class_ids: int) -> dict[int, int]:
    """Credited minutes per person summed over all the sessions of these
    classes (one query for any number of them): everyone who signed in or out
    at any of them, also those who later left a class (what they attended
    stays theirs)."""
    return _totals(_sign_times().where(ClassSession.class_id.in_(class_ids))) if class_ids else {}
