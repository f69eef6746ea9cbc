"""Exam-start surge: N candidates start the same exam within about a minute,
save answers and submit, against gunicorn on PostgreSQL.

    .venv/bin/python bench/exam_surge.py [--candidates 1000] [--ramp 60] [--answers 20]
        [--workers 2] [--threads 4] [--clients 64] [--think 10 30] [--settle 10] [--seed 1]

A fresh PostgreSQL database (LMS_TEST_POSTGRES_URL, default
postgres@127.0.0.1:5432) gets the schema by `flask db upgrade`, content/
(`flask content import`), one training provider, N trainees (account, trainee
role, person record; one password hash shared by all, with cheap scrypt
parameters, since sign-in is not what is measured) and one exam open now:
caregiver level 5, 100 questions of 1 point drawn from the real banks.

gunicorn (`-k gthread`, WORKERS × THREADS) then serves `lms:create_app()` on
a free port of 127.0.0.1, on that database, with the production config
(session cookies not marked Secure: the bench speaks plain HTTP) and the
sign-in limits raised. The client is a browser in miniature (cookie jar, CSRF
token from the pages, `X-CSRFToken` on the JSON autosave), one fresh
connection per request, from CLIENTS threads that share the candidates:

  1. every candidate signs in and opens "My exams" (not timed), then SETTLE
     seconds pass, as before an exam opens;
  2. the surge: candidate starts are spread evenly at random over RAMP
     seconds; each POSTs /me/exams/<id>/start and GETs the paper it is
     redirected to (timed together as "start"), saves ANSWERS answers
     (POST /me/attempts/<id>/answers, JSON) with THINK seconds between them,
     then submits the paper with those answers, confirmed (POST …/submit,
     "submit"), and opens the result it is redirected to ("result").

THINK, the time a candidate takes over a question, is 10–30 s by default:
a 100-question paper in 90 minutes allows 54 s a question, and reading a
stem and four options takes a fast reader ten seconds. The surge is the
starts: all within RAMP. `--think 0.5 2` is a stress test instead — every
candidate answering a question a second, which no exam room does.

Prints p50/p95/p99 per step, request and error counts (any status outside
2xx/3xx, an unexpected page, or an exception), wall time and throughput,
next to the targets: p95 start < 300 ms, p95 save < 100 ms, 0 errors. The
client runs on the same machine, so it takes some of the CPU; "client lag"
says how late steps began against their schedule (a lagging client means
the figures understate the load asked for). gunicorn is stopped and the
database dropped at the end, also after an error.

Worker settings: the default, -w 2 --threads 4, was the best of those tried
on 2 cores (300 candidates over 20 s, each run saturated, so the server's CPU
per request and the throughput decide): 2 workers used 15.5–18 ms of CPU per
request against 18–20 ms for 4 workers and 21 ms for 6 (more processes on
two cores only add switching; throughput did not rise), and 4 threads let a
worker go on while another request waits on PostgreSQL (2×2 and 2×8 were no
better). The machine was shared with other jobs, so single runs vary by ±20 %.
"""

import argparse
import base64
import heapq
import http.client
import json
import math
import os
import platform
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

PASSWORD = "Bench#pass2026"
CHEAP_HASH = "scrypt:1024:8:1"  # what bench/heartbeats.py uses; sign-in is not timed
REGION = "130102"
# Caregiver level 5, 100 questions × 1 point: each row fits what content/questions
# holds at level 5 for that area and kind (in brackets).
BLUEPRINT = [
    {"area": "ethics_basics", "kind": "single", "count": 15, "points": 1},  # (18)
    {"area": "ethics_basics", "kind": "true_false", "count": 5, "points": 1},  # (6)
    {"area": "daily_care", "kind": "single", "count": 15, "points": 1},  # (22)
    {"area": "daily_care", "kind": "multiple", "count": 5, "points": 1},  # (7)
    {"area": "daily_care", "kind": "true_false", "count": 5, "points": 1},  # (7)
    {"area": "basic_care", "kind": "single", "count": 15, "points": 1},  # (22)
    {"area": "basic_care", "kind": "multiple", "count": 5, "points": 1},  # (7)
    {"area": "basic_care", "kind": "true_false", "count": 5, "points": 1},  # (7)
    {"area": "rehabilitation", "kind": "single", "count": 10, "points": 1},  # (18)
    {"area": "psychological_support", "kind": "single", "count": 10, "points": 1},  # (17)
    {"area": "care_assessment", "kind": "single", "count": 5, "points": 1},  # (11)
    {"area": "hospice", "kind": "single", "count": 5, "points": 1},  # (7)
]
TARGETS = {"start": 300.0, "save": 100.0}  # p95, ms
REQUEST_TIMEOUT = 30.0


