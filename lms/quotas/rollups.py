"""The dashboard's kept certificate counts (``Rollup``, and per issuing
institution ``InstitutionRollup``): changed in the same transaction as every
certificate write, and rebuilt from the raw rows.

The certificate services call ``certificate_validated`` (issued valid at
once, approved), ``certificate_invalidated`` (revoked) and
``certificate_replaced`` (reissued) once the change is made; code that writes
certificates in bulk, around the services, calls ``rebuild()`` afterwards.

A certificate counts in its region and in each ancestor's rows, by month
and by day (see ``Rollup``). Each change is turned into differences per row
and added with one upsert (``counting.add_counts``), so concurrent writers
never lose each other's counts. The difference in persons depends on the holder's other valid
certificates (is the changed one, or another, their first in the plan's
period?); it is worked out from the rows after the change, under a
per-person lock on PostgreSQL so that two writers of one person's
certificates take turns. SQLite lets one writer in at a time anyway.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Date,
    and_,
    case,
    cast,
    delete,
    distinct,
    func,
    insert,
    literal,
    select,
    text,
    type_coerce,
    union_all,
)

from lms.certs.models import Certificate, CertificateKind, CertificateStatus
from lms.core.time import utcnow
from lms.extensions import db
from lms.quotas import counting, learners
from lms.quotas.counting import SEGMENT, region_levels
from lms.quotas.models import InstitutionRollup, Plan, Rollup, RollupPlan

MONTH, DAY = "month", "day"
KEY = ("plan_id", "category", "grain", "region_path", "starts_on")
INSTITUTION_KEY = ("plan_id", "category", "region_path", "institution_id")
COUNTERS = ("certificates", "persons")


@dataclass(frozen=True)
class _Held:
    """What of one valid certificate the counts depend on."""

    id: int
    issue_date: date
    region_path: str
    institution_id: int | None


@dataclass(frozen=True)
class RebuildReport:
    """What ``rebuild`` wrote: per plan code, (rows of both grains,
    certificates, persons) — all categories together."""

    plans: dict[str, tuple[int, int, int]]


def certificate_validated(cert: Certificate) -> None:
    """``cert`` has just become valid (issued, or approved)."""
    record_change(validated=[cert])


def certificate_invalidated(cert: Certificate) -> None:
    """``cert`` was valid and no longer is (revoked)."""
    record_change(invalidated=[cert])


def certificate_replaced(old: Certificate, new: Certificate) -> None:
    """A reissue: ``old`` is superseded and ``new`` valid in its place."""
    record_change(validated=[new], invalidated=[old])


def is_counted(cert: Certificate) -> bool:
    """Awards (获奖证书) have no programme category: they are never counted."""
    return cert.kind != CertificateKind.AWARD


def record_change(*, validated: Iterable[Certificate] = (), invalidated: Iterable[Certificate] = ()) -> None:
    """Add to the rollups what these status changes (already made, not yet
    committed) change, for every plan whose rollups are kept; the holders'
    "in training" state changes with them (``learners``)."""
    changes = [(cert, True) for cert in validated if is_counted(cert)]
    changes += [(cert, False) for cert in invalidated if is_counted(cert)]
    if not changes:
        return
    db.session.flush()
    if counting.is_postgres():
        # Conflicts only with rebuild's EXCLUSIVE lock: a rebuild waits for
        # this transaction, or this one waits and then reads the new periods.
        # Taken first, before the learners' table and the people (one order).
        db.session.execute(text("LOCK TABLE quota_rollups IN ROW EXCLUSIVE MODE"))
    holders = sorted({cert.person_id for cert, _now_valid in changes})
    learners.people_changed(holders)  # takes the holders' locks, which the counts below need too
    periods = kept_periods()
    if not periods:
        return
    by_holder: dict[tuple[int, str], list[tuple[Certificate, bool]]] = defaultdict(list)
    for cert, now_valid in changes:
        by_holder[(cert.person_id, cert.programme_category)].append((cert, now_valid))
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    by_institution: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (person_id, category), group in by_holder.items():
        after = {held.id: held for held in _valid_held(person_id, category)}
        before = dict(after)
        for cert, now_valid in group:
            if now_valid:
                before.pop(cert.id, None)
            else:
                before[cert.id] = _Held(cert.id, cert.issue_date, cert.region_path, cert.institution_id)
        for plan_id, period in periods.items():
            for held, sign in ((after.values(), +1), (before.values(), -1)):
                _add(deltas, (plan_id, category), held, period, sign)
                _add_by_institution(by_institution, (plan_id, category), held, period, sign)
    counting.add_counts(Rollup, KEY, deltas, COUNTERS)
    counting.add_counts(InstitutionRollup, INSTITUTION_KEY, by_institution, COUNTERS)


def kept_periods() -> dict[int, tuple[date, date]]:
    """Plans whose rollups are kept, with the period they were counted for."""
    rows = db.session.execute(select(RollupPlan.plan_id, RollupPlan.period_start, RollupPlan.deadline))
    return {plan_id: (start, deadline) for plan_id, start, deadline in rows}


def is_kept(plan: Plan) -> bool:
    """True when ``plan``'s rollups were counted for its current period."""
    return kept_periods().get(plan.id) == (plan.period_start, plan.deadline)


