"""What one request of an exam sitting costs, in-process: CPU milliseconds and
SQL statements per step, on PostgreSQL, with the production configuration.

    .venv/bin/python bench/exam_requests.py [--candidates 40] [--saves 10] [--profile STEP]

The surge bench (bench/exam_surge.py) says whether the targets are met under
load; this one says where a request's time goes, without the noise of a
saturated machine. A fresh database gets the surge bench's seed (the real
banks, a 100-question level-5 exam); each candidate then signs in (not
measured) and walks: "My exams", start (the POST), the paper, SAVES
autosaves, submit (confirmed) and the result, through Flask's test client —
no sockets, no gunicorn, so the figures are the application's own.

Prints, per step, the mean and median CPU time of the process (the test
client included, which is small), the PostgreSQL backends' CPU (read from
/proc in 10 ms ticks, so a mean over all the step's requests) and the
statements sent. ``--profile STEP``
adds a cProfile of that step's requests, sorted by own time.
"""

import argparse
import base64
import cProfile
import io
import os
import pstats
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

STEPS = ("healthz", "my exams", "start", "paper", "save", "submit", "result")


class Meter:
    """CPU time and statements per step; optionally a profile of one step."""

    def __init__(self, engine, profiled: str | None):
        from exam_surge import CpuMeter
        from sqlalchemy import event

        self.postgres = CpuMeter(os.getpid(), engine.url.database)
        self.cpu: dict[str, list[float]] = {step: [] for step in STEPS}
        self.postgres_cpu: dict[str, float] = {step: 0.0 for step in STEPS}
        self.statements: dict[str, list[int]] = {step: [] for step in STEPS}
        self.profiled = profiled
        self.profile = cProfile.Profile(time.process_time) if profiled else None
        self._count = 0
        event.listen(engine, "before_cursor_execute", self._counted)

    def _counted(self, *_args, **_kwargs) -> None:
        self._count += 1

    def measure(self, step: str, call):
        self._count = 0
        self.postgres.start()
        if step == self.profiled:
            self.profile.enable()
        started = time.process_time()
        response = call()
        spent = time.process_time() - started
        if step == self.profiled:
            self.profile.disable()
        self.postgres_cpu[step] += self.postgres.stop()["postgres"] * 1000
        self.cpu[step].append(spent * 1000)
        self.statements[step].append(self._count)
        return response


def walk(client, meter: Meter, exam_id: int, saves: int, rng: random.Random) -> None:
    """One candidate's sitting, each request measured under its step."""
    import re

    from exam_surge import CHOICE, PAPER_TOKEN

    meter.measure("healthz", lambda: client.get("/healthz"))
    page = meter.measure("my exams", lambda: client.get("/me/exams")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    started = meter.measure("start", lambda: client.post(f"/me/exams/{exam_id}/start",
                                                         data={"csrf_token": token, "confirmed": "1"}))
    assert started.status_code == 302, started.status_code
    paper_path = started.headers["Location"]
    page = meter.measure("paper", lambda: client.get(paper_path)).get_data(as_text=True)
    token = PAPER_TOKEN.search(page).group(1)
    choices: dict[int, list[str]] = {}
    for _kind, position, value in CHOICE.findall(page):
        choices.setdefault(int(position), []).append(value)
    for position in range(1, saves + 1):
        body = {"position": position, "answer": [rng.choice(choices[position])], "seq": position}  # one save each
        saved = meter.measure("save", lambda body=body: client.post(f"{paper_path}/answers", json=body,
                                                                    headers={"X-CSRFToken": token}))
        assert saved.status_code == 200, saved.get_data(as_text=True)
    submitted = meter.measure("submit", lambda: client.post(f"{paper_path}/submit", data={
        "csrf_token": token, "confirmed": "1"}))
    assert submitted.status_code == 302, submitted.status_code
    meter.measure("result", lambda: client.get(submitted.headers["Location"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--profile", choices=STEPS, help="cProfile this step's requests")
    args = parser.parse_args()

    import re
    import tempfile

    import pgdb
    from exam_surge import PASSWORD, seed

    admin_url = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    if pgdb.main(["pgdb", "check", admin_url]) != 0:
        sys.exit(f"PostgreSQL does not answer on {admin_url}")
    name = f"carelms_requests_{os.getpid()}"
    folder = tempfile.TemporaryDirectory()
    os.environ["LMS_INSTANCE_PATH"] = folder.name
    url = pgdb.create_database(admin_url, name)
    try:
        id_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
        usernames, exam_id = seed(url, id_key, args.candidates, random.Random(1))
        from lms import create_app
        from lms.extensions import db

        app = create_app("production", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=secrets.token_urlsafe(32),
                         ID_ENCRYPTION_KEY=id_key, SESSION_COOKIE_SECURE=False,
                         LOGIN_LIMIT_PER_ADDRESS="1000000 per minute", LOGIN_LIMIT_PER_ACCOUNT="1000 per minute")
        with app.app_context():
            meter = Meter(db.engine, args.profile)
        rng = random.Random(2)
        for username in usernames:
            client = app.test_client()
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            signed = client.post("/login", data={"csrf_token": token, "username": username,
                                                 "password": PASSWORD, "next": ""})
            assert signed.status_code == 302, signed.status_code
            walk(client, meter, exam_id, args.saves, rng)
        print(f"{args.candidates} candidates, {args.saves} saves each; CPU ms per request "
              "(first candidate dropped: warm-up)")
        print(f"{'step':<10} {'mean':>7} {'median':>7} {'PostgreSQL':>11} {'statements':>11}")
        for step in STEPS:
            values = meter.cpu[step][1:] if step != "save" else meter.cpu[step][args.saves:]
            postgres = meter.postgres_cpu[step] / len(meter.cpu[step])  # /proc ticks: a mean over all
            print(f"{step:<10} {statistics.fmean(values):7.2f} {statistics.median(values):7.2f} "
                  f"{postgres:11.2f} {meter.statements[step][-1]:>11}")
        if meter.profile:
            out = io.StringIO()
            pstats.Stats(meter.profile, stream=out).sort_stats("tottime").print_stats(40)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(meter.profile, stream=out).sort_stats("cumulative").print_stats(60)
            print(out.getvalue())
        with app.app_context():
            db.engine.dispose()
    finally:
        pgdb.main(["pgdb", "drop", admin_url, name])
        folder.cleanup()

if __name__ == "__main__":
    main()
