#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when one answers
# (LMS_TEST_POSTGRES_URL, else postgres@127.0.0.1:5432). Each PostgreSQL run
# creates and drops its own database. In CI a missing PostgreSQL is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

echo "== tests on SQLite"
LMS_TEST_DATABASE_URL="sqlite:///$workdir/test.db" "$BIN/pytest" -q "$@"

pg_admin_url=${LMS_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
if ! "$BIN/python" scripts/pgdb.py check "$pg_admin_url"; then
  if [ -n "${CI:-}" ]; then
    echo "PostgreSQL is not reachable at $pg_admin_url: in CI this run is required." >&2
    exit 1
  fi
  echo "== PostgreSQL not reachable: skipped (set LMS_TEST_POSTGRES_URL to run it)"
  exit 0
fi

dbname="carelms_test_$$"
test_url=$("$BIN/python" scripts/pgdb.py create "$pg_admin_url" "$dbname")
trap '"$BIN/python" scripts/pgdb.py drop "$pg_admin_url" "$dbname"; rm -rf "$workdir"' EXIT
echo "== tests on PostgreSQL ($dbname)"
# The browser tests check pages, not the database: they ran on SQLite above.
LMS_TEST_DATABASE_URL="$test_url" "$BIN/pytest" -q -m "not browser" "$@"
