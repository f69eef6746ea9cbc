"""Classes and their opening application (开班申请): draft → submitted →
approved (or returned, with a reason, to draft) → running → closed.

Every transition is audited; an illegal one is refused with a message that
says what state the class is in. Who may make each transition (institution
staff for their own classes, civil affairs for classes in their region) is
the views' ``@allow`` and scope check.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth.models import User
from lms.core import audit
from lms.core.names import UnsafeName, clean_name
from lms.core.time import utcnow
from lms.extensions import db
from lms.quotas import learners
from lms.regions.models import Institution
from lms.training.models import (
    ClassInstructor,
    ClassStatus,
    Instructor,
    PlanItem,
    PlanMode,
    Programme,
    TrainingClass,
)
from lms.training.services.enrolment import enrolled_count, promote_waiting
from lms.training.services.errors import TrainingError

STATUS_NAMES = {
    ClassStatus.DRAFT: _l("a draft"),
    ClassStatus.SUBMITTED: _l("awaiting approval"),
    ClassStatus.APPROVED: _l("approved"),
    ClassStatus.RUNNING: _l("running"),
    ClassStatus.CLOSED: _l("closed"),
}


@dataclass(frozen=True)
class ClassDetails:
    """What the institution fills in for a class (its opening application)."""

    name: str
    starts_on: date
    ends_on: date
    venue: str
    capacity: int
    is_subsidised: bool = True
    fee_yuan: int | None = None
    resources: str = ""
    theory_exam_on: date | None = None
    practical_exam_on: date | None = None


@dataclass(frozen=True)
class PlanRow:
    """One row of the teaching plan as entered."""

    topic: str
    mode: str
    hours: int


def _require(cls: TrainingClass, allowed: set[str], action) -> None:
    if cls.status not in allowed:
        raise TrainingError(_l("This class is %(status)s: you cannot %(action)s it.",
                               status=STATUS_NAMES[cls.status], action=action))


def _check_details(details: ClassDetails) -> None:
    if not details.name.strip():
        raise TrainingError(_l("Give the class a name."))
    if details.ends_on < details.starts_on:
        raise TrainingError(_l("The class ends before it starts."))
    if details.capacity < 1:
        raise TrainingError(_l("The capacity must be at least 1."))
    if not details.is_subsidised and (details.fee_yuan is None or details.fee_yuan < 0):
        raise TrainingError(_l("Give the fee, or mark the training as subsidised."))
    for exam_date in (details.theory_exam_on, details.practical_exam_on):
        if exam_date and exam_date < details.starts_on:
            raise TrainingError(_l("An assessment date lies before the class starts."))


def _details_values(details: ClassDetails) -> dict:
    values = {
        "name": details.name.strip(), "starts_on": details.starts_on, "ends_on": details.ends_on,
        "venue": details.venue.strip(), "capacity": details.capacity, "is_subsidised": details.is_subsidised,
        "fee_yuan": None if details.is_subsidised else details.fee_yuan, "resources": details.resources.strip(),
        "theory_exam_on": details.theory_exam_on, "practical_exam_on": details.practical_exam_on,
    }
    return values


def _audit_values(cls: TrainingClass) -> dict:
    return {"status": cls.status, "name": cls.name, "programme": cls.programme.code if cls.programme else None,
            "starts_on": cls.starts_on, "ends_on": cls.ends_on, "capacity": cls.capacity}


def create_class(*, institution: Institution, programme: Programme, details: ClassDetails,
                 by: User | None) -> TrainingClass:
    """A new class, as a draft of its opening application."""
    _check_details(details)
    cls = TrainingClass(institution=institution, programme=programme, status=ClassStatus.DRAFT,
                        created_by_id=by.id if by else None, **_details_values(details))
    db.session.add(cls)
    db.session.flush()
    audit.record("training_class.created", cls, actor=by, new=_audit_values(cls))
    return cls


def update_class(cls: TrainingClass, details: ClassDetails, *, by: User | None) -> TrainingClass:
    """Change a draft's details (a submitted class is changed by returning it)."""
    _require(cls, {ClassStatus.DRAFT}, _l("edit"))
    _check_details(details)
    old = _audit_values(cls)
    for key, value in _details_values(details).items():
        setattr(cls, key, value)
    enrolled = enrolled_count(cls)
    if enrolled > cls.capacity:
        raise TrainingError(_l("%(n)s trainees are enrolled: the capacity cannot be lower.", n=enrolled))
    db.session.flush()
    audit.record("training_class.updated", cls, actor=by, old=old, new=_audit_values(cls))
    promote_waiting(cls, by=by)  # a larger class takes people from its waiting list
    return cls


