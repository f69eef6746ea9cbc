"""Targets: loading plans, splitting a province figure across units, edits.
Targets are this feature's own writes (the kept certificate counts are
``rollups``'). Flush, never commit."""

from datetime import date

from sqlalchemy import select

from lms.auth.models import User
from lms.core import audit
from lms.core.time import utcnow
from lms.core.vocabulary import AUDIENCES
from lms.extensions import db
from lms.quotas import rollups
from lms.quotas.models import Plan, Target
from lms.regions.models import Region, RegionLevel

# Province share of people aged 60+ (2020 census: 14,812,048 of 74,610,235), for
# a unit whose own figure is missing altogether.
PROVINCE_60_PLUS_SHARE = 14_812_048 / 74_610_235


class QuotaFileError(ValueError):
    """content/quotas.yaml is malformed; the message names the plan."""


def split_by_weight(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` with whole numbers that add
    up exactly to ``total`` (largest remainder; ties go to the larger weight,
    then to the earlier entry)."""
    if total < 0 or not weights or sum(weights) <= 0:
        raise ValueError("a split needs a non-negative total and positive weights")
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    remainders = [(total * w % whole, w, -i) for i, w in enumerate(weights)]
    for _r, _w, negative_index in sorted(remainders, reverse=True)[: total - sum(shares)]:
        shares[-negative_index] += 1
    return shares


def unit_weight(unit: Region) -> int:
    """A unit's 60+ population (published or estimated) — the default basis of a split."""
    if unit.population_60_plus:
        return unit.population_60_plus
    return round((unit.population or 0) * PROVINCE_60_PLUS_SHARE)


def _units(province: Region) -> list[Region]:
    return list(db.session.scalars(select(Region).where(
        Region.parent_id == province.id, Region.level == RegionLevel.UNIT).order_by(Region.sort_order)))


def split_province_target(target: Target, *, force: bool = False, by: User | None = None) -> list[Target]:
    """Create the unit targets for a province target, by 60+ population.

    Existing unit targets are kept unless ``force`` (they may have been edited
    on purpose); returns the unit targets created or replaced.
    """
    units = _units(target.region)
    existing = {t.region_id: t for t in db.session.scalars(select(Target).where(
        Target.plan_id == target.plan_id, Target.category == target.category,
        Target.region_id.in_([u.id for u in units])))}
    if existing and not force:
        return []
    weights = [unit_weight(u) for u in units]
    persons = split_by_weight(target.persons, weights) if target.persons is not None else [None] * len(units)
    times = split_by_weight(target.person_times, weights) if target.person_times is not None else [None] * len(units)
    written = []
    for unit, unit_persons, unit_times in zip(units, persons, times, strict=True):
        row = existing.get(unit.id) or Target(plan_id=target.plan_id, category=target.category, region=unit)
        row.persons, row.person_times, row.updated_at = unit_persons, unit_times, utcnow()
        db.session.add(row)
        written.append(row)
    db.session.flush()
    audit.record("quota.split", target, actor=by,
                 new={"plan": target.plan.code, "category": target.category,
                      "units": {u.code: p for u, p in zip(units, persons, strict=True)}})
    return written


def import_plans(document: dict) -> tuple[int, int]:
    """Load plans and province targets from a parsed quotas.yaml, splitting new
    province targets across units, and count the certificates of a plan that
    is new or has a new period into its rollups. Returns (plans created,
    unit targets created)."""
    entries = document.get("plans") if isinstance(document, dict) else None
    if not entries:
        raise QuotaFileError("the file has no 'plans' list")
    province = db.session.scalar(select(Region).where(Region.level == RegionLevel.PROVINCE).order_by(Region.id))
    if province is None:
        raise QuotaFileError("load the regions first (content/regions.yaml)")
    created_plans = created_units = 0
    for entry in entries:
        plan = _upsert_plan(entry)
        created_plans += plan.id is None
        db.session.add(plan)
        db.session.flush()
        if not rollups.is_kept(plan):
            rollups.rebuild(plan)
        for item in entry.get("targets") or []:
            if item.get("category") not in AUDIENCES:
                raise QuotaFileError(f"plan {plan.code}: unknown category {item.get('category')!r}")
            target = db.session.scalar(select(Target).where(
                Target.plan_id == plan.id, Target.category == item["category"], Target.region_id == province.id))
            if target is None:
                target = Target(plan=plan, category=item["category"], region=province)
                db.session.add(target)
            target.persons, target.person_times = item.get("persons"), item.get("person_times")
            db.session.flush()
            created_units += len(split_province_target(target))
    return created_plans, created_units


def _upsert_plan(entry: dict) -> Plan:
    code = str(entry.get("code") or "").strip()
    start, deadline = entry.get("period_start"), entry.get("deadline")
    if not code or not isinstance(start, date) or not isinstance(deadline, date) or deadline <= start:
        raise QuotaFileError(f"plan {code or '?'}: needs a code, period_start and a later deadline")
    plan = db.session.scalar(select(Plan).where(Plan.code == code)) or Plan(code=code)
    plan.name, plan.document = str(entry.get("name") or code), str(entry.get("document") or "")
    plan.period_start, plan.deadline = start, deadline
    return plan


def update_target(target: Target, *, persons: int | None, person_times: int | None, by: User) -> Target:
    """Change a target (province staff: any unit; city staff: their counties).
    Audited with old and new values."""
    old = {"persons": target.persons, "person_times": target.person_times}
    target.persons, target.person_times = persons, person_times
    target.updated_at, target.updated_by_id = utcnow(), by.id
    db.session.flush()
    audit.record("quota.target_changed", target, actor=by, old=old,
                 new={"persons": persons, "person_times": person_times, "region": target.region.code,
                      "plan": target.plan.code, "category": target.category})
    return target
