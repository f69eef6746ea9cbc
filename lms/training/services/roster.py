"""Importing a class roster from Excel: every row is checked before anything
changes, and a file with any bad row changes nothing (DESIGN §4). A good file
registers the people not yet in the registry and enrols everyone in a few
multi-row statements (DESIGN §6: 5,000 rows in under 10 s), by the same rules
as enrolling one person (services/enrolment.py): a place while there is one,
then the waiting list in file order."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select, update

from lms.auth.models import User
from lms.auth.national_id import InvalidNationalId, NationalId, parse_national_id
from lms.core import audit
from lms.core.database import in_chunks
from lms.core.masking import mask_name
from lms.core.names import UnsafeName, clean_name
from lms.core.time import utcnow
from lms.extensions import db
from lms.people.models import Category, Person, PersonCategory
from lms.people.services import MOBILE_PATTERN, id_number_columns, id_number_fingerprint
from lms.quotas import learners
from lms.regions.models import Region, RegionLevel
from lms.training.models import ClassEnrolment, EnrolmentStatus, TrainingClass
from lms.training.roster_sheet import Problem, RosterRow, RosterUpload, roster_spec
from lms.training.services.enrolment import (
    OPEN_FOR_ENROLMENT,
    enrolled_count,
    lock_class,
    overlap_message,
    overlapping_classes,
)
from lms.training.services.errors import TrainingError

NAME_MAX = Person.__table__.c.name.type.length


class RosterRefused(TrainingError):
    """The file has bad rows; ``problems`` lists every one, in row order."""

    def __init__(self, problems: list[Problem]):
        super().__init__(_l("The roster was not imported: nothing has changed."))
        self.problems = sorted(problems, key=lambda p: (p.row or 0, p.column))  # stable: checks' order


@dataclass(frozen=True)
class RosterResult:
    """What an import did."""

    new_people: int
    existing_people: int
    enrolled: int
    waiting: int


@dataclass
class _Row:
    """A row with a valid ID number, and what the registry says about it."""

    source: RosterRow
    name: str
    national_id: NationalId
    fingerprint: str
    person_id: int | None = None  # registered already
    region_id: int | None = None  # for a new person
    withdrawn_id: int | None = None  # an earlier enrolment on this class, since withdrawn


def import_roster(cls: TrainingClass, upload: RosterUpload, *, file_name: str, data: bytes,
                  by: User | None) -> RosterResult:
    """Check every row of ``upload`` against the registry and the class, then
    register the new people (no accounts; the class's institution registers
    and employs them; the programme's category) and enrol everyone.

    Raises ``RosterRefused``, with nothing written, listing every bad row.
    ``data`` (the file's bytes) is only fingerprinted for the audit log.
    Flushes, never commits."""
    if cls.status not in OPEN_FOR_ENROLMENT:
        raise TrainingError(_l("A closed class takes no more trainees."))
    lock_class(cls)  # the places counted below stay ours until the commit
    problems = list(upload.problems)
    rows = _check_rows(upload, problems)
    _check_registry(cls, rows, problems)
    if problems:
        raise RosterRefused(problems)
    db.session.flush()
    new_rows = [row for row in rows if row.person_id is None]
    new_people = _register(cls, new_rows, by)
    enrolled, waiting = _enrol(cls, rows, by)
    learners.people_changed(row.person_id for row in rows[:enrolled])  # places on a running class count
    result = RosterResult(new_people=new_people, existing_people=len(rows) - new_people,
                          enrolled=enrolled, waiting=waiting)
    audit.record("training_class.roster_imported", cls, actor=by, new={
        "file": file_name, "sha256": hashlib.sha256(data).hexdigest(), "rows": len(rows),
        "new_people": result.new_people, "existing_people": result.existing_people,
        "enrolled": result.enrolled, "waiting": result.waiting,
        # Who, not only how many (record ids, no personal data): the evidence
        # one enrolment at a time would have left.
        "registered_ids": [row.person_id for row in new_rows],
        "enrolled_ids": [row.person_id for row in rows[:enrolled]],
        "waiting_ids": [row.person_id for row in rows[enrolled:]]})
    return result


def _problem(problems: list[Problem], row: RosterRow, column: int, message: str) -> None:
    """A problem naming the row and the column (as the template heads it)."""
    problems.append(Problem(row.row, _("%(column)s: %(problem)s", column=roster_spec().columns[column].header,
                                       problem=message), column))


def _check_rows(upload: RosterUpload, problems: list[Problem]) -> list[_Row]:
    """Each row's own checks (name, ID number, mobile) and duplicate numbers
    within the file; returns the rows whose ID number is valid."""
    columns = roster_spec().columns
    example_number = roster_spec().example[1].strip().upper()
    checked: list[_Row] = []
    rows_by_number: dict[str, list[RosterRow]] = {}
    for row in upload.rows:
        name = ""
        if row.name is not None:  # None: refused when read, reported already
            try:
                name = clean_name(row.name, label=columns[0].header)
            except UnsafeName as error:
                problems.append(Problem(row.row, str(error), 0))
            else:
                if not name:
                    _problem(problems, row, 0, _("The name is missing."))
                elif len(name) > NAME_MAX:
                    _problem(problems, row, 0, _("The name is longer than %(n)s characters.", n=NAME_MAX))
        if row.phone and not MOBILE_PATTERN.match(row.phone):
            _problem(problems, row, 2, _("Enter an 11-digit mainland mobile number."))
        if row.id_number is None:
            continue
        if not row.id_number:
            _problem(problems, row, 1, _("The ID number is missing."))
            continue
        try:
            national_id = parse_national_id(row.id_number)
        except InvalidNationalId as error:
            _problem(problems, row, 1, str(error.message))
            continue
        if national_id.number == example_number:
            _problem(problems, row, 1, _("This is the template's example row: delete it."))
            continue
        rows_by_number.setdefault(national_id.number, []).append(row)
        checked.append(_Row(source=row, name=name, national_id=national_id,
                            fingerprint=id_number_fingerprint(national_id.number)))
    for same in (rows for rows in rows_by_number.values() if len(rows) > 1):
        for row in same:
            others = ", ".join(str(other.row) for other in same if other is not row)
            _problem(problems, row, 1, _("The same ID number is also on row %(rows)s.", rows=others))
    return checked


def _check_registry(cls: TrainingClass, rows: list[_Row], problems: list[Problem]) -> None:
    """Link rows to registered people (their names must match), and refuse
    people on this class already or on another class at the same time.
    The people not yet registered need a mobile number and a county."""
    registered: dict[str, tuple[int, str]] = {}
    for chunk in in_chunks([row.fingerprint for row in rows]):
        stmt = select(Person.id_number_hash, Person.id, Person.name).where(Person.id_number_hash.in_(chunk))
        registered.update((fingerprint, (pid, name)) for fingerprint, pid, name in db.session.execute(stmt))
    on_class = {person_id: (enrolment_id, status) for person_id, enrolment_id, status in db.session.execute(
        select(ClassEnrolment.person_id, ClassEnrolment.id, ClassEnrolment.status)
        .where(ClassEnrolment.class_id == cls.id))}
    for row in rows:
        if row.fingerprint not in registered:
            continue
        row.person_id, registered_name = registered[row.fingerprint]
        if row.name and row.name != registered_name:
            _problem(problems, row.source, 0, _(
                "The registry holds this ID number under another name (%(name)s): check the name and the "
                "number.", name=mask_name(registered_name)))
        enrolment_id, status = on_class.get(row.person_id, (None, None))
        if status == EnrolmentStatus.ENROLLED:
            _problem(problems, row.source, 1, _("This person is on this class already."))
        elif status == EnrolmentStatus.WAITING:
            _problem(problems, row.source, 1, _("This person is on this class's waiting list already."))
        elif status == EnrolmentStatus.WITHDRAWN:
            row.withdrawn_id = enrolment_id  # coming back: the same row is used again
    _check_overlaps(cls, [row for row in rows if row.person_id is not None], problems)
    _check_new_people([row for row in rows if row.person_id is None], problems)


def _check_overlaps(cls: TrainingClass, rows: list[_Row], problems: list[Problem]) -> None:
    """Refuse anyone on (or waiting for) another class at the same dates: the
    rule ``enrolment.enrol`` applies to one person at a time."""
    rows_by_person = {row.person_id: row for row in rows}
    for person_id, other in overlapping_classes(cls, list(rows_by_person)).items():
        _problem(problems, rows_by_person[person_id].source, 1, str(overlap_message(other)))


def _check_new_people(rows: list[_Row], problems: list[Problem]) -> None:
    """A person not yet registered needs a mobile number and a county (by code or exact name)."""
    if not rows:
        return
    by_code: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for region_id, code, name in db.session.execute(
            select(Region.id, Region.code, Region.name).where(Region.level == RegionLevel.COUNTY)):
        by_code[code] = region_id
        by_name.setdefault(name, []).append(region_id)
    for row in rows:
        source = row.source
        if source.phone == "":
            _problem(problems, source, 2, _("A mobile number is needed for a person not yet registered."))
        county = source.county
        if county is None:
            continue
        if not county:
            _problem(problems, source, 3, _("The county is needed for a person not yet registered."))
        elif county in by_code:
            row.region_id = by_code[county]
        elif len(by_name.get(county, ())) == 1:
            row.region_id = by_name[county][0]
        elif county in by_name:
            _problem(problems, source, 3, _("Several counties are called “%(county)s”: give its code "
                                            "(6 digits) instead.", county=county))
        else:
            _problem(problems, source, 3, _("No county has the code or name “%(county)s”.", county=county))


def _register(cls: TrainingClass, rows: list[_Row], by: User | None) -> int:
    """Add the new people to the registry (multi-row inserts), without accounts."""
    if not rows:
        return 0
    now = utcnow()
    values = [{"name": row.name, **id_number_columns(row.national_id), "phone": row.source.phone,
               "region_id": row.region_id, "employer_id": cls.institution_id,
               "registered_by_institution_id": cls.institution_id, "created_at": now,
               "created_by_id": by.id if by else None} for row in rows]
    ids: list[int] = []
    for chunk in in_chunks(values):
        stmt = insert(Person.__table__).returning(Person.__table__.c.id, sort_by_parameter_order=True)
        ids.extend(db.session.execute(stmt, chunk).scalars())
    for row, person_id in zip(rows, ids, strict=True):
        row.person_id = person_id
    category = Category(cls.programme.category)
    for chunk in in_chunks([{"person_id": person_id, "category": category} for person_id in ids]):
        db.session.execute(insert(PersonCategory.__table__), chunk)
    return len(rows)


def _enrol(cls: TrainingClass, rows: list[_Row], by: User | None) -> tuple[int, int]:
    """Places while they last, then the waiting list in file order (as
    ``enrolment.enrol`` would, one row after another); returns (places, waiting)."""
    free = max(cls.capacity - enrolled_count(cls), 0)
    now = utcnow()
    fresh, again = [], []
    for position, row in enumerate(rows):
        place = position < free
        values = {"status": EnrolmentStatus.ENROLLED if place else EnrolmentStatus.WAITING,
                  # One microsecond apart: the waiting list keeps the file's order.
                  "queued_at": now + timedelta(microseconds=position),
                  "enrolled_at": now if place else None, "withdrawn_at": None,
                  "enrolled_by_id": by.id if by else None}
        if row.withdrawn_id is None:
            fresh.append({"class_id": cls.id, "person_id": row.person_id, **values})
        else:
            again.append({"enrolment_id": row.withdrawn_id, **values})
    table = ClassEnrolment.__table__
    for chunk in in_chunks(fresh):
        db.session.execute(insert(table), chunk)
    if again:
        db.session.execute(update(table).where(table.c.id == bindparam("enrolment_id")), again)
    placed = min(free, len(rows))
    return placed, len(rows) - placed