# ── database ────────────────────────────────────────────────────────────────

def seed(database_url: str, id_key: str, candidates: int, rng: random.Random) -> tuple[list[str], int]:
    """Schema, content, an institution, N trainees and an exam open now.
    Returns the user names and the exam's id."""
    from backends import insert_trainees
    from flask_migrate import upgrade
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from lms import create_app
    from lms.core.time import utcnow
    from lms.demo.identities import fake_credit_code
    from lms.exams import services as exams
    from lms.extensions import db
    from lms.people.models import Category, Person
    from lms.regions.models import InstitutionKind
    from lms.regions.queries import region_by_code
    from lms.regions.services import create_institution
    from lms.training.models import Programme
    from lms.training.services.prior import record_prior_hours

    app = create_app("default", SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="bench-seed",
                     ID_ENCRYPTION_KEY=id_key)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["content", "import"])
    if result.exit_code != 0:
        raise RuntimeError(f"flask content import failed:\n{result.output}") from result.exception
    with app.app_context():
        region = region_by_code(REGION)
        home = create_institution(name="长安区护理职业培训学校（压测）", credit_code=fake_credit_code(rng, REGION),
                                  kind=InstitutionKind.TRAINING_PROVIDER, grade=None, region=region)
        now = utcnow()
        password_hash = generate_password_hash(PASSWORD, method=CHEAP_HASH)  # once, shared by all
        usernames = [f"139{index:08d}" for index in range(candidates)]
        person_ids = insert_trainees(rng, usernames, display_name="考生", region_code=REGION, region_id=region.id,
                                     password_hash=password_hash, category=Category.CAREGIVER.value, now=now,
                                     employer_id=None, registered_by_institution_id=home.id)
        programme = db.session.scalar(select(Programme).where(Programme.code == "CG-5"))
        exam = exams.create_exam(
            title="养老护理员五级理论知识考试（压测）", institution=home, programme=programme, audience="caregiver",
            level=5, blueprint=BLUEPRINT, duration_minutes=90, pass_mark=60, attempts_allowed=2,
            opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=1), by=None)
        candidates = list(db.session.scalars(select(Person).where(Person.id.in_(person_ids))))
        for person in candidates:  # the programme's hours, or they are not admitted (short of hours)
            record_prior_hours(person, programme, hours=programme.hours,
                               reason="2025年第3期线下培训班签到表（纸质，已存档）", by=None)
        exams.add_candidates(exam, candidates)
        db.session.commit()
        exam_id = exam.id
        # Planner statistics for the tables just filled, as a live database has them
        # (else autovacuum gathers them in the middle of the surge).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    return usernames, exam_id


def tally(database_url: str, id_key: str, exam_id: int) -> dict:
    """What the database holds after the surge (a check that the work was done)."""
    from sqlalchemy import func, select

    from lms import create_app
    from lms.exams.models import Attempt, AttemptItem
    from lms.extensions import db

    app = create_app("default", SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="bench-seed",
                     ID_ENCRYPTION_KEY=id_key)
    with app.app_context():
        statuses = dict(db.session.execute(select(Attempt.status, func.count()).where(Attempt.exam_id == exam_id)
                                           .group_by(Attempt.status)).all())
        answered = db.session.scalar(select(func.count()).select_from(AttemptItem).join(Attempt)
                                     .where(Attempt.exam_id == exam_id, AttemptItem.given != ""))
        items = db.session.scalar(select(func.count()).select_from(AttemptItem).join(Attempt)
                                  .where(Attempt.exam_id == exam_id))
        db.engine.dispose()
    return {"statuses": statuses, "answered": answered, "items": items}


