"""Create, drop or probe a PostgreSQL test database (used by test-all.sh).

    pgdb.py check  ADMIN_URL          exit 0 when the server answers
    pgdb.py create ADMIN_URL NAME     create NAME, print its SQLAlchemy URL
    pgdb.py drop   ADMIN_URL NAME     drop NAME (and its connections)
"""

import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


def _connect(admin_url: str):
    url = make_url(admin_url)
    return psycopg.connect(
        host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
        password=url.password, dbname=url.database or "postgres", autocommit=True, connect_timeout=3,
    )


def create_database(admin_url: str, name: str) -> str:
    """Create database ``name``; returns its SQLAlchemy URL."""
    with _connect(admin_url) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def main(argv: list[str]) -> int:
    command, admin_url = argv[1], argv[2]
    try:
        connection = _connect(admin_url)
    except psycopg.OperationalError:
        return 1
    with connection:
        if command == "check":
            return 0
        name = argv[3]
        if command == "create":
            print(create_database(admin_url, name))
        elif command == "drop":
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
