"""Setting exams: create one from a blueprint, admit candidates.
(Bank writes: bank_services.py; sitting an exam: attempts.py; practical
assessments: practical.py.)"""

import json
from datetime import datetime

from sqlalchemy import select

from lms.auth.models import User
from lms.core import audit
from lms.core.vocabulary import FUNCTIONAL_AREAS
from lms.exams.models import Exam, ExamCandidate, QuestionKind
from lms.exams.papers import BlueprintShortfall, check_blueprint
from lms.extensions import db
from lms.people.models import Person
from lms.regions.models import Institution
from lms.training.models import Programme
from lms.training.queries import hours_records


class BlueprintError(ValueError):
    """The blueprint is not usable; ``problems`` names each row."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_blueprint(text: str) -> list[dict]:
    """Blueprint rows from text, one row a line: ``area kind count points``
    (e.g. ``daily_care single 20 1``). Raises ``BlueprintError`` naming every
    bad line; the rows must add up to 100 points."""
    rows, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            problems.append(f"line {number}: write 'area kind count points'")
            continue
        area, kind, count, points = parts
        if area not in FUNCTIONAL_AREAS:
            problems.append(f"line {number}: unknown area {area!r}")
        if kind not in QuestionKind.ALL:
            problems.append(f"line {number}: kind must be one of {', '.join(QuestionKind.ALL)}")
        if not (count.isdigit() and int(count) > 0 and points.isdigit() and int(points) > 0):
            problems.append(f"line {number}: count and points must be whole numbers above 0")
            continue
        rows.append({"area": area, "kind": kind, "count": int(count), "points": int(points)})
    total = sum(row["count"] * row["points"] for row in rows)
    if not problems and total != 100:
        problems.append(f"the rows add up to {total} points, not 100")
    if problems:
        raise BlueprintError(problems)
    return rows


def create_exam(*, title: str, institution: Institution, programme: Programme | None, audience: str,
                level: int | None, blueprint: list[dict], duration_minutes: int, pass_mark: int,
                attempts_allowed: int, opens_at: datetime, closes_at: datetime, by: User | None) -> Exam:
    """Create an exam. Raises ``BlueprintError`` when the bank cannot fill a
    row (naming each row and how many questions it has)."""
    exam = Exam(title=title, institution=institution, programme=programme, audience=audience, level=level,
                blueprint_json=json.dumps(blueprint, ensure_ascii=False), duration_minutes=duration_minutes,
                pass_mark=pass_mark, attempts_allowed=attempts_allowed, opens_at=opens_at,
                closes_at=closes_at, created_by_id=getattr(by, "id", None))
    try:
        check_blueprint(exam)
    except BlueprintShortfall as short:
        raise BlueprintError([f"row {n}: {area} / {kind}: {wanted} wanted, the bank has {available}"
                              for n, area, kind, wanted, available in short.shortages]) from None
    db.session.add(exam)
    db.session.flush()
    audit.record("exam.created", exam, new={"title": title, "blueprint": blueprint, "pass_mark": pass_mark,
                                            "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()})
    return exam


def short_of_hours(exam: Exam, people: list[Person]) -> list[Person]:
    """Those of ``people`` who have not yet done enough of the exam's
    programme's hours to sit it (nobody, for an exam of no programme)."""
    if exam.programme is None or not people:
        return []
    records = hours_records([p.id for p in people], exam.programme)
    return [p for p in people if not records[p.id].is_met]


def add_candidates(exam: Exam, people: list[Person]) -> int:
    """Admit people to the exam; those already admitted are left as they are,
    and those short of the programme's hours are not admitted (see
    ``short_of_hours``). Returns how many were added."""
    admitted = set(db.session.scalars(select(ExamCandidate.person_id).where(ExamCandidate.exam_id == exam.id)))
    admitted |= {p.id for p in short_of_hours(exam, people)}
    added = [ExamCandidate(exam_id=exam.id, person_id=p.id) for p in people if p.id not in admitted]
    db.session.add_all(added)
    db.session.flush()
    if added:
        audit.record("exam.candidates_added", exam, new={"people": [c.person_id for c in added]})
    return len(added)
