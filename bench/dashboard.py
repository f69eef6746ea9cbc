"""Quota dashboard at province scale: p50/p95 for the province view, a unit
view and the Excel export, on SQLite and PostgreSQL.

    .venv/bin/python bench/dashboard.py [--scale province|nation] [--trainees N] [--requests 30]
        [--only sqlite|postgresql]

Each backend gets a fresh database: schema, content/ (regions, programmes,
plans, courses), the small demo, then `flask demo seed --scale province`
(45,000 trainees, ~1M study records, ~200,000 exam attempts, ~45,000 certificates); the generator
rebuilds the quota rollups after its bulk inserts, and this script rebuilds them again if a plan's
are not kept (so the figures never come from the raw-row fallback). Requests go through the whole
Flask stack in process, signed in as province staff. `--scale nation` times
the same views on ten times the data (450,000 trainees, ~10M study records,
~375,000 certificates; generating it takes minutes, on PostgreSQL best).
PostgreSQL is used when a server answers on LMS_TEST_POSTGRES_URL (default
postgres@127.0.0.1:5432); its database is dropped afterwards.
"""

import argparse
import statistics
import time

from backends import ROOT, on_each_backend  # noqa: E402, F401  (also puts the project on sys.path)

PLAN, CATEGORY = "hebei-2021-home-care", "caregiver"


def _timed(client, url: str, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples) * 1000, samples[max(0, int(len(samples) * 0.95) - 1)] * 1000


def run(database_url: str, label: str, args) -> None:
    from lms import create_app
    from lms.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PASSWORD_HASH_METHOD="scrypt:1024:8:1",
                     CACHE_TYPE="SimpleCache")
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    started = time.perf_counter()
    seed = ["demo", "seed", "--scale", args.scale] + (["--trainees", str(args.trainees)] if args.trainees else [])
    for command in (["content", "import"], seed):
        result = runner.invoke(args=command)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
    print(f"{label}: generated the {args.scale} in {time.perf_counter() - started:.0f} s")
    with app.app_context():
        from sqlalchemy import text

        from lms.quotas import rollups
        from lms.quotas.queries import plan_by_code

        if not rollups.is_kept(plan_by_code(PLAN)):
            started = time.perf_counter()
            report = rollups.rebuild()
            db.session.commit()
            print(f"{label}: rebuilt the quota rollups in {time.perf_counter() - started:.1f} s: {report.plans}")

        for table in ("people", "study_intervals", "exam_attempts", "certificates", "institutions",
                      "quota_rollups"):
            print(f"  {table}: {db.session.execute(text(f'SELECT count(*) FROM {table}')).scalar():,}")
    client = app.test_client()
    response = client.post("/login", data={"username": "province", "password": "Demo@2026care"})
    assert response.status_code == 302
    query = f"?plan={PLAN}&category={CATEGORY}"
    # Uncached: every request computes the counts (what the first visitor after
    # the cache expires waits for); cached: the counts come from the cache.
    for mode, seconds in (("uncached", 0), ("cached", 300)):
        app.config["QUOTA_CACHE_SECONDS"] = seconds
        for name, url in (("province view", f"/quotas/regions/130000{query}"),
                          ("unit view (石家庄)", f"/quotas/regions/130100{query}"),
                          ("export (province)", f"/quotas/regions/130000/export.xlsx{query}")):
            client.get(url)  # warm (and, cached, fills the cache)
            p50, p95 = _timed(client, url, args.requests)
            print(f"{label}: {mode:<9} {name:<20} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["province", "nation"], default="province")
    parser.add_argument("--trainees", type=int, default=None, help="default: the scale's (45,000 or 450,000)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    on_each_backend(lambda url, label: run(url, label, args), name="dash", only=args.only)


if __name__ == "__main__":
    main()