# ── gunicorn ────────────────────────────────────────────────────────────────

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(args, database_url: str, id_key: str, port: int, folder: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
    env.update({
        "LMS_CONFIG": "production", "LMS_SESSION_COOKIE_SECURE": "0", "LMS_DATABASE_URL": database_url,
        "LMS_SECRET_KEY": secrets.token_urlsafe(48), "LMS_ID_ENCRYPTION_KEY": id_key,
        "LMS_INSTANCE_PATH": str(folder / "instance"),
        "LMS_LOGIN_LIMIT_PER_ADDRESS": "1000000 per minute", "LMS_LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
    })
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [str(gunicorn), "-k", "gthread", "-w", str(args.workers), "--threads", str(args.threads),
               "-b", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "10",
               "--log-level", "warning", "--error-logfile", str(folder / "gunicorn.log"), "lms:create_app()"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(server: subprocess.Popen, port: int, folder: Path, limit: float = 60.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{_log_tail(folder)}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return time.monotonic() - started
            connection.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz in {limit:.0f} s:\n{_log_tail(folder)}")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # SIGTERM to the master (our own child): graceful stop of its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _log_tail(folder: Path, lines: int = 30) -> str:
    log = folder / "gunicorn.log"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no log)"


# ── the client ──────────────────────────────────────────────────────────────

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
CHOICE = re.compile(r'<input type="(radio|checkbox)" name="q(\d+)" value="([^"]*)"')
PAPER_TOKEN = re.compile(r'data-csrf-token="([^"]+)"')


class Refused(Exception):
    """A response the candidate's browser would not have expected."""


class Browser:
    """One person's cookie jar. By default a fresh connection per request;
    with ``keep_alive`` one persistent connection, as a browser keeps to a
    site (and nginx to its upstreams with ``keepalive``), opened again when
    the server has closed it."""

    def __init__(self, port: int, *, keep_alive: bool = False):
        self.port = port
        self.keep_alive = keep_alive
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, *, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, str, str]:
        """(status, Location path, body text)."""
        sent = {"Accept-Language": "zh-CN", **(headers or {})}
        if not self.keep_alive:
            sent["Connection"] = "close"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reused = self._connection is not None
        connection = self._connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            connection.close()
            self._connection = None
            if not reused:
                raise
            return self.request(method, path, body=body, headers=headers)  # the server closed an idle connection
        except BaseException:
            connection.close()
            self._connection = None
            raise
        if self.keep_alive and not response.will_close:
            self._connection = connection
        else:
            connection.close()
            self._connection = None
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, value = header.split(";", 1)[0].strip().partition("=")
            expired = "max-age=0" in header.lower() or "expires=thu, 01 jan 1970" in header.lower()
            if expired or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        location = urlsplit(response.headers.get("Location") or "").path
        return response.status, location, text

    def get(self, path: str) -> tuple[int, str, str]:
        return self.request("GET", path)

    def post_form(self, path: str, fields) -> tuple[int, str, str]:
        return self.request("POST", path, body=urlencode(fields, doseq=True).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})


def _expect(status: int, wanted: int, what: str) -> None:
    if status != wanted:
        raise Refused(f"{what}: HTTP {status}, expected {wanted}")


def _form_token(page: str, what: str) -> str:
    found = CSRF_INPUT.search(page)
    value = VALUE.search(found.group(0)) if found else None
    if not value:
        raise Refused(f"{what}: no CSRF token on the page")
    return value.group(1)