def set_plan(cls: TrainingClass, rows: list[PlanRow], *, by: User | None) -> None:
    """Replace a draft's teaching plan."""
    _require(cls, {ClassStatus.DRAFT}, _l("edit"))
    for number, row in enumerate(rows, start=1):
        if not row.topic.strip():
            raise TrainingError(_l("Plan row %(n)s: give the topic.", n=number))
        if row.mode not in set(PlanMode):
            raise TrainingError(_l("Plan row %(n)s: choose online or classroom.", n=number))
        if not 1 <= row.hours <= 200:
            raise TrainingError(_l("Plan row %(n)s: hours must be between 1 and 200.", n=number))
    old = {"rows": len(cls.plan_items), "hours": cls.online_hours + cls.classroom_hours}
    cls.plan_items.clear()
    db.session.flush()
    cls.plan_items.extend(PlanItem(position=number, topic=row.topic.strip(), mode=row.mode, hours=row.hours)
                          for number, row in enumerate(rows, start=1))
    db.session.flush()
    audit.record("training_class.plan_set", cls, actor=by, old=old,
                 new={"rows": len(rows), "online": cls.online_hours, "classroom": cls.classroom_hours})


def set_instructors(cls: TrainingClass, instructors: list[Instructor], *, by: User | None) -> None:
    """Name the class's instructors (all of the class's own institution)."""
    _require(cls, {ClassStatus.DRAFT, ClassStatus.APPROVED, ClassStatus.RUNNING}, _l("edit"))
    if any(instructor.institution_id != cls.institution_id for instructor in instructors):
        raise TrainingError(_l("An instructor of another institution cannot teach this class."))
    old = sorted(i.id for i in cls.instructors)
    db.session.execute(ClassInstructor.__table__.delete().where(ClassInstructor.class_id == cls.id))
    for instructor in instructors:
        db.session.add(ClassInstructor(class_id=cls.id, instructor_id=instructor.id))
    db.session.flush()
    db.session.expire(cls, ["instructors"])
    audit.record("training_class.instructors_set", cls, actor=by, old={"instructors": old},
                 new={"instructors": sorted(i.id for i in instructors)})


def application_problems(cls: TrainingClass) -> list:
    """What keeps the opening application from being submitted (all of it)."""
    problems = []
    planned = cls.online_hours + cls.classroom_hours
    if planned != cls.programme.hours:
        problems.append(_l("The teaching plan has %(planned)s hours; the programme needs %(hours)s.",
                           planned=planned, hours=cls.programme.hours))
    if not cls.instructors:
        problems.append(_l("Name at least one instructor."))
    if enrolled_count(cls) == 0:
        problems.append(_l("The roster is empty: enrol the trainees or import the roster."))
    if not cls.venue.strip():
        problems.append(_l("Give the venue."))
    return problems


