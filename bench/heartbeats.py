"""Study-time heartbeats handled per second, on SQLite and PostgreSQL.

    .venv/bin/python bench/heartbeats.py [--learners 1000] [--rounds 5] [--threads 2]

Seeds N learners on one public course, signs each in (a real session
cookie), then sends ROUNDS heartbeats per learner through the whole Flask
stack (WSGI in process: session, access check, clock compare-and-set, commit)
from THREADS threads. PostgreSQL is used when a server answers on
LMS_TEST_POSTGRES_URL (default postgres@127.0.0.1:5432); each run creates and
drops its own database. Prints heartbeats/s and p50/p95 latency per backend.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

PASSWORD = "Bench#pass2026"


def seed(app, learners: int, workdir: Path) -> tuple[list[str], int]:
    """Regions, one public course and N trainees with accounts; returns the
    user names and the first lesson's id."""
    import random

    from lms.auth import services as accounts
    from lms.core.access import Role
    from lms.courses.content import read_course
    from lms.courses.services import import_course
    from lms.demo.identities import fake_id_number
    from lms.extensions import db
    from lms.people import services as people
    from lms.regions.queries import region_by_code
    from lms.regions.services import import_regions
    from tests.conftest import REGION_TREE
    from tests.courses.conftest import write_course

    rng = random.Random(1)
    with app.app_context():
        import_regions(REGION_TREE)
        spec = read_course(write_course(workdir / "content", "bench-course", minutes=45))
        import_course(spec)
        region = region_by_code("130102")
        usernames = []
        for index in range(learners):
            username = f"139{index:08d}"
            user = accounts.create_user(username=username, display_name="学员", password=PASSWORD)
            accounts.assign_role(user, Role.TRAINEE, by=None)
            people.register_person(name="学员", id_number=fake_id_number(rng, "130102"), phone=username,
                                   region=region, categories=["family_caregiver"], user=user)
            usernames.append(username)
        db.session.commit()
        from lms.courses.queries import course_by_slug

        lesson_id = course_by_slug("bench-course").lessons[0].id
    return usernames, lesson_id


def run(database_url: str, label: str, args, workdir: Path) -> None:
    from lms import create_app
    from lms.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PASSWORD_HASH_METHOD="scrypt:1024:8:1",
                     LOGIN_LIMIT_PER_ADDRESS="1000000 per minute", LOGIN_LIMIT_PER_ACCOUNT="1000 per minute")
    with app.app_context():
        db.create_all()
    started = time.perf_counter()
    usernames, lesson_id = seed(app, args.learners, workdir)
    clients = []
    for username in usernames:
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        clients.append(client)
    print(f"{label}: seeded and signed in {len(clients)} learners in {time.perf_counter() - started:.1f} s")

    def beat(client) -> float:
        t0 = time.perf_counter()
        response = client.post("/study/heartbeat", json={"lesson_id": lesson_id, "idle_seconds": 0})
        if response.status_code != 200:
            raise RuntimeError(f"heartbeat failed: {response.status_code}")
        return time.perf_counter() - t0

    latencies: list[float] = []
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        for _ in range(args.rounds):
            latencies.extend(pool.map(beat, clients))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"{label}: {len(latencies)} heartbeats in {elapsed:.1f} s = {len(latencies) / elapsed:.0f}/s "
          f"({args.threads} threads); p50 {statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; {args.learners} learners × {args.rounds} heartbeats")
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        os.environ["LMS_INSTANCE_PATH"] = str(workdir / "instance")
        run(f"sqlite:///{workdir / 'bench.db'}", "SQLite", args, workdir / "sqlite")
        import pgdb

        admin_url = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        if pgdb.main(["pgdb", "check", admin_url]) != 0:
            print("PostgreSQL: not reachable, skipped")
            return
        name = f"carelms_bench_{os.getpid()}"
        try:
            run(pgdb.create_database(admin_url, name), "PostgreSQL", args, workdir / "pg")
        finally:
            pgdb.main(["pgdb", "drop", admin_url, name])


if __name__ == "__main__":
    main()
