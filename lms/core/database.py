"""Engine set-up that the ORM does not do by itself."""

from collections.abc import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, a busy timeout and foreign keys for every SQLite connection.

    WAL lets readers go on while one writer writes; the busy timeout makes a
    second writer wait instead of failing at once. Transactions begin with
    BEGIN IMMEDIATE: a deferred transaction that read first and writes later
    fails at once ("database is locked") when another writer committed in
    between, whatever the timeout; taking the write lock up front makes it
    wait its turn instead. The driver's own transaction handling is switched
    off so that this, and SAVEPOINTs, work (the SQLAlchemy pysqlite recipe).
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# SQLite before 3.32 refuses a statement with more than 999 bound values:
# an IN list or a bulk insert goes in pieces of this size.
IN_LIST_CHUNK = 500


def in_chunks(items: list, size: int = IN_LIST_CHUNK) -> Iterator[list]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