def submit_class(cls: TrainingClass, *, commitment: str, confirmed: bool, by: User) -> None:
    """Submit the opening application with the institution's commitment that
    the training is genuine (the text and who confirmed it, when, are kept)."""
    _require(cls, {ClassStatus.DRAFT}, _l("submit"))
    problems = application_problems(cls)
    if not confirmed:
        problems.append(_l("Confirm the commitment that the training is genuine."))
    if problems:
        raise TrainingError("; ".join(str(p) for p in problems))
    cls.status = ClassStatus.SUBMITTED
    cls.commitment_text, cls.committed_by_id, cls.committed_at = commitment, by.id, utcnow()
    cls.return_reason = ""
    db.session.flush()
    audit.record("training_class.submitted", cls, actor=by, old={"status": ClassStatus.DRAFT},
                 new=_audit_values(cls) | {"commitment": commitment})


def approve_class(cls: TrainingClass, *, by: User) -> None:
    """Civil affairs approve the opening application: sessions may be scheduled."""
    _require(cls, {ClassStatus.SUBMITTED}, _l("approve"))
    cls.status, cls.decided_by_id, cls.decided_at = ClassStatus.APPROVED, by.id, utcnow()
    db.session.flush()
    audit.record("training_class.approved", cls, actor=by, old={"status": ClassStatus.SUBMITTED},
                 new=_audit_values(cls))


def return_class(cls: TrainingClass, *, reason: str, by: User) -> None:
    """Civil affairs send the application back to draft, saying why."""
    _require(cls, {ClassStatus.SUBMITTED}, _l("return"))
    if not reason.strip():
        raise TrainingError(_l("Say why the application is returned."))
    cls.status, cls.return_reason = ClassStatus.DRAFT, reason.strip()
    cls.decided_by_id, cls.decided_at = by.id, utcnow()
    db.session.flush()
    audit.record("training_class.returned", cls, actor=by, old={"status": ClassStatus.SUBMITTED},
                 new={"status": ClassStatus.DRAFT, "reason": cls.return_reason})


def start_class(cls: TrainingClass, *, by: User | None) -> None:
    """The class begins (开班)."""
    _require(cls, {ClassStatus.APPROVED}, _l("start"))
    cls.status = ClassStatus.RUNNING
    db.session.flush()
    learners.class_changed(cls)  # its trainees are now in training
    audit.record("training_class.started", cls, actor=by, old={"status": ClassStatus.APPROVED},
                 new={"status": ClassStatus.RUNNING})


def close_class(cls: TrainingClass, *, by: User | None) -> None:
    """The class ends (结业): its records are final and its subsidy package can be made."""
    _require(cls, {ClassStatus.RUNNING}, _l("close"))
    cls.status, cls.closed_at = ClassStatus.CLOSED, utcnow()
    db.session.flush()
    learners.class_changed(cls)  # in training now only through a course or another class
    audit.record("training_class.closed", cls, actor=by, old={"status": ClassStatus.RUNNING},
                 new={"status": ClassStatus.CLOSED})


def create_instructor(*, institution: Institution, name: str, qualification_kind: str,
                      qualification_number: str, user: User | None = None, by: User | None) -> Instructor:
    """Register an instructor of the institution with their qualification."""
    try:
        name = clean_name(name, label=_l("Instructor's name"))
    except UnsafeName as refused:
        raise TrainingError(str(refused)) from None
    number = qualification_number.strip()
    if not qualification_kind.strip() or not number:
        raise TrainingError(_l("Give the instructor's qualification: its kind and certificate number."))
    taken = db.session.scalar(select(Instructor.id).where(Instructor.institution_id == institution.id,
                                                          Instructor.qualification_number == number))
    if taken:
        raise TrainingError(_l("An instructor with certificate number %(number)s is registered already.",
                               number=number))
    instructor = Instructor(institution=institution, name=name, qualification_kind=qualification_kind.strip(),
                            qualification_number=number, user_id=user.id if user else None)
    db.session.add(instructor)
    db.session.flush()
    audit.record("training_instructor.created", instructor, actor=by,
                 new={"name": name, "qualification": qualification_kind.strip(), "number": number})
    return instructor
