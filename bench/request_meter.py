"""What the in-process request benches share (bench/study_requests.py,
bench/exam_requests.py): a fresh PostgreSQL database, the production app on
it, signed-in test clients, and a meter of CPU and statements per step."""

import base64
import cProfile
import io
import os
import pstats
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def fresh_postgres(name: str) -> Iterator[tuple[str, Path]]:
    """(database URL, instance folder) of a new PostgreSQL database, dropped
    afterwards (also after an error); exits when no server answers."""
    import pgdb

    admin_url = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    if pgdb.main(["pgdb", "check", admin_url]) != 0:
        sys.exit(f"PostgreSQL does not answer on {admin_url}")
    database = f"carelms_{name}_{os.getpid()}"
    folder = tempfile.TemporaryDirectory()
    os.environ["LMS_INSTANCE_PATH"] = folder.name
    url = pgdb.create_database(admin_url, database)
    try:
        yield url, Path(folder.name)
    finally:
        pgdb.main(["pgdb", "drop", admin_url, database])
        folder.cleanup()


def new_id_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def production_app(url: str, id_key: str):
    """The app with the production configuration (cookies not Secure: no
    HTTPS in process; sign-in limits out of the way of a bench)."""
    from lms import create_app

    return create_app("production", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=secrets.token_urlsafe(32),
                      ID_ENCRYPTION_KEY=id_key, SESSION_COOKIE_SECURE=False,
                      LOGIN_LIMIT_PER_ADDRESS="1000000 per minute", LOGIN_LIMIT_PER_ACCOUNT="1000 per minute")


def signed_in_client(app, username: str, password: str):
    """A test client signed in through the login page, as a browser would."""
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    signed = client.post("/login", data={"csrf_token": token, "username": username, "password": password,
                                         "next": ""})
    assert signed.status_code == 302, signed.status_code
    return client


class Meter:
    """CPU time and statements per step; optionally a profile of one step."""

    def __init__(self, engine, steps: tuple[str, ...], profiled: str | None = None):
        from exam_surge import CpuMeter
        from sqlalchemy import event

        self.steps = steps
        self.postgres = CpuMeter(os.getpid(), engine.url.database)
        self.cpu: dict[str, list[float]] = {step: [] for step in steps}
        self.postgres_cpu: dict[str, float] = {step: 0.0 for step in steps}
        self.statements: dict[str, list[int]] = {step: [] for step in steps}
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

    def print_table(self, kept) -> None:
        """Per step: mean and median CPU ms of the requests ``kept(step,
        values)`` keeps (warm-up dropped), PostgreSQL's CPU (from /proc in
        10 ms ticks, so a mean over all the step's requests), statements."""
        width = max(len(step) for step in self.steps) + 2
        print(f"{'step':<{width}} {'mean':>7} {'median':>7} {'PostgreSQL':>11} {'statements':>11}")
        for step in self.steps:
            values = kept(step, self.cpu[step])
            postgres = self.postgres_cpu[step] / len(self.cpu[step])
            print(f"{step:<{width}} {statistics.fmean(values):7.2f} {statistics.median(values):7.2f} "
                  f"{postgres:11.2f} {self.statements[step][-1]:>11}")

    def print_profile(self) -> None:
        """The profiled step's functions, by own time and by cumulative time."""
        if self.profile is None:
            return
        for order, lines in (("tottime", 40), ("cumulative", 60)):
            out = io.StringIO()
            pstats.Stats(self.profile, stream=out).sort_stats(order).print_stats(lines)
            print(out.getvalue())
