"""Reads for the dashboard: one row per child region with targets and what
is done, monthly trend, and institutions. Certificates are counted by the
region recorded on them at issue time (``region_path``), so a trainee who
moves does not move old certificates. Reissued certificates are counted once
(the superseded one is not valid), revoked ones not at all."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, distinct, exists, extract, func, or_, select

from lms.certs.models import Certificate, CertificateStatus
from lms.courses.models import Course, CourseEnrolment
from lms.exams.models import Attempt, AttemptStatus, Exam
from lms.extensions import cache, db
from lms.people.models import Person
from lms.quotas.models import Plan, Target
from lms.quotas.progress import PACE_WINDOW_DAYS, Measure, expected_fraction
from lms.regions.models import Institution, Region
from lms.training.models import (
    ClassEnrolment,
    ClassStatus,
    EnrolmentStatus,
    Programme,
    TrainingClass,
)

SEGMENT = 7  # "130100/": every GB/T 2260 code is 6 digits, plus the slash


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
    """``compute()``, kept for ``QUOTA_CACHE_SECONDS`` under a key made of
    ``name`` and ``parts``: the province-wide counts take a second or more on
    45,000 trainees, and the figures of a few minutes ago serve a dashboard.
    Only plain values are cached (no ORM objects)."""
    seconds = current_app.config["QUOTA_CACHE_SECONDS"]
    if seconds <= 0:
        return compute()
    key = "quotas:" + ":".join(str(part) for part in (name, *parts))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value


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


def _valid_certificates(category: str, plan: Plan, root_path: str, until: date):
    return and_(Certificate.status == CertificateStatus.VALID, Certificate.programme_category == category,
                Certificate.issue_date >= plan.period_start, Certificate.issue_date <= until,
                Certificate.region_path.startswith(root_path))


def _certificate_counts(category: str, plan: Plan, root: Region, until: date, since: date | None = None,
                        *, by_child: bool = True) -> dict[str, tuple[int, int]]:
    """(distinct persons, certificates) under ``root``: per child region path,
    or for the root as a whole (one person with certificates in two children
    counts once there)."""
    condition = _valid_certificates(category, plan, root.path, until)
    if since is not None:
        condition = and_(condition, Certificate.issue_date > since)
    counts = (func.count(distinct(Certificate.person_id)), func.count(Certificate.id))
    if not by_child:
        persons, times = db.session.execute(select(*counts).where(condition)).one()
        return {root.path: (persons, times)}
    child = func.substr(Certificate.region_path, 1, len(root.path) + SEGMENT)
    stmt = select(child, *counts).where(condition).group_by(child)
    return {path: (persons, times) for path, persons, times in db.session.execute(stmt)}


def _in_training(category: str, root: Region) -> dict[str, int]:
    """People in training for the category — enrolled on one of its courses,
    or holding a place on a running class of one of its programmes — who hold
    no valid certificate of it yet, by child region of ``root``."""
    child = func.substr(Region.path, 1, len(root.path) + SEGMENT)
    certified = exists().where(Certificate.person_id == Person.id, Certificate.status == CertificateStatus.VALID,
                               Certificate.programme_category == category)
    on_course = exists().where(CourseEnrolment.person_id == Person.id, Course.id == CourseEnrolment.course_id,
                               Course.audience == category)
    in_class = exists().where(ClassEnrolment.person_id == Person.id,
                              ClassEnrolment.status == EnrolmentStatus.ENROLLED,
                              TrainingClass.id == ClassEnrolment.class_id, TrainingClass.status == ClassStatus.RUNNING,
                              Programme.id == TrainingClass.programme_id, Programme.category == category)
    stmt = (select(child, func.count(Person.id))
            .select_from(Person).join(Region, Region.id == Person.region_id)
            .where(Region.path.startswith(root.path), or_(on_course, in_class), ~certified).group_by(child))
    return dict(db.session.execute(stmt).all())


def _exam_results(category: str, plan: Plan, root: Region, until: date) -> dict[str, tuple[int, int]]:
    """(passed, taken) theory attempts of the category closed within the plan's
    period, by child region of ``root`` — the region of the examining institution."""
    # Attempts are counted per exam first (from the covering index
    # ix_exam_attempts_results), then the few thousand exams are placed in regions.
    per_exam = (select(Attempt.exam_id, func.count(Attempt.id).filter(Attempt.is_passed.is_(True)).label("passed"),
                       func.count(Attempt.id).label("taken"))
                .where(Attempt.exam_id.in_(select(Exam.id).where(Exam.audience == category)),
                       Attempt.status != AttemptStatus.OPEN, Attempt.closed_at >= plan.period_start,
                       Attempt.closed_at < until + timedelta(days=1))
                .group_by(Attempt.exam_id).subquery())
    child = func.substr(Region.path, 1, len(root.path) + SEGMENT)
    stmt = (select(child, func.sum(per_exam.c.passed), func.sum(per_exam.c.taken))
            .select_from(per_exam).join(Exam, Exam.id == per_exam.c.exam_id)
            .join(Institution, Institution.id == Exam.institution_id)
            .join(Region, Region.id == Institution.region_id)
            .where(Region.path.startswith(root.path)).group_by(child))
    return {path: (int(passed), int(taken)) for path, passed, taken in db.session.execute(stmt)}


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
    done = _cached("done", lambda: _certificate_counts(category, plan, root, until), *key)
    recent = _cached("recent", lambda: _certificate_counts(category, plan, root, until, since=window_start), *key)
    training = _cached("training", lambda: _in_training(category, root), *key)
    exams = _cached("exams", lambda: _exam_results(category, plan, root, until), *key)
    children = children_of(root)
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

    rows = [row(child, done.get(child.path, (0, 0)), recent.get(child.path, (0, 0)), training.get(child.path, 0),
                exams.get(child.path, (0, 0))) for child in children]
    total = _cached("total", lambda: _certificate_counts(category, plan, root, until, by_child=False), *key)[root.path]
    total_recent = _cached("total_recent", lambda: _certificate_counts(
        category, plan, root, until, since=window_start, by_child=False), *key)[root.path]
    own = row(root, total, total_recent, sum(training.values()),
              (sum(p for p, _t in exams.values()), sum(t for _p, t in exams.values())))
    return own, rows


def monthly_trend(plan: Plan, category: str, root: Region, today: date) -> list[tuple[str, int, int]]:
    """(YYYY-MM, persons certified that month, cumulative persons) over the
    plan's period up to today."""
    return _cached("trend", lambda: _monthly_trend(plan, category, root, today), plan.id, category, root.path, today)


