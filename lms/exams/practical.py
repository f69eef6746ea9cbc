"""Practical skill assessments (技能考核): loading scoring sheets, setting up
an assessment with its examiners, recording marks, and the chief examiner's
lock. All writes flush, never commit; every mark change is audited with old
and new values, so no examiner's score is ever lost silently.

Scoring: each examiner gives points per item (0 … the item's maximum) and
ticks any critical item (否决项) observed. The assessment's score is the mean
of the examiners' totals; it fails whatever the points when a critical item
is recorded. It is flagged for the chief examiner's review when the totals
differ by more than ``PRACTICAL_FLAG_GAP`` points or the examiners disagree
on a critical item.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.auth.models import User
from lms.core import audit
from lms.core.content_files import Checker, ContentProblem, line_of, load_yaml
from lms.core.time import utcnow
from lms.core.vocabulary import FUNCTIONAL_AREAS
from lms.exams.models import PracticalAssessment, PracticalExaminer, PracticalMark, PracticalSheet
from lms.extensions import db
from lms.people.models import Person
from lms.regions.models import Institution
from lms.training.models import Programme


class PracticalError(ValueError):
    """A mark or an action that is not allowed; the message says why."""


@dataclass
class SheetSpec:
    code: str
    title: str
    level: int | None
    area: str
    minutes: int
    pass_mark: int
    scenario: str
    items: list[dict]
    critical: list[str]
    source_hash: str


class SheetProblems(Exception):
    """Every problem of one sheet file, each as ``path:line: what is wrong``."""

    def __init__(self, problems: list[ContentProblem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def read_sheet(path: Path) -> SheetSpec:
    """Read and check a content/practical/<code>.yaml sheet. Raises
    ``SheetProblems`` listing every problem, each with its line."""
    text = path.read_text(encoding="utf-8")
    try:
        meta = load_yaml(text, path)
    except ContentProblem as problem:
        raise SheetProblems([problem]) from None
    check = Checker()
    if not isinstance(meta, dict):
        raise SheetProblems([ContentProblem(path, 1, "a sheet is a YAML mapping")])
    check.require(meta.get("code") == path.stem, path, line_of(meta, "code"), "code must equal the file name")
    check.require(isinstance(meta.get("title"), str) and meta["title"].strip() != "", path,
                  line_of(meta, "title"), "title is missing")
    check.require(meta.get("area") in FUNCTIONAL_AREAS, path, line_of(meta, "area"), "area is not a known area")
    check.require(isinstance(meta.get("minutes"), int) and meta["minutes"] > 0, path, line_of(meta, "minutes"),
                  "minutes must be a positive whole number")
    items = meta.get("items") if isinstance(meta.get("items"), list) else []
    for item in items:
        ok = isinstance(item, dict) and isinstance(item.get("code"), str) and isinstance(item.get("max_points"), int)
        check.require(ok, path, line_of(item), "each item needs code, title and max_points")
    total = sum(i.get("max_points", 0) for i in items if isinstance(i, dict))
    check.require(items != [] and total == 100, path, line_of(meta, "items"),
                  f"the items' max_points add up to {total}, not 100")
    check.require(len({i.get("code") for i in items if isinstance(i, dict)}) == len(items), path,
                  line_of(meta, "items"), "item codes must be unique")
    critical = meta.get("critical") or []
    check.require(isinstance(critical, list), path, line_of(meta, "critical"), "critical must be a list")
    if check.problems:
        raise SheetProblems(check.problems)
    return SheetSpec(
        code=meta["code"], title=meta["title"].strip(), level=meta.get("level"), area=meta["area"],
        minutes=meta["minutes"], pass_mark=int(meta.get("pass_mark", 60)),
        scenario=str(meta.get("scenario") or "").strip(),
        items=[{"code": i["code"], "title": str(i.get("title", i["code"])), "max_points": i["max_points"],
                "criteria": str(i.get("criteria") or "").strip(),
                "deductions": [{"text": str(d.get("text")), "points": int(d.get("points", 0))}
                               for d in i.get("deductions") or [] if isinstance(d, dict)]} for i in items],
        critical=[str(c) for c in critical], source_hash=hashlib.sha256(text.encode()).hexdigest())


def import_sheets(folder: Path) -> tuple[int, list[str]]:
    """Load every sheet in ``folder`` (new or changed ones); returns how many
    were written and the problems of the files skipped."""
    written, problems = 0, []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            spec = read_sheet(path)
        except SheetProblems as bad:
            problems.extend(str(problem) for problem in bad.problems)
            continue
        sheet = db.session.scalar(select(PracticalSheet).where(PracticalSheet.code == spec.code))
        if sheet is not None and sheet.source_hash == spec.source_hash:
            continue
        sheet = sheet or PracticalSheet(code=spec.code)
        sheet.title, sheet.level, sheet.area, sheet.minutes = spec.title, spec.level, spec.area, spec.minutes
        sheet.pass_mark, sheet.scenario, sheet.source_hash = spec.pass_mark, spec.scenario, spec.source_hash
        sheet.items_json = json.dumps(spec.items, ensure_ascii=False)
        sheet.critical_json = json.dumps(spec.critical, ensure_ascii=False)
        db.session.add(sheet)
        written += 1
    db.session.flush()
    return written, problems


def create_assessment(*, sheet: PracticalSheet, person: Person, institution: Institution,
                      programme: Programme | None, examiners: list[User], chief: User) -> PracticalAssessment:
    """Set up an assessment; the chief examiner is one of the examiners."""
    if chief.id not in {e.id for e in examiners}:
        raise PracticalError("chief_not_examiner")
    assessment = PracticalAssessment(sheet=sheet, person=person, institution=institution, programme=programme,
                                     chief_examiner_id=chief.id)
    assessment.examiners = [PracticalExaminer(user_id=e.id) for e in examiners]
    db.session.add(assessment)
    db.session.flush()
    audit.record("practical.created", assessment, new={"sheet": sheet.code, "person": person.id,
                                                       "examiners": sorted(e.id for e in examiners)})
    return assessment


def _check_marks(sheet: PracticalSheet, item_points: dict[str, int], critical: list[int]) -> None:
    for item in sheet.items:
        value = item_points.get(item["code"])
        if value is None or not 0 <= value <= item["max_points"]:
            raise PracticalError(f"item:{item['code']}")
    if set(item_points) - {i["code"] for i in sheet.items}:
        raise PracticalError("unknown_item")
    if any(not 0 <= index < len(sheet.critical) for index in critical):
        raise PracticalError("unknown_critical")


def record_marks(assessment: PracticalAssessment, examiner: User, item_points: dict[str, int],
                 critical: list[int], note: str = "", *, reason: str = "") -> PracticalMark:
    """Save one examiner's marks (new or changed). After the lock only the
    chief examiner may change marks, and only with a ``reason``."""
    if examiner.id not in assessment.examiner_ids:
        raise PracticalError("not_assigned")
    if assessment.is_locked and (examiner.id != assessment.chief_examiner_id or not reason.strip()):
        raise PracticalError("locked")
    _check_marks(assessment.sheet, item_points, critical)
    mark = next((m for m in assessment.marks if m.examiner_id == examiner.id), None)
    old = None if mark is None else {"items": mark.item_points, "critical": mark.critical_observed,
                                     "total": mark.total}
    if mark is None:
        mark = PracticalMark(examiner_id=examiner.id)
        assessment.marks.append(mark)
    mark.item_points_json = json.dumps(item_points, sort_keys=True)
    mark.critical_json = json.dumps(sorted(set(critical)))
    mark.total, mark.note, mark.updated_at = sum(item_points.values()), note, utcnow()
    db.session.flush()
    new = {"items": item_points, "critical": sorted(set(critical)), "total": mark.total}
    audit.record("practical.marks_after_lock" if assessment.is_locked else "practical.marks", assessment,
                 old=old, new=new | ({"reason": reason} if reason else {}), actor=examiner)
    recompute(assessment)
    return mark


def recompute(assessment: PracticalAssessment) -> None:
    """Score, pass and flag from the marks in (score stays empty until every
    assigned examiner has marked)."""
    marks = assessment.marks
    if not marks or {m.examiner_id for m in marks} != assessment.examiner_ids:
        assessment.score_tenths, assessment.is_passed, assessment.is_flagged = None, None, False
        db.session.flush()
        return
    totals = [m.total for m in marks]
    # Mean in tenths of a point, rounded half up: integers, so sums stay exact.
    assessment.score_tenths = (sum(totals) * 10 * 2 + len(totals)) // (2 * len(totals))
    critical_votes = [bool(m.critical_observed) for m in marks]
    gap = current_app.config["PRACTICAL_FLAG_GAP"]
    assessment.is_flagged = max(totals) - min(totals) > gap or len(set(critical_votes)) > 1
    assessment.is_passed = (not any(critical_votes)
                            and assessment.score_tenths >= assessment.sheet.pass_mark * 10)
    db.session.flush()


def lock_assessment(assessment: PracticalAssessment, chief: User, note: str = "") -> None:
    """The chief examiner makes the result final. Every examiner must have
    marked; a flagged result needs a note saying why it stands."""
    if chief.id != assessment.chief_examiner_id:
        raise PracticalError("not_chief")
    if assessment.is_locked:
        return
    if assessment.score_tenths is None:
        raise PracticalError("marks_missing")
    if assessment.is_flagged and not note.strip():
        raise PracticalError("flagged_needs_note")
    assessment.locked_at, assessment.locked_by_id = utcnow(), chief.id
    db.session.flush()
    audit.record("practical.locked", assessment, actor=chief,
                 new={"score": assessment.score, "passed": assessment.is_passed, "note": note})
