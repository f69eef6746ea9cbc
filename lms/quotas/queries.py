"""Reads for the dashboard: one row per child region with targets and what
is done, monthly trend, and institutions. Certificates are counted by the
region recorded on them at issue time (``region_path``), so a trainee who
moves does not move old certificates. Reissued certificates are counted once
(the superseded one is not valid), revoked ones not at all.

Certificate figures come from the kept rollups (``lms.quotas.rollups``):
persons are counted once per plan and category, in the region and month of
their first valid certificate of the category in the plan's period, so that
regions add up to their parent and months to the period. A plan whose
rollups are not kept for its current period is counted from the raw rows by
the same definition (exact, slower) until ``flask quotas rebuild``. People
in training come from ``lms.quotas.learners``, exam results from
``lms.quotas.exam_rollups``: every figure on the page is kept as the rows
change, so a page reads a few rows per region shown."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, g
from sqlalchemy import and_, case, func, or_, select, union_all

from lms.core.time import month_start, utcnow
from lms.extensions import cache, db
from lms.quotas import exam_rollups, learners, rollups
from lms.quotas.models import InstitutionRollup, Plan, Rollup, Target
from lms.quotas.progress import PACE_WINDOW_DAYS, Measure, expected_fraction
from lms.regions.models import Institution, Region


@dataclass
class RegionProgress:
    region: Region
    persons: Measure
    person_times: Measure
    in_training: int = 0
    exams_passed: int = 0  # closed theory attempts of the category in the period that passed
    exams_taken: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def exam_pass_percent(self) -> int | None:
        """Share of the theory attempts that passed, in whole percent (None without attempts)."""
        return None if not self.exams_taken else self.exams_passed * 100 // self.exams_taken


def _cached(name: str, compute, *parts):
    """``compute()``, kept for ``QUOTA_CACHE_SECONDS`` (0 by default: the
    counts are cheap since they come from the rollups) under a key made of
    ``name`` and ``parts``. Only plain values are cached (no ORM objects).
    Remembers on ``g`` when the oldest figure served was counted, for the
    page to say (``figures_as_of``)."""
    seconds = current_app.config["QUOTA_CACHE_SECONDS"]
    if seconds <= 0:
        return compute()
    key = "quotas:" + ":".join(str(part) for part in (name, *parts))
    entry = cache.get(key)
    if entry is None:
        entry = (utcnow(), compute())
        cache.set(key, entry, timeout=seconds)
    counted_at, value = entry
    g.quota_figures_as_of = min(counted_at, g.get("quota_figures_as_of", counted_at))
    return value


def figures_as_of():
    """When the oldest cached figure this request served was counted; None
    when every figure was counted just now (the cache is off)."""
    return g.get("quota_figures_as_of")


def plans() -> list[Plan]:
    """All plans, latest deadline first."""
    return list(db.session.scalars(select(Plan).order_by(Plan.deadline.desc(), Plan.code)))


def default_plan(plans: list[Plan], today: date) -> Plan:
    """The plan a dashboard opens on: one running today (the latest to have
    started), else the most recent (``plans`` come latest deadline first)."""
    running = [plan for plan in plans if plan.period_start <= today <= plan.deadline]
    return max(running, key=lambda plan: plan.period_start) if running else plans[0]


def plan_by_code(code: str) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.code == code))


def _rollup_source(plan: Plan, category: str, model=Rollup, raw=rollups.raw_rows):
    """The rows to read — of ``model``: ``Rollup`` or ``InstitutionRollup`` —
    and the conditions that pick the plan's and category's: the kept rows,
    or the same rows computed from the raw certificates (``raw``: the
    module's function that computes them) when the plan's are not kept."""
    if rollups.is_kept(plan):
        table = model.__table__
        return table, [table.c.plan_id == plan.id, table.c.category == category]
    current_app.logger.warning("quotas: no rollups for plan %s, counting raw certificates; "
                               "run `flask quotas rebuild`", plan.code)
    return raw(plan.id, plan.period_start, plan.deadline, category=category).subquery(), []


@dataclass(frozen=True)
class _Span:
    """Which rollup rows make the figures up to ``until`` with a pace window
    after ``since``. Month rows before ``whole_until`` are whole months up to
    ``until``; day rows from ``whole_until`` to ``until`` finish the last
    month when it is partial (a running plan's current month), and day rows
    from the window's first day to ``edge_end`` cover its partial first
    month, whose month row counts as done but is only partly recent."""

    until: date
    whole_until: date
    first_day: date
    edge_end: date

    @classmethod
    def of(cls, until: date, since: date) -> "_Span":
        month_ends = (until + timedelta(days=1)).day == 1
        first_day = since + timedelta(days=1)
        return cls(until=until, whole_until=month_start(until, 1) if month_ends else until.replace(day=1),
                   first_day=first_day, edge_end=month_start(first_day, 1) if first_day.day != 1 else first_day)

    def rows(self, cells, conditions: list, paths: list[str]):
        """The rows to read for these regions (both grains), with columns
        ``done`` and ``recent`` (1 or 0): what each row counts towards."""
        in_paths = cells.c.region_path.in_(paths)
        months = and_(cells.c.grain == rollups.MONTH, cells.c.starts_on < self.whole_until)
        days = and_(cells.c.grain == rollups.DAY, cells.c.starts_on >= min(self.first_day, self.whole_until),
                    cells.c.starts_on <= self.until,
                    or_(cells.c.starts_on < self.edge_end, cells.c.starts_on >= self.whole_until))
        done = case((or_(cells.c.grain == rollups.MONTH, cells.c.starts_on >= self.whole_until), 1), else_=0)
        recent = case((cells.c.starts_on >= self.first_day, 1), else_=0)
        columns = (cells.c.region_path, cells.c.starts_on, cells.c.persons, cells.c.certificates,
                   done.label("done"), recent.label("recent"))
        # Two index ranges (one per grain) rather than one OR across the key.
        return union_all(select(*columns).where(*conditions, in_paths, months),
                         select(*columns).where(*conditions, in_paths, days)).subquery()


def _certificate_figures(plan: Plan, category: str, root: Region, children: list[Region], until: date,
                         since: date) -> dict[str, tuple[int, int, int, int]]:
    """{region path: (persons, certificates, recent persons, recent
    certificates)} for ``root`` and each of ``children`` up to ``until``,
    recent meaning issued after ``since``. Only these regions' rows are read:
    the rollups count every certificate in its region's ancestors too."""
    cells, conditions = _rollup_source(plan, category)
    rows = _Span.of(until, since).rows(cells, conditions, [root.path, *(child.path for child in children)])

    def total(flag, column):
        return func.coalesce(func.sum(case((flag == 1, column), else_=0)), 0)

    stmt = (select(rows.c.region_path, total(rows.c.done, rows.c.persons), total(rows.c.done, rows.c.certificates),
                   total(rows.c.recent, rows.c.persons), total(rows.c.recent, rows.c.certificates))
            .group_by(rows.c.region_path))
    return {path: tuple(int(n) for n in figures) for path, *figures in db.session.execute(stmt)}


def _in_training(category: str, root: Region, children: list[Region]) -> dict[str, int]:
    """People in training for the category who hold no valid certificate of
    it yet (``learners``), by child region of ``root``; those whose region is
    ``root`` itself, in no child, come under ``root.path``."""
    counts = learners.counts(category, [root.path, *(child.path for child in children)])
    own = counts.pop(root.path, 0)
    at_root = own - sum(counts.values())
    if at_root:
        counts[root.path] = at_root
    return counts


def _exam_results(category: str, plan: Plan, root: Region, children: list[Region],
                  until: date) -> dict[str, tuple[int, int]]:
    """(passed, taken) theory attempts of the category closed within the plan's
    period, by child region of ``root`` — the region of the examining
    institution — from the kept exam rollups. Attempts of institutions
    placed at ``root`` itself, in no child, come under ``root.path``."""
    counts = exam_rollups.results(category, [root.path, *(child.path for child in children)],
                                  plan.period_start, until)
    own_passed, own_taken = counts.pop(root.path, (0, 0))
    at_root = (own_passed - sum(passed for passed, _taken in counts.values()),
               own_taken - sum(taken for _passed, taken in counts.values()))
    if at_root != (0, 0):
        counts[root.path] = at_root
    return counts


def _targets(plan: Plan, category: str, regions: list[Region]) -> dict[int, Target]:
    stmt = select(Target).where(Target.plan_id == plan.id, Target.category == category,
                                Target.region_id.in_([r.id for r in regions]))
    return {t.region_id: t for t in db.session.scalars(stmt)}


def children_of(region: Region) -> list[Region]:
    return list(db.session.scalars(select(Region).where(Region.parent_id == region.id).order_by(Region.sort_order)))


def region_progress(plan: Plan, category: str, root: Region, today: date) -> tuple[RegionProgress, list[RegionProgress]]:
    """The root's own progress and one row per child region."""
    # After the deadline the pace (and forecast) is that of the period's last 90 days.
    until = min(today, plan.deadline)
    window_start = until - timedelta(days=PACE_WINDOW_DAYS)
    key = (plan.id, category, root.path, until)
    children = children_of(root)
    figures = _cached("certificates", lambda: _certificate_figures(plan, category, root, children, until,
                                                                  window_start), *key)
    training = _cached("training", lambda: _in_training(category, root, children), *key)
    exams = _cached("exams", lambda: _exam_results(category, plan, root, children, until), *key)
    targets = _targets(plan, category, [root, *children])
    fraction = expected_fraction(plan.period_start, plan.deadline, today)
    config = current_app.config
    ratios = {"on_track_ratio": config["QUOTA_ON_TRACK_RATIO"], "at_risk_ratio": config["QUOTA_AT_RISK_RATIO"]}

    def row(region: Region, counts: tuple[int, int], recent_counts: tuple[int, int], in_training: int,
            exam_results: tuple[int, int]):
        target = targets.get(region.id)
        common = {"fraction": fraction, "today": until, "deadline": plan.deadline,
                  "has_ended": today > plan.deadline, **ratios}
        return RegionProgress(
            region=region,
            persons=Measure(target.persons if target else None, counts[0], recent_counts[0], **common),
            person_times=Measure(target.person_times if target else None, counts[1], recent_counts[1], **common),
            in_training=in_training, exams_passed=exam_results[0], exams_taken=exam_results[1],
        )

    def certified(region: Region) -> tuple[tuple[int, int], tuple[int, int]]:
        persons, times, recent_persons, recent_times = figures.get(region.path, (0, 0, 0, 0))
        return (persons, times), (recent_persons, recent_times)

    rows = [row(child, *certified(child), training.get(child.path, 0), exams.get(child.path, (0, 0)))
            for child in children]
    own = row(root, *certified(root), sum(training.values()),
              (sum(p for p, _t in exams.values()), sum(t for _p, t in exams.values())))
    return own, rows


def monthly_trend(plan: Plan, category: str, root: Region, today: date) -> list[tuple[str, int, int]]:
    """(YYYY-MM, persons first certified that month, cumulative persons) over
    the plan's period up to today; the last cumulative figure is the persons
    certified so far."""
    return _cached("trend", lambda: _monthly_trend(plan, category, root, today), plan.id, category, root.path, today)


def _monthly_trend(plan: Plan, category: str, root: Region, today: date) -> list[tuple[str, int, int]]:
    until = min(today, plan.deadline)
    cells, conditions = _rollup_source(plan, category)
    span = _Span.of(until, until - timedelta(days=PACE_WINDOW_DAYS))
    done = span.rows(cells, conditions, [root.path])
    months: dict[date, int] = {}
    for starts_on, persons in db.session.execute(select(done.c.starts_on, done.c.persons).where(done.c.done == 1)):
        month = starts_on.replace(day=1)  # a day row of a partial last month counts in its month
        months[month] = months.get(month, 0) + persons
    rows, cumulative = [], 0
    cursor = plan.period_start.replace(day=1)
    while cursor <= until:
        n = months.get(cursor, 0)
        cumulative += n
        rows.append((f"{cursor:%Y-%m}", n, cumulative))
        cursor = month_start(cursor, 1)
    return rows


def institution_rows(plan: Plan, category: str, root: Region, today: date, limit: int = 50):
    """(institution name, persons, certificates) for the institutions with
    the most certificates of the category held by people of the region,
    within the plan's period (certificates bear no future dates, so for a
    running plan that is up to ``today``)."""
    return _cached("institutions", lambda: _institution_rows(plan, category, root, limit),
                   plan.id, category, root.path, today, limit)


def _institution_rows(plan: Plan, category: str, root: Region, limit: int):
    cells, conditions = _rollup_source(plan, category, InstitutionRollup, rollups.raw_institution_rows)
    stmt = (select(Institution.name, cells.c.persons, cells.c.certificates)
            .join(Institution, Institution.id == cells.c.institution_id)
            .where(*conditions, cells.c.region_path == root.path)
            .order_by(cells.c.certificates.desc(), Institution.name).limit(limit))
    return [tuple(row) for row in db.session.execute(stmt)]


def target_for_edit(target_id: int) -> Target | None:
    return db.session.get(Target, target_id)


def targets_by_region(plan: Plan, category: str, regions: list[Region]) -> dict[int, Target]:
    """The plan's targets for these regions, by region id (for edit links)."""
    return _targets(plan, category, regions)