def _monthly_trend(plan: Plan, category: str, root: Region, today: date) -> list[tuple[str, int, int]]:
    until = min(today, plan.deadline)
    year, month = extract("year", Certificate.issue_date), extract("month", Certificate.issue_date)
    stmt = (select(year, month, func.count(distinct(Certificate.person_id)))
            .where(_valid_certificates(category, plan, root.path, until))
            .group_by(year, month).order_by(year, month))
    counts = {(int(y), int(m)): n for y, m, n in db.session.execute(stmt)}
    rows, cumulative = [], 0
    cursor = plan.period_start.replace(day=1)
    while cursor <= until:
        n = counts.get((cursor.year, cursor.month), 0)
        cumulative += n
        rows.append((f"{cursor:%Y-%m}", n, cumulative))
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    return rows


def institution_rows(plan: Plan, category: str, root: Region, today: date, limit: int = 50):
    """(institution name, persons, certificates) for the institutions in the
    region with the most certificates of the category."""
    return _cached("institutions", lambda: _institution_rows(plan, category, root, today, limit),
                   plan.id, category, root.path, today, limit)


def _institution_rows(plan: Plan, category: str, root: Region, today: date, limit: int):
    until = min(today, plan.deadline)
    stmt = (select(Institution.name, func.count(distinct(Certificate.person_id)), func.count(Certificate.id))
            .join(Certificate, Certificate.institution_id == Institution.id)
            .where(_valid_certificates(category, plan, root.path, until))
            .group_by(Institution.id, Institution.name)
            .order_by(func.count(Certificate.id).desc(), Institution.name).limit(limit))
    return [tuple(row) for row in db.session.execute(stmt)]


def target_for_edit(target_id: int) -> Target | None:
    return db.session.get(Target, target_id)


def targets_by_region(plan: Plan, category: str, regions: list[Region]) -> dict[int, Target]:
    """The plan's targets for these regions, by region id (for edit links)."""
    return _targets(plan, category, regions)
