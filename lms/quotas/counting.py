"""What the dashboard's kept counts have in common: region levels, adding to
counters without losing a concurrent writer's change, and taking one
person's counts at a time.

Every kept count (``rollups``, ``exam_rollups``, ``learners``) counts a thing
in its region and in each of that region's ancestors, so that a dashboard
reads only the rows of the region it shows and of its children.
"""

from collections.abc import Iterable, Mapping

from sqlalchemy import Integer, bindparam, delete, text, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db

SEGMENT = 7  # "130100/": every GB/T 2260 code is 6 digits, plus the slash
# First key of pg_advisory_xact_lock(key, person id): keeps these locks apart
# from advisory locks taken for anything else.
PERSON_LOCK_SPACE = 4_201
ROWS_PER_STATEMENT = 2_000  # bounded statements, even for a nation's worth of days or counties


def region_levels(path: str) -> list[str]:
    """The path and every ancestor's: "130000/130100/130102/" gives
    "130000/", "130000/130100/" and itself."""
    return [path[:SEGMENT * level] for level in range(1, len(path) // SEGMENT + 1)]


def is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def add_counts(model, key: tuple[str, ...], deltas: Mapping[tuple, Iterable[int]], counters: tuple[str, ...]) -> None:
    """Add ``deltas`` ({key values: differences of ``counters``}) to
    ``model``'s rows with upserts (``n = n + excluded.n``), so that
    concurrent writers never lose each other's counts. Rows go in key order,
    so that concurrent writers lock shared rows in the same order. Rows
    counted down to nothing go, so that the table is exactly what a rebuild
    writes."""
    changed = sorted((values, tuple(differences)) for values, differences in deltas.items() if any(differences))
    insert = postgresql.insert if is_postgres() else sqlite.insert
    for start in range(0, len(changed), ROWS_PER_STATEMENT):
        rows = [{**dict(zip(key, values, strict=True)), **dict(zip(counters, differences, strict=True))}
                for values, differences in changed[start:start + ROWS_PER_STATEMENT]]
        stmt = insert(model).values(rows)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=list(key),
            set_={name: getattr(model, name) + getattr(stmt.excluded, name) for name in counters}))
    lowered = [values for values, differences in changed if min(differences) < 0]
    for start in range(0, len(lowered), ROWS_PER_STATEMENT):
        db.session.execute(delete(model).where(
            tuple_(*(getattr(model, column) for column in key)).in_(lowered[start:start + ROWS_PER_STATEMENT]),
            *(getattr(model, name) == 0 for name in counters)))


def lock_people(person_ids: Iterable[int]) -> None:
    """On PostgreSQL, take each person's transaction lock, in one order (no
    deadlock between two writers of several people): two transactions that
    change one person's counts then take turns, and the second reads what
    the first committed. SQLite lets one writer in at a time anyway."""
    ids = sorted(set(person_ids))
    if not ids or not is_postgres():
        return
    # Locked in the inner query's order, one statement for a whole roster.
    db.session.execute(text(
        "SELECT pg_advisory_xact_lock(:space, person) "
        "FROM (SELECT unnest(:ids) AS person ORDER BY 1) AS ordered"
    ).bindparams(bindparam("ids", type_=postgresql.ARRAY(Integer))), {"space": PERSON_LOCK_SPACE, "ids": ids})