def _valid_held(person_id: int, category: str) -> list[_Held]:
    stmt = select(Certificate.id, Certificate.issue_date, Certificate.region_path, Certificate.institution_id).where(
        Certificate.person_id == person_id, Certificate.programme_category == category,
        Certificate.status == CertificateStatus.VALID, Certificate.kind != CertificateKind.AWARD)
    return [_Held(*row) for row in db.session.execute(stmt)]


def _add(deltas: dict, plan_category: tuple[int, str], held: Iterable[_Held], period: tuple[date, date],
         sign: int) -> None:
    """Count ``held`` (one person's valid certificates of one category) into
    ``deltas`` with ``sign``: each certificate in its cells, and the person
    in the cells of the first of them within the period."""
    start, deadline = period
    inside = [item for item in held if start <= item.issue_date <= deadline]
    for item in inside:
        for cell in _cells(plan_category, item):
            deltas[cell][0] += sign
    if inside:
        first = min(inside, key=lambda item: (item.issue_date, item.id))
        for cell in _cells(plan_category, first):
            deltas[cell][1] += sign


def _add_by_institution(deltas: dict, plan_category: tuple[int, str], held: Iterable[_Held],
                        period: tuple[date, date], sign: int) -> None:
    """Count ``held`` (one person's valid certificates of one category) into
    the institutions' ``deltas``: each certificate in its issuer's row of
    each region level, and the person once in each such row."""
    start, deadline = period
    rows = [(*plan_category, level, item.institution_id) for item in held
            if item.institution_id is not None and start <= item.issue_date <= deadline
            for level in region_levels(item.region_path)]
    for row in rows:
        deltas[row][0] += sign
    for row in set(rows):
        deltas[row][1] += sign


def _cells(plan_category: tuple[int, str], item: _Held) -> list[tuple]:
    month = item.issue_date.replace(day=1)
    return [cell for path in region_levels(item.region_path)
            for cell in ((*plan_category, MONTH, path, month), (*plan_category, DAY, path, item.issue_date))]


def _month_of(column):
    """The first day of ``column``'s month, as a date on both backends."""
    if counting.is_postgres():
        return cast(func.date_trunc("month", column), Date)
    return type_coerce(func.date(column, "start of month"), Date)


def raw_rows(plan_id: int, period_start: date, deadline: date, *, category: str | None = None):
    """The rollup rows of one plan computed from the certificates themselves
    (columns as ``Rollup``; one category, or all). ``rebuild`` inserts them;
    the dashboard reads them directly for a plan whose rollups are not kept."""
    conditions = _counted(period_start, deadline, category)
    # Ranked within the period only: rank 1 is the person's first certificate
    # of the category in this plan (wherever it was issued).
    ranked = select(
        Certificate.programme_category.label("category"), Certificate.region_path,
        Certificate.issue_date.label("day"), _month_of(Certificate.issue_date).label("month"),
        func.row_number().over(partition_by=(Certificate.person_id, Certificate.programme_category),
                               order_by=(Certificate.issue_date, Certificate.id)).label("rank"),
    ).where(*conditions).cte("ranked")
    firsts = func.sum(case((ranked.c.rank == 1, 1), else_=0))

    def grouped(grain: str, starts_on, level: int):
        path = func.substr(ranked.c.region_path, 1, SEGMENT * level)
        return (select(literal(plan_id).label("plan_id"), ranked.c.category, literal(grain).label("grain"),
                       path.label("region_path"), starts_on.label("starts_on"),
                       func.count().label("certificates"), firsts.label("persons"))
                .where(func.length(ranked.c.region_path) >= SEGMENT * level)
                .group_by(ranked.c.category, path, starts_on))

    parts = [grouped(grain, starts_on, level) for level in _levels(conditions)
             for grain, starts_on in ((MONTH, ranked.c.month), (DAY, ranked.c.day))]
    if not parts:  # no certificate at all: an empty result of the same shape
        parts = [grouped(MONTH, ranked.c.month, 1).where(literal(False))]
    return union_all(*parts)


