"""Writing generated rows in bulk: ``COPY`` on PostgreSQL, ``executemany``
elsewhere, as the rows are generated (ten million study records are never in
memory at once), with ids reserved up front when later rows refer to them,
and foreign keys checked once after the load. Used by the province generator.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, islice

from sqlalchemy import func, insert, select, text

from lms.extensions import db
from lms.quotas import exam_rollups, learners, rollups

CHUNK = 5_000  # rows per INSERT on SQLite, people per batch written with reserved ids


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write(table, rows: Iterable[dict]) -> int:
    """Append ``rows`` (dicts with the same keys), as they are generated;
    returns how many. PostgreSQL: one COPY, several times faster than INSERT
    at millions of rows, and the server stores rows while the next ones are
    made. Elsewhere: executemany in chunks. COPY applies no Python-side
    column defaults: rows carry every column they need."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    connection, count = db.session.connection(), 0
    if connection.dialect.name != "postgresql":
        for chunk in chunks(chain([first], rows)):
            db.session.execute(insert(table), chunk)
            count += len(chunk)
        return count
    columns = list(first)
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    # The session's own driver connection, so the rows join its transaction.
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in chain([first], rows):
            copy.write_row([row[column] for column in columns])
            count += 1
    return count


@contextmanager
def foreign_keys_checked_after(tables) -> Iterator[None]:
    """On PostgreSQL, drop the foreign keys of ``tables`` for the load and add
    them back after it: each is then checked by one join over all the rows
    instead of a trigger call per row (COPY runs three times faster). Inside
    the transaction, so a failed load gets them back with the rollback; the
    tables stay locked until the commit (a demo generator's price)."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        yield
        return
    keys = connection.execute(text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid::regclass::text = ANY(:tables) ORDER BY 1, 2"),
        {"tables": [table.name for table in tables]}).all()
    for table, name, _definition in keys:
        connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    for table, name, definition in keys:
        connection.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def reserve_ids(table, count: int) -> list[int]:
    """``count`` new primary keys for ``table``, so that rows can be written
    with their ids known (COPY returns none): taken from the sequence on
    PostgreSQL; on SQLite the transaction holds the write lock, so the ids
    after the largest are free."""
    if db.session.connection().dialect.name == "postgresql":
        return list(db.session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count) ORDER BY 1"),
            {"table": table.name, "count": count}))
    first = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))


def write_with_ids(table, rows: list[dict]) -> list[int]:
    """Write ``rows`` with reserved ids; returns the ids in input order."""
    ids = reserve_ids(table, len(rows))
    for row, row_id in zip(rows, ids, strict=True):
        row["id"] = row_id
    write(table, rows)
    return ids


def refresh_statistics() -> None:
    """After a bulk load: planner statistics, and the dashboard's rollups
    recounted (COPY and executemany bypass the services that keep them)."""
    # Fresh statistics for the planner: without them PostgreSQL plans the
    # dashboard's joins as if the tables were empty (seconds instead of ms).
    # Once before the rollups are rebuilt from the raw rows (so their queries
    # plan well), and again after, for the rollup tables themselves.
    db.session.flush()
    db.session.execute(text("ANALYZE"))
    # Rebuilt after bulk loads: COPY and executemany bypass the services that
    # keep the rollups up to date.
    rollups.rebuild()
    exam_rollups.rebuild()
    learners.rebuild()
    db.session.execute(text("ANALYZE"))