class Recorder:
    """Latencies (ms) and errors per step, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = {}
        self.finished: dict[str, list[tuple[float, float]]] = {}  # (monotonic end, ms) per step
        self.requests: dict[str, int] = {}
        self.errors: dict[str, int] = {}
        self.messages: list[str] = []
        self.lag: list[float] = []

    def ok(self, step: str, seconds: float, requests: int) -> None:
        with self.lock:
            self.samples.setdefault(step, []).append(seconds * 1000)
            self.finished.setdefault(step, []).append((time.monotonic(), seconds * 1000))
            self.requests[step] = self.requests.get(step, 0) + requests

    def error(self, step: str, message: str, requests: int) -> None:
        with self.lock:
            self.errors[step] = self.errors.get(step, 0) + 1
            self.requests[step] = self.requests.get(step, 0) + requests
            if len(self.messages) < 10:
                self.messages.append(f"{step}: {message}")


class Candidate:
    """One candidate's walk through the exam: sign in (before the surge), then
    start, ANSWERS saves, submit; ``step()`` does the next thing and says when
    the one after is due (None: finished)."""

    def __init__(self, port: int, username: str, exam_id: int, rng: random.Random, args, recorder: Recorder):
        self.browser = Browser(port)
        self.username, self.exam_id, self.rng, self.args, self.recorder = username, exam_id, rng, args, recorder
        self.token = ""
        self.attempt_path = ""
        self.choices: dict[int, tuple[str, list[str]]] = {}  # position → (radio|checkbox, values)
        self.given: dict[int, list[str]] = {}
        self.stage = 0

    def sign_in(self) -> bool:
        """Login page, sign in, "My exams" (with the start button); not timed."""
        requests = 0
        try:
            status, _loc, page = self.browser.get("/login")
            requests += 1
            _expect(status, 200, "login page")
            status, location, _page = self.browser.post_form(
                "/login", {"csrf_token": _form_token(page, "login page"), "username": self.username,
                           "password": PASSWORD, "next": ""})
            requests += 1
            _expect(status, 302, "sign in")
            status, _loc, page = self.browser.get("/me/exams")
            requests += 1
            _expect(status, 200, "my exams")
            if f"/me/exams/{self.exam_id}/start" not in page:
                raise Refused("my exams: no start button")
            self.token = _form_token(page, "my exams")
        except (OSError, http.client.HTTPException, Refused) as error:
            self.recorder.error("sign in", f"{type(error).__name__}: {error}", requests)
            return False
        self.recorder.ok("sign in", 0.0, requests)
        return True

    def step(self) -> float | None:
        if self.stage == 0:
            done = self._timed("start", self._start)
        elif self.stage <= min(self.args.answers, len(self.choices)):
            done = self._timed("save", self._save)
        else:
            self._timed("submit", self._submit)
            return None
        if not done:
            return None
        self.stage += 1
        return time.monotonic() + self.rng.uniform(*self.args.think)

    def _timed(self, step: str, action) -> bool:
        started = time.perf_counter()
        counter = [0]
        try:
            action(counter)
        except (OSError, http.client.HTTPException, Refused) as error:
            self.recorder.error(step, f"{type(error).__name__}: {error}", counter[0])
            return False
        if step != "submit":  # submit records its own two parts
            self.recorder.ok(step, time.perf_counter() - started, counter[0])
        return True

    def _start(self, counter: list[int]) -> None:
        status, location, _page = self.browser.post_form(f"/me/exams/{self.exam_id}/start",
                                                         {"csrf_token": self.token, "confirmed": "1"})
        counter[0] += 1
        _expect(status, 302, "start")
        if not re.fullmatch(r"/me/attempts/\d+", location):
            raise Refused(f"start: redirected to {location or '(nowhere)'}, not to a paper")
        status, _loc, page = self.browser.get(location)
        counter[0] += 1
        _expect(status, 200, "paper")
        token = PAPER_TOKEN.search(page)
        for kind, position, value in CHOICE.findall(page):
            self.choices.setdefault(int(position), (kind, []))[1].append(value)
        if not token or not self.choices:
            raise Refused("paper: no CSRF token or no questions")
        self.token, self.attempt_path = token.group(1), location

    def _save(self, counter: list[int]) -> None:
        position = self.stage
        kind, values = self.choices[position]
        answer = sorted(self.rng.sample(values, 2)) if kind == "checkbox" and len(values) > 1 \
            else [self.rng.choice(values)]
        # Numbered as the page numbers them: one more per save of the attempt.
        body = json.dumps({"position": position, "answer": answer, "seq": self.stage}).encode()
        status, _loc, text = self.browser.request(
            "POST", f"{self.attempt_path}/answers", body=body,
            headers={"Content-Type": "application/json", "X-CSRFToken": self.token})
        counter[0] += 1
        _expect(status, 200, "save")
        if '"saved":true' not in text.replace(" ", ""):
            raise Refused(f"save: unexpected answer {text[:80]!r}")
        self.given[position] = answer

    def _submit(self, counter: list[int]) -> None:
        fields = [("csrf_token", self.token), ("confirmed", "1")] + [
            (f"q{p}", v) for p, values in self.given.items() for v in values]
        started = time.perf_counter()
        status, location, _page = self.browser.post_form(f"{self.attempt_path}/submit", fields)
        counter[0] += 1
        _expect(status, 302, "submit")
        if location != f"{self.attempt_path}/result":
            raise Refused(f"submit: redirected to {location or '(nowhere)'}")
        self.recorder.ok("submit", time.perf_counter() - started, 1)
        counter[0] = 0  # the submit request is recorded; what follows is the result page's
        started = time.perf_counter()
        try:
            status, _loc, _page = self.browser.get(location)
            _expect(status, 200, "result")
        except (OSError, http.client.HTTPException, Refused) as error:
            self.recorder.error("result", f"{type(error).__name__}: {error}", 1)
            return
        self.recorder.ok("result", time.perf_counter() - started, 1)


class Schedule:
    """Candidates' next steps by due time, run by a bounded pool of threads.
    Stops when every candidate is done or at ``deadline`` (monotonic)."""

    def __init__(self, deadline: float, recorder: Recorder):
        self.deadline, self.recorder = deadline, recorder
        self.heap: list[tuple[float, int, Candidate]] = []
        self.cond = threading.Condition()
        self.running = 0
        self.counter = 0

    def add(self, due: float, candidate: Candidate) -> None:
        with self.cond:
            self.counter += 1
            heapq.heappush(self.heap, (due, self.counter, candidate))
            self.cond.notify()

    def _next(self) -> tuple[float, Candidate] | None:
        with self.cond:
            while True:
                now = time.monotonic()
                if now >= self.deadline or (not self.heap and self.running == 0):
                    self.cond.notify_all()
                    return None
                if self.heap and self.heap[0][0] <= now:
                    due, _n, candidate = heapq.heappop(self.heap)
                    self.running += 1
                    return due, candidate
                wait = self.heap[0][0] - now if self.heap else 0.5
                self.cond.wait(min(wait, 0.5, self.deadline - now))

    def work(self) -> None:
        while (task := self._next()) is not None:
            due, candidate = task
            self.recorder.lag.append(time.monotonic() - due)
            after = None
            try:
                after = candidate.step()
            finally:
                with self.cond:
                    self.running -= 1
                    if after is not None:
                        self.counter += 1
                        heapq.heappush(self.heap, (after, self.counter, candidate))
                    # One waiter re-reads the heap; waking all 64 on every step made the
                    # client burn a core when most threads wait (slow candidates).
                    self.cond.notify()

    def left(self) -> int:
        return len(self.heap)


# ── report ──────────────────────────────────────────────────────────────────

class CpuMeter:
    """CPU seconds used by gunicorn (master and workers), by this database's
    PostgreSQL backends and by this process (the client), and how busy the
    whole machine was, between ``start()`` and ``stop()``. Linux /proc only;
    elsewhere it reports nothing."""

    def __init__(self, server_pid: int, database: str):
        self.server_pid, self.database = server_pid, database
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.available = Path("/proc/stat").exists()

    def _stat(self, pid: str) -> tuple[int, float] | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / self.tick  # ppid, utime + stime

    def _sample(self) -> dict:
        server = postgres = 0.0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            stat = self._stat(entry.name)
            if stat is None:
                continue
            ppid, seconds = stat
            if int(entry.name) == self.server_pid or ppid == self.server_pid:
                server += seconds
            else:
                try:
                    command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                if command.startswith("postgres:") and f" {self.database} " in command:
                    postgres += seconds
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        ticks = [int(v) for v in fields]
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
        usage = os.times()
        return {"server": server, "postgres": postgres, "client": usage.user + usage.system,
                "machine_total": sum(ticks[:8]), "machine_idle": idle}

    def start(self) -> None:
        self.before = self._sample() if self.available else None

    def stop(self) -> dict | None:
        if not self.before:
            return None
        after = self._sample()
        used = {key: after[key] - self.before[key] for key in after}
        total = used["machine_total"] or 1
        used["machine_busy"] = 1 - used["machine_idle"] / total
        return used


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest rank."""
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def report_over_time(recorder: Recorder, begin: float, window: float = 30.0) -> None:
    """p50 / p95 of start and save per window of the run: where the load was."""
    ends = [end for step in ("start", "save") for end, _ms in recorder.finished.get(step, [])]
    if not ends:
        return
    print(f"\nover time ({window:.0f} s windows from the first start): start p50/p95 · save p50/p95 (ms)")
    for first in range(0, int((max(ends) - begin) // window) + 1):
        low, high = begin + first * window, begin + (first + 1) * window
        cells = []
        for step in ("start", "save"):
            values = sorted(ms for end, ms in recorder.finished.get(step, []) if low <= end < high)
            cells.append(f"{step} {len(values):>5} × {percentile(values, 50):>6.0f} / {percentile(values, 95):>6.0f}"
                         if values else f"{step} {0:>5}")
        print(f"  {first * window:>4.0f}–{(first + 1) * window:<4.0f} s   " + "   ".join(cells))


def report(recorder: Recorder, wall: float) -> int:
    print(f"\n{'step':<8} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8}   target")
    total_requests = total_errors = 0
    for step in ("start", "save", "submit", "result"):
        values = sorted(recorder.samples.get(step, []))
        requests, errors = recorder.requests.get(step, 0), recorder.errors.get(step, 0)
        total_requests += requests
        total_errors += errors
        target = ""
        if step in TARGETS:
            p95 = percentile(values, 95)
            target = f"p95 < {TARGETS[step]:.0f} ms: {'met' if p95 < TARGETS[step] else 'MISSED'}"
        print(f"{step:<8} {requests:>9} {errors:>7} {percentile(values, 50):>8.1f} {percentile(values, 95):>8.1f} "
              f"{percentile(values, 99):>8.1f} {(values[-1] if values else float('nan')):>8.1f}   {target}")
    print("(start = POST start + GET paper; submit = the POST with the answers; result = the page after it)")
    lag = sorted(recorder.lag)
    print(f"surge: {total_requests} requests in {wall:.1f} s = {total_requests / wall:.0f} requests/s; "
          f"errors {total_errors} (target 0: {'met' if total_errors == 0 else 'MISSED'})")
    print(f"client lag (step began after its due time): p50 {percentile(lag, 50) * 1000:.0f} ms, "
          f"p95 {percentile(lag, 95) * 1000:.0f} ms, max {(lag[-1] if lag else 0) * 1000:.0f} ms")
    for message in recorder.messages:
        print(f"  error: {message}")
    return total_errors


def run(args, database_url: str, folder: Path) -> None:
    from sqlalchemy.engine import make_url

    rng = random.Random(args.seed)
    id_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    started = time.perf_counter()
    usernames, exam_id = seed(database_url, id_key, args.candidates, rng)
    print(f"seeded schema, content, {len(usernames)} candidates and exam {exam_id} "
          f"in {time.perf_counter() - started:.1f} s")

    port = free_port()
    server = start_gunicorn(args, database_url, id_key, port, folder)
    try:
        print(f"gunicorn up on 127.0.0.1:{port} in {wait_healthy(server, port, folder):.1f} s")
        recorder = Recorder()
        people = [Candidate(port, name, exam_id, random.Random(args.seed * 100_003 + index), args, recorder)
                  for index, name in enumerate(usernames)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            signed_in = [c for c, ok in zip(people, pool.map(Candidate.sign_in, people), strict=True) if ok]
        sign_in_errors = recorder.errors.get("sign in", 0)
        print(f"signed in {len(signed_in)} of {len(people)} candidates in {time.perf_counter() - started:.1f} s "
              f"(not timed; {sign_in_errors} errors)")

        # Candidates sign in before the exam opens; the sign-in burst is not the
        # surge, so let the machine settle before the first start.
        time.sleep(args.settle)
        # Starts spread evenly at random over the ramp; each candidate then walks its paper.
        begin = time.monotonic() + 0.5
        think_max = args.think[1]
        deadline = begin + args.ramp + (args.answers + 2) * (think_max + 5) + 300
        schedule = Schedule(deadline, recorder)
        meter = CpuMeter(server.pid, make_url(database_url).database)
        load_before = os.getloadavg()
        meter.start()
        for candidate in signed_in:
            schedule.add(begin + rng.uniform(0, args.ramp), candidate)
        started = time.perf_counter()
        threads = [threading.Thread(target=schedule.work, name=f"client-{n}", daemon=True)
                   for n in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic() + 60))
        wall = time.perf_counter() - started
        cpu = meter.stop()
        unfinished = schedule.left() + schedule.running
        if unfinished:
            recorder.error("surge", f"{unfinished} candidates not finished by the deadline", 0)
            print(f"stopped at the deadline with {unfinished} candidates not finished")
        errors = report(recorder, wall) + sign_in_errors + (1 if unfinished else 0)
        report_over_time(recorder, begin)
        print(f"load average (1 min) before the surge {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}")
        if cpu:
            requests = sum(recorder.requests.get(step, 0) for step in ("start", "save", "submit", "result"))
            print(f"CPU during the surge: gunicorn {cpu['server']:.0f} s "
                  f"({cpu['server'] * 1000 / max(requests, 1):.1f} ms per request), PostgreSQL {cpu['postgres']:.0f} s, "
                  f"client {cpu['client']:.0f} s, of {(os.cpu_count() or 1) * wall:.0f} core-seconds; "
                  f"machine {cpu['machine_busy']:.0%} busy (other processes included)")
        counts = tally(database_url, id_key, exam_id)
        print(f"database: attempts {counts['statuses']}; {counts['answered']} of {counts['items']} "
              f"paper items answered (expected {len(signed_in) * args.answers})")
        print(f"all errors, sign-in included: {errors}")
    finally:
        stop_gunicorn(server)
        log = _log_tail(folder, 15)
        if log.strip() and log != "(no log)":
            print(f"gunicorn log (last lines):\n{log}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--ramp", type=float, default=60.0, help="seconds over which the starts are spread")
    parser.add_argument("--answers", type=int, default=20, help="answers saved per candidate (≤ 100)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--clients", type=int, default=64, help="client threads shared by the candidates")
    parser.add_argument("--think", type=float, nargs=2, default=(10.0, 30.0), metavar=("MIN", "MAX"),
                        help="seconds a candidate takes over a question (uniform; see above)")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds between the (untimed) sign-ins and the first start")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 0 < args.answers <= 100 or args.candidates < 1 or args.ramp < 0 or args.think[0] > args.think[1]:
        parser.error("need 1 ≤ answers ≤ 100, candidates ≥ 1, ramp ≥ 0 and think MIN ≤ MAX")

    import pgdb

    admin_url = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    if pgdb.main(["pgdb", "check", admin_url]) != 0:
        sys.exit(f"PostgreSQL does not answer on {admin_url}")
    print(f"machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
          f"Python {platform.python_version()}")
    print(f"gunicorn: -k gthread -w {args.workers} --threads {args.threads} "
          f"({args.workers * args.threads} requests at once)")
    print(f"surge: {args.candidates} candidates, starts over {args.ramp:.0f} s, {args.answers} answers each, "
          f"think {args.think[0]}–{args.think[1]} s, {args.clients} client threads, seed {args.seed}")
    name = f"carelms_surge_{os.getpid()}"
    with tempfile.TemporaryDirectory() as folder:
        os.environ["LMS_INSTANCE_PATH"] = str(Path(folder) / "seed-instance")
        database_url = pgdb.create_database(admin_url, name)
        try:
            run(args, database_url, Path(folder))
        finally:
            pgdb.main(["pgdb", "drop", admin_url, name])


if __name__ == "__main__":
    main()
