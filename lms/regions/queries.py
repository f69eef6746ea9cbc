"""Reads for regions and institutions."""

from flask import abort
from sqlalchemy import false, func, or_, select

from lms.core.access import current_scopes, scope_clause
from lms.extensions import db
from lms.regions.models import Institution, Region, RegionLevel


def region_by_code(code: str) -> Region | None:
    """The region with this GB/T 2260 code, if loaded."""
    return db.session.scalar(select(Region).where(Region.code == code))


def regions_in_scope(levels: tuple[str, ...] = tuple(RegionLevel)) -> list[Region]:
    """Regions the current user may act in, in tree order, for form choices."""
    stmt = (
        select(Region)
        .where(Region.level.in_(levels), scope_clause(region_path=Region.path))
        .order_by(Region.path)
    )
    return list(db.session.scalars(stmt))


def region_tree_rows(root_path: str | None) -> list[tuple[Region, int]]:
    """Regions under ``root_path`` (all when None) with how many institutions
    each holds directly, in tree order."""
    counts = (
        select(Institution.region_id, func.count(Institution.id).label("n"))
        .group_by(Institution.region_id)
        .subquery()
    )
    stmt = (
        select(Region, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.region_id == Region.id)
        .order_by(Region.path)
    )
    if root_path:
        stmt = stmt.where(Region.path.startswith(root_path))
    return [(region, n) for region, n in db.session.execute(stmt)]


def institutions_stmt(search: str = "", kind: str = ""):
    """Institutions within the current user's scope, filtered, newest last."""
    stmt = (
        select(Institution)
        .join(Institution.region)
        .where(
            scope_clause(region_path=Region.path, institution_columns=[Institution.id])
        )
        .order_by(Region.path, Institution.name)
    )
    if search:
        stmt = stmt.where(
            Institution.name.contains(search.strip()) | (Institution.credit_code == search.strip().upper())
        )
    if kind:
        stmt = stmt.where(Institution.kind == kind)
    return stmt


def own_institution() -> Institution:
    """The institution of the signed-in institution staff member (their
    first institution scope); 403 for a user with none."""
    scope = next((s for s in current_scopes() if s.institution_id), None)
    if scope is None:
        abort(403)
    return db.session.get(Institution, scope.institution_id)


def institutions_in_scope() -> list[Institution]:
    """Active institutions the current user may act for, for form choices."""
    stmt = institutions_stmt().where(Institution.is_active.is_(True))
    return list(db.session.scalars(stmt))


def region_picker_choices() -> list[tuple[str, str]]:
    """(code, indented name) of the regions the current user works in, in tree
    order, for a region filter: a civil-affairs user's own subtree; for
    institution staff, the allocation unit their institution lies in."""
    regions = regions_in_scope()
    if not regions:
        unit_paths = {_unit_path(institution.region) for institution in institutions_in_scope()}
        regions = list(db.session.scalars(
            select(Region).where(or_(false(), *(Region.path.startswith(path) for path in unit_paths)))
            .order_by(Region.path)))
    top = min((region.path.count("/") for region in regions), default=0)
    return [(region.code, "\u3000" * (region.path.count("/") - top) + region.name) for region in regions]


def _unit_path(region: Region) -> str:
    """The path of the allocation unit (or province) a region belongs to."""
    while region.level == RegionLevel.COUNTY and region.parent is not None:
        region = region.parent
    return region.path
