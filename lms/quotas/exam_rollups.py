"""The dashboard's kept exam results (``ExamRollup``): theory attempts taken
and passed per exam audience, region and day, added to in the transaction
that closes an attempt and rebuilt from the raw attempts.

``lms.exams.attempts.close_attempt`` calls ``attempt_closed`` once it has
graded the attempt; code that writes closed attempts around it (bulk loads)
calls ``rebuild()`` afterwards. An attempt counts in the region of its
exam's institution and in each ancestor (``counting.region_levels``), on the
UTC day it closed, so a plan's figures are a sum over the days of its
period — the same attempts the raw count took (closed at or after the
period's first day, before the day after ``until``).
"""

from collections import Counter
from datetime import date

from sqlalchemy import Date, case, cast, delete, func, select, text

from lms.core.time import as_utc
from lms.exams.models import Attempt, AttemptStatus, Exam
from lms.extensions import db
from lms.quotas import counting
from lms.quotas.counting import region_levels
from lms.quotas.models import ExamRollup
from lms.regions.models import Institution, Region


def attempt_closed(attempt: Attempt) -> None:
    """Count ``attempt``, just closed and graded (not yet committed)."""
    category, path = db.session.execute(
        select(Exam.audience, Region.path).join(Institution, Institution.id == Exam.institution_id)
        .join(Region, Region.id == Institution.region_id).where(Exam.id == attempt.exam_id)).one()
    day = as_utc(attempt.closed_at).date()
    cells = [(category, level, day) for level in region_levels(path)]
    _add(Counter(cells), Counter(cells) if attempt.is_passed else Counter())


def _add(taken: Counter, passed: Counter) -> None:
    """Add these counts (``counting.add_counts``: no concurrent close lost)."""
    counting.add_counts(ExamRollup, ("category", "region_path", "closed_on"),
                        {key: (n, passed.get(key, 0)) for key, n in taken.items()}, ("taken", "passed"))


def rebuild() -> int:
    """Recount every row from the raw attempts, in the caller's transaction
    (flushes, never commits); returns the attempts counted."""
    db.session.flush()
    if counting.is_postgres():
        # Attempts closing meanwhile wait until this transaction ends, then
        # add themselves on top of the recount.
        db.session.execute(text("LOCK TABLE quota_exam_rollups IN EXCLUSIVE MODE"))
    db.session.execute(delete(ExamRollup))
    day = _utc_day(Attempt.closed_at)
    per_exam_day = (select(Attempt.exam_id, day.label("day"), func.count().label("taken"),
                           func.sum(case((Attempt.is_passed.is_(True), 1), else_=0)).label("passed"))
                    .where(Attempt.status != AttemptStatus.OPEN, Attempt.closed_at.is_not(None))
                    .group_by(Attempt.exam_id, day).subquery())
    stmt = (select(Exam.audience, Region.path, per_exam_day.c.day, per_exam_day.c.taken, per_exam_day.c.passed)
            .join(Exam, Exam.id == per_exam_day.c.exam_id)
            .join(Institution, Institution.id == Exam.institution_id)
            .join(Region, Region.id == Institution.region_id))
    taken, passed, attempts = Counter(), Counter(), 0
    for category, path, closed_on, n, n_passed in db.session.execute(stmt):
        closed_on = closed_on if isinstance(closed_on, date) else date.fromisoformat(closed_on)
        attempts += n
        for level in region_levels(path):
            taken[(category, level, closed_on)] += n
            passed[(category, level, closed_on)] += int(n_passed or 0)
    _add(taken, passed)
    return attempts


def results(category: str, paths: list[str], first: date, until: date) -> dict[str, tuple[int, int]]:
    """(passed, taken) per region path of ``paths``: attempts of the
    category closed from ``first`` to ``until``, both included."""
    stmt = (select(ExamRollup.region_path, func.sum(ExamRollup.passed), func.sum(ExamRollup.taken))
            .where(ExamRollup.category == category, ExamRollup.region_path.in_(paths),
                   ExamRollup.closed_on >= first, ExamRollup.closed_on <= until)
            .group_by(ExamRollup.region_path))
    return {path: (int(passed), int(taken)) for path, passed, taken in db.session.execute(stmt)}


def _utc_day(column):
    """The UTC calendar day of a timestamp column, as a date on both backends."""
    if counting.is_postgres():
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)

