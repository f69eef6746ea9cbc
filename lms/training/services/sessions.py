"""Scheduling sessions (课次). A session is refused, with a message naming the
clash, when it falls outside the class's dates, when its instructor or its
venue is already booked at that time, or when one of the class's trainees is
in another session then."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lms.auth.models import User
from lms.core import audit
from lms.core.masking import mask_name
from lms.core.time import as_local, as_utc
from lms.extensions import db
from lms.people.models import Person
from lms.training.models import (
    MINUTES_PER_HOUR,
    Attendance,
    ClassEnrolment,
    ClassSession,
    EnrolmentStatus,
    Instructor,
    TrainingClass,
)
from lms.training.services.errors import TrainingError


@dataclass(frozen=True)
class SessionDetails:
    """What staff enter for a session; times are aware datetimes."""

    starts_at: datetime
    ends_at: datetime
    topic: str
    instructor: Instructor
    venue: str
    hours: int


def _when(session: ClassSession) -> str:
    start, end = as_local(session.starts_at), as_local(session.ends_at)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _overlapping(starts_at: datetime, ends_at: datetime, exclude_id: int | None):
    # Two stretches overlap when each starts before the other ends.
    condition = and_(ClassSession.starts_at < ends_at, ClassSession.ends_at > starts_at)
    if exclude_id is not None:
        condition = and_(condition, ClassSession.id != exclude_id)
    return condition


def session_clashes(cls: TrainingClass, details: SessionDetails, *, exclude_id: int | None = None) -> list:
    """Every reason the session cannot be scheduled as given (empty when it can)."""
    problems = []
    starts_at, ends_at = as_utc(details.starts_at), as_utc(details.ends_at)
    if ends_at <= starts_at:
        return [_l("The session ends before it starts.")]
    if not details.topic.strip():
        problems.append(_l("Give the session's topic."))
    if not details.venue.strip():
        problems.append(_l("Give the session's venue."))
    minutes = (ends_at - starts_at).total_seconds() / 60
    if details.hours < 1 or details.hours * MINUTES_PER_HOUR > minutes:
        problems.append(_l("A session of %(m)s minutes holds at most %(h)s hours (45 minutes each).",
                           m=int(minutes), h=int(minutes // MINUTES_PER_HOUR)))
    local_start, local_end = as_local(starts_at), as_local(ends_at)
    if local_start.date() < cls.starts_on or local_end.date() > cls.ends_on:
        problems.append(_l("The session lies outside the class's dates (%(a)s to %(b)s).",
                           a=cls.starts_on.isoformat(), b=cls.ends_on.isoformat()))
    if details.instructor.id not in {instructor.id for instructor in cls.instructors}:
        problems.append(_l("%(name)s is not an instructor of this class.", name=details.instructor.name))
    overlap = _overlapping(starts_at, ends_at, exclude_id)
    busy = db.session.scalars(select(ClassSession).where(
        overlap, ClassSession.instructor_id == details.instructor.id).limit(1)).first()
    if busy is not None:
        problems.append(_l("%(name)s already teaches “%(topic)s” (%(cls)s) at %(when)s.",
                           name=details.instructor.name, topic=busy.topic, cls=busy.training_class.name,
                           when=_when(busy)))
    taken = db.session.scalars(select(ClassSession).join(TrainingClass).where(
        overlap, ClassSession.venue == details.venue.strip(),
        TrainingClass.institution_id == cls.institution_id).limit(1)).first()
    if taken is not None:
        problems.append(_l("%(venue)s is booked for “%(topic)s” (%(cls)s) at %(when)s.",
                           venue=taken.venue, topic=taken.topic, cls=taken.training_class.name,
                           when=_when(taken)))
    problems.extend(_trainee_clashes(cls, overlap))
    return problems


def _trainee_clashes(cls: TrainingClass, overlap) -> list:
    """Trainees of this class who sit another class's session at that time."""
    ours = select(ClassEnrolment.person_id).where(ClassEnrolment.class_id == cls.id,
                                                  ClassEnrolment.status == EnrolmentStatus.ENROLLED)
    rows = db.session.execute(
        select(Person.name, ClassSession)
        .join(ClassEnrolment, ClassEnrolment.person_id == Person.id)
        .join(ClassSession, ClassSession.class_id == ClassEnrolment.class_id)
        .where(overlap, ClassEnrolment.status == EnrolmentStatus.ENROLLED, ClassEnrolment.class_id != cls.id,
               Person.id.in_(ours))
        .order_by(Person.name).limit(5)).all()
    return [_l("Trainee %(name)s is in “%(topic)s” (%(cls)s) at %(when)s.", name=mask_name(name),
               topic=session.topic, cls=session.training_class.name, when=_when(session))
            for name, session in rows]


def schedule_session(cls: TrainingClass, details: SessionDetails, *, by: User | None) -> ClassSession:
    """Add a session to an approved or running class, or refuse naming every clash."""
    if not cls.takes_attendance:
        raise TrainingError(_l("Only an approved class schedules sessions."))
    problems = session_clashes(cls, details)
    if problems:
        raise TrainingError("; ".join(str(p) for p in problems))
    session = ClassSession(class_id=cls.id, starts_at=as_utc(details.starts_at), ends_at=as_utc(details.ends_at),
                           topic=details.topic.strip(), instructor_id=details.instructor.id,
                           venue=details.venue.strip(), hours=details.hours)
    db.session.add(session)
    db.session.flush()
    audit.record("training_session.scheduled", session, actor=by,
                 new={"class": cls.id, "starts_at": session.starts_at, "ends_at": session.ends_at,
                      "instructor": details.instructor.id, "venue": session.venue, "hours": session.hours})
    return session


def cancel_session(session: ClassSession, *, reason: str, by: User | None) -> None:
    """Remove a session nobody has signed in to yet."""
    if db.session.scalar(select(Attendance.id).where(Attendance.session_id == session.id).limit(1)):
        raise TrainingError(_l("Trainees have signed in to this session: it cannot be removed."))
    if not reason.strip():
        raise TrainingError(_l("Say why the session is cancelled."))
    audit.record("training_session.cancelled", session, actor=by,
                 old={"class": session.class_id, "starts_at": session.starts_at, "topic": session.topic},
                 new={"reason": reason.strip()})
    db.session.delete(session)
    db.session.flush()
