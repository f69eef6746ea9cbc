"""Writes for regions and institutions. Flush, never commit."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core import audit
from lms.core.names import UnsafeName, clean_name
from lms.extensions import db
from lms.regions.credit_code import normalise_credit_code
from lms.regions.models import Institution, Region, RegionLevel


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0


class RegionFileError(ValueError):
    """The region file is malformed; the message names the entry."""


def _upsert_region(
    summary: ImportSummary, existing: dict[str, Region], entry: dict, level: str,
    parent: Region | None, sort_order: int,
) -> Region:
    code, name = str(entry.get("code", "")).strip(), str(entry.get("name", ""))
    try:
        name = clean_name(name, label="name")
    except UnsafeName as error:
        # repr() shows the offending character as an escape such as \u202e.
        raise RegionFileError(f"{level} entry {code}: name refused ({error.reason}): {name!r:.80}") from None
    if not (code.isdigit() and len(code) == 6 and name):
        raise RegionFileError(f"{level} entry needs a 6-digit code and a name: {entry!r:.80}")
    region = existing.get(code)
    if region is None:
        region = Region(code=code)
        db.session.add(region)
        existing[code] = region
        summary.created += 1
    values = {
        "name": name,
        "level": level,
        "parent": parent,
        "path": (parent.path if parent else "") + code + "/",
        "sort_order": sort_order,
        "population": entry.get("population"),
        "population_60_plus": entry.get("population_60_plus"),
        "is_population_estimated": bool(entry.get("estimated", False)),
        "population_source": str(entry.get("source", "") or "")[:255],
    }
    changed = False
    for field, value in values.items():
        if getattr(region, field) != value:
            setattr(region, field, value)
            changed = True
    if changed and region.id is not None:
        summary.updated += 1
    return region


def import_regions(document: dict) -> ImportSummary:
    """Create or update the region tree from a parsed ``content/regions.yaml``.

    Idempotent: running it twice changes nothing the second time. Regions are
    matched by code; none are deleted (old certificates may point at them).
    """
    provinces = document.get("provinces") if isinstance(document, dict) else None
    if not provinces:
        raise RegionFileError("the file has no 'provinces' list")
    existing = {region.code: region for region in db.session.scalars(select(Region))}
    summary = ImportSummary()
    for p_order, province_entry in enumerate(provinces):
        province = _upsert_region(summary, existing, province_entry, RegionLevel.PROVINCE, None, p_order)
        for u_order, unit_entry in enumerate(province_entry.get("units") or []):
            unit = _upsert_region(summary, existing, unit_entry, RegionLevel.UNIT, province, u_order)
            for c_order, county_entry in enumerate(unit_entry.get("counties") or []):
                _upsert_region(summary, existing, county_entry, RegionLevel.COUNTY, unit, c_order)
    db.session.flush()
    return summary


def create_institution(
    *, name: str, credit_code: str, kind: str, grade: int | None, region: Region
) -> Institution:
    """Register an institution. The credit code is validated (GB 32100-2015);
    the name obeys the rule for names (``UnsafeName`` otherwise)."""
    institution = Institution(
        name=clean_name(name, label=_l("Institution name")),
        credit_code=normalise_credit_code(credit_code),
        kind=kind,
        grade=grade,
        region=region,
    )
    db.session.add(institution)
    db.session.flush()
    audit.record("institution.created", institution, new=_institution_fields(institution))
    return institution


def update_institution(institution: Institution, **changes) -> Institution:
    """Change an institution's name, kind, grade, region or active flag (audited)."""
    if "name" in changes:
        changes["name"] = clean_name(changes["name"], label=_l("Institution name"))
    old = _institution_fields(institution)
    for field in ("name", "kind", "grade", "region", "is_active"):
        if field in changes:
            setattr(institution, field, changes[field])
    db.session.flush()
    new = _institution_fields(institution)
    if new != old:
        audit.record("institution.updated", institution, old=old, new=new)
    return institution


def _institution_fields(institution: Institution) -> dict:
    return {
        "name": institution.name,
        "credit_code": institution.credit_code,
        "kind": institution.kind,
        "grade": institution.grade,
        "region": institution.region.code if institution.region else None,
        "is_active": institution.is_active,
    }