def raw_institution_rows(plan_id: int, period_start: date, deadline: date, *, category: str | None = None):
    """The institution rollup rows of one plan computed from the certificates
    themselves (columns as ``InstitutionRollup``; one category, or all)."""
    conditions = [*_counted(period_start, deadline, category), Certificate.institution_id.is_not(None)]

    def grouped(level: int):
        path = func.substr(Certificate.region_path, 1, SEGMENT * level)
        return (select(literal(plan_id).label("plan_id"), Certificate.programme_category.label("category"),
                       path.label("region_path"), Certificate.institution_id,
                       func.count().label("certificates"), func.count(distinct(Certificate.person_id)).label("persons"))
                .where(*conditions, func.length(Certificate.region_path) >= SEGMENT * level)
                .group_by(Certificate.programme_category, path, Certificate.institution_id))

    parts = [grouped(level) for level in _levels(conditions)] or [grouped(1).where(literal(False))]
    return union_all(*parts)


def _counted(period_start: date, deadline: date, category: str | None) -> list:
    """The certificates a plan counts: valid, not awards, issued within its period."""
    conditions = [Certificate.status == CertificateStatus.VALID, Certificate.kind != CertificateKind.AWARD,
                  Certificate.issue_date >= period_start, Certificate.issue_date <= deadline]
    if category is not None:
        conditions.append(Certificate.programme_category == category)
    return conditions


def _levels(conditions: list) -> range:
    """1 … the deepest region level of the certificates these conditions pick."""
    deepest = db.session.scalar(select(func.max(func.length(Certificate.region_path))).where(*conditions)) or 0
    return range(1, deepest // SEGMENT + 1)


def rebuild(plan: Plan | None = None) -> RebuildReport:
    """Recount the rollups of ``plan`` (default: every plan) from the raw
    certificate rows, in the caller's transaction (flushes, never commits),
    and keep them from now on for the plan's current period."""
    plans = [plan] if plan is not None else list(db.session.scalars(select(Plan).order_by(Plan.id)))
    db.session.flush()
    if counting.is_postgres():
        # Certificate writes wait until this transaction ends (their changes
        # then go on top of the recount); the dashboard goes on reading.
        db.session.execute(text("LOCK TABLE quota_rollups IN EXCLUSIVE MODE"))
    ids = [item.id for item in plans]
    db.session.execute(delete(Rollup).where(Rollup.plan_id.in_(ids)))
    db.session.execute(delete(InstitutionRollup).where(InstitutionRollup.plan_id.in_(ids)))
    db.session.execute(delete(RollupPlan).where(RollupPlan.plan_id.in_(ids)))
    report = {}
    for item in plans:
        db.session.execute(insert(Rollup).from_select(
            [*KEY, *COUNTERS], raw_rows(item.id, item.period_start, item.deadline)))
        db.session.execute(insert(InstitutionRollup).from_select(
            [*INSTITUTION_KEY, *COUNTERS], raw_institution_rows(item.id, item.period_start, item.deadline)))
        db.session.execute(insert(RollupPlan).values(plan_id=item.id, period_start=item.period_start,
                                                     deadline=item.deadline, rebuilt_at=utcnow()))
        month = and_(Rollup.grain == MONTH, func.length(Rollup.region_path) == SEGMENT)  # each once: top level
        rows, certificates, persons = db.session.execute(
            select(func.count(), func.sum(Rollup.certificates).filter(month), func.sum(Rollup.persons).filter(month))
            .where(Rollup.plan_id == item.id)).one()
        report[item.code] = (rows, int(certificates or 0), int(persons or 0))
    return RebuildReport(plans=report)
