"""Enrolment on a class: a place while there is one, else the waiting list;
when a place frees, the first person waiting is promoted (audited)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.auth.models import User
from lms.core import audit
from lms.core.database import in_chunks
from lms.core.time import utcnow
from lms.extensions import db
from lms.people.models import Person
from lms.quotas import learners
from lms.training.models import ClassEnrolment, ClassStatus, EnrolmentStatus, TrainingClass
from lms.training.services.errors import TrainingError

OPEN_FOR_ENROLMENT = {ClassStatus.DRAFT, ClassStatus.SUBMITTED, ClassStatus.APPROVED, ClassStatus.RUNNING}


def enrolled_count(cls: TrainingClass) -> int:
    """How many hold a place (the waiting list not counted)."""
    return db.session.scalar(select(func.count(ClassEnrolment.id)).where(
        ClassEnrolment.class_id == cls.id, ClassEnrolment.status == EnrolmentStatus.ENROLLED)) or 0


def lock_class(cls: TrainingClass) -> None:
    """Hold the class's places for the rest of the transaction."""
    # Two staff enrolling at once must not both take the last place: on
    # PostgreSQL the class row is locked for the rest of the transaction
    # (SQLite serialises writers by itself).
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(TrainingClass.id).where(TrainingClass.id == cls.id).with_for_update())


def overlapping_classes(cls: TrainingClass, person_ids: list[int]) -> dict[int, TrainingClass]:
    """For each of these people on (or waiting for) another class whose dates
    overlap ``cls``'s, that class: a trainee cannot attend two at once."""
    found: dict[int, TrainingClass] = {}
    for chunk in in_chunks(person_ids):
        stmt = (select(ClassEnrolment.person_id, TrainingClass)
                .join(TrainingClass, TrainingClass.id == ClassEnrolment.class_id)
                .where(ClassEnrolment.person_id.in_(chunk), ClassEnrolment.class_id != cls.id,
                       ClassEnrolment.status != EnrolmentStatus.WITHDRAWN,
                       TrainingClass.starts_on <= cls.ends_on, TrainingClass.ends_on >= cls.starts_on)
                .order_by(TrainingClass.starts_on))
        for person_id, other in db.session.execute(stmt):
            found.setdefault(person_id, other)
    return found


def overlap_message(other: TrainingClass):
    """Why a person on ``other`` cannot join a class whose dates overlap it."""
    return _l("This person is on the class “%(name)s” (%(start)s to %(end)s), whose dates overlap this "
              "class's.", name=other.name, start=other.starts_on.isoformat(), end=other.ends_on.isoformat())


def enrol(cls: TrainingClass, person: Person, *, by: User | None) -> ClassEnrolment:
    """Give the person a place, or put them on the waiting list when the class
    is full; refused for someone on another class at the same dates."""
    if cls.status not in OPEN_FOR_ENROLMENT:
        raise TrainingError(_l("A closed class takes no more trainees."))
    lock_class(cls)
    enrolment = db.session.scalar(select(ClassEnrolment).where(
        ClassEnrolment.class_id == cls.id, ClassEnrolment.person_id == person.id))
    if enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN:
        raise TrainingError(_l("%(name)s is on this class already.", name=person.name))
    other = overlapping_classes(cls, [person.id]).get(person.id)
    if other is not None:
        raise TrainingError(_l("%(name)s: %(why)s", name=person.name, why=overlap_message(other)))
    full = enrolled_count(cls) >= cls.capacity
    now = utcnow()
    if enrolment is None:
        enrolment = ClassEnrolment(class_id=cls.id, person_id=person.id)
        db.session.add(enrolment)
    enrolment.status = EnrolmentStatus.WAITING if full else EnrolmentStatus.ENROLLED
    enrolment.queued_at, enrolment.withdrawn_at = now, None
    enrolment.enrolled_at = None if full else now
    enrolment.enrolled_by_id = by.id if by else None
    db.session.flush()
    learners.people_changed([person.id])  # a place on a running class puts them in training
    audit.record("training_class.waitlisted" if full else "training_class.enrolled", cls, actor=by,
                 new={"person": person.id, "status": enrolment.status})
    return enrolment


def withdraw(enrolment: ClassEnrolment, *, reason: str, by: User | None) -> ClassEnrolment | None:
    """Take a person off the class (or its waiting list); returns the
    enrolment promoted into the freed place, if any."""
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise TrainingError(_l("This person has withdrawn already."))
    if not reason.strip():
        raise TrainingError(_l("Say why the trainee leaves the class."))
    cls = enrolment.training_class
    lock_class(cls)
    held_place = enrolment.status == EnrolmentStatus.ENROLLED
    old = enrolment.status
    enrolment.status, enrolment.withdrawn_at = EnrolmentStatus.WITHDRAWN, utcnow()
    db.session.flush()
    learners.people_changed([enrolment.person_id])
    audit.record("training_class.withdrawn", cls, actor=by,
                 old={"person": enrolment.person_id, "status": old},
                 new={"status": EnrolmentStatus.WITHDRAWN, "reason": reason.strip()})
    promoted = promote_waiting(cls, by=by) if held_place else []
    return promoted[0] if promoted else None


def promote_waiting(cls: TrainingClass, *, by: User | None) -> list[ClassEnrolment]:
    """Fill free places from the waiting list, first come first served."""
    free = cls.capacity - enrolled_count(cls)
    if free <= 0:
        return []
    waiting = list(db.session.scalars(
        select(ClassEnrolment).where(ClassEnrolment.class_id == cls.id,
                                     ClassEnrolment.status == EnrolmentStatus.WAITING)
        .order_by(ClassEnrolment.queued_at, ClassEnrolment.id).limit(free)))
    now = utcnow()
    for enrolment in waiting:
        enrolment.status, enrolment.enrolled_at = EnrolmentStatus.ENROLLED, now
        db.session.flush()
        audit.record("training_class.promoted", cls, actor=by,
                     old={"person": enrolment.person_id, "status": EnrolmentStatus.WAITING},
                     new={"status": EnrolmentStatus.ENROLLED, "reason": "place freed"})
    learners.people_changed(enrolment.person_id for enrolment in waiting)
    return waiting
