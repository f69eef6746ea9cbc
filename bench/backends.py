"""Run a benchmark once on a fresh SQLite file and once on a fresh
PostgreSQL database (when a server answers on LMS_TEST_POSTGRES_URL,
default postgres@127.0.0.1:5432; the database is dropped afterwards)."""

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def on_each_backend(run: Callable[[str, str], None], *, name: str, only: str | None = None) -> None:
    """Call ``run(database_url, label)`` for SQLite, then PostgreSQL (``only``
    picks one); ``name`` names the SQLite file and the PostgreSQL database."""
    print(f"machine: {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["LMS_INSTANCE_PATH"] = str(Path(folder) / "instance")
        if only != "postgresql":
            run(f"sqlite:///{Path(folder) / f'{name}.db'}", "SQLite")
        if only == "sqlite":
            return
        import pgdb
        from sqlalchemy.engine import make_url

        admin_url = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        if pgdb.main(["pgdb", "check", admin_url]) != 0:
            print("PostgreSQL: not reachable, skipped")
            return
        database = f"carelms_{name}_{os.getpid()}"
        pgdb.create_database(admin_url, database)
        try:
            url = make_url(admin_url).set(drivername="postgresql+psycopg", database=database)
            run(url.render_as_string(hide_password=False), "PostgreSQL")
        finally:
            pgdb.main(["pgdb", "drop", admin_url, database])
