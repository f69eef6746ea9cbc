"""Study-time heartbeats handled per second: in process on SQLite and
PostgreSQL, and through real HTTP (gunicorn) on PostgreSQL.

    .venv/bin/python bench/heartbeats.py [--learners 1000] [--rounds 5] [--threads 2]
    .venv/bin/python bench/heartbeats.py --http [--learners 1000 5000] [--rounds 5]
        [--workers 2] [--server-threads 4] [--clients 2] [--connections 4] [--rate 0]
        [--sign-in mint|pages]

In process (the default): seeds N learners on one public course, signs each
in (a real session cookie), then sends ROUNDS heartbeats per learner through
the whole Flask stack (WSGI in process, testing config: session, access
check, clock compare-and-set, commit) from THREADS threads. PostgreSQL is
used when a server answers on LMS_TEST_POSTGRES_URL (default
postgres@127.0.0.1:5432); each run creates and drops its own database.

--http, for each number of learners: a fresh PostgreSQL database (schema,
regions, one public course of two 45-minute lessons, N trainees with
accounts and person records, enrolled; one cheap password hash shared by
all), then gunicorn (`-k gthread`, WORKERS × SERVER_THREADS, the production
config, cookies not Secure: plain HTTP) on a free port of 127.0.0.1. Every
learner gets a real signed-in session: by default minted by the app's own
sign-in code (``start_session`` and Flask-WTF's token, signed with the
server's key, for this client's address and User-Agent), or with
``--sign-in pages`` through the login page and the lesson page, as a
browser does (three requests a learner, not timed). CLIENTS processes with
CONNECTIONS keep-alive connections each (raw HTTP/1.1 on a socket: a
request is prepared bytes, so the client costs little of the two cores it
shares with the server) share the learners; each connection sends its
learners' beats round after round, POST /study/heartbeat with the session
cookie, X-CSRFToken and {lesson_id, idle_seconds: 0}, back-to-back (closed
loop, CLIENTS × CONNECTIONS beats in flight) or, with --rate, paced to that
many beats a second in all (latency then counted from when a beat was due,
so a server that falls behind shows it). A learner's first beat starts a
study stretch, the following ones continue it and are credited.

Prints beats/s, p50/p95/p99, errors, CPU per beat of gunicorn, PostgreSQL
and the client, the machine's load average before and after (the machine
may be shared: other people's work shows there), and an honesty check from
the database: per learner, the lesson's credit equals the sum of its study
intervals and of the credits the responses reported, has one interval, and
never exceeds the wall time between the learner's first and last beat.
gunicorn is stopped and the database dropped at the end, also after an error.
"""

import argparse
import base64
import contextvars
import json
import multiprocessing
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

PASSWORD = "Bench#pass2026"
CHEAP_HASH = "scrypt:1024:8:1"  # sign-in is not what is measured
USER_AGENT = "carelms-bench/1"  # sessions are bound to address + User-Agent ("strong" protection)
REGION = "130102"
COURSE = "bench-course"
TARGET_RATE, TARGET_P95 = 500, 50.0  # beats/s, ms


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
        spec = read_course(write_course(workdir / "content", COURSE, minutes=45))
        import_course(spec)
        region = region_by_code(REGION)
        usernames = []
        for index in range(learners):
            username = f"139{index:08d}"
            user = accounts.create_user(username=username, display_name="学员", password=PASSWORD)
            accounts.assign_role(user, Role.TRAINEE, by=None)
            people.register_person(name="学员", id_number=fake_id_number(rng, REGION), phone=username,
                                   region=region, categories=["family_caregiver"], user=user)
            usernames.append(username)
        db.session.commit()
        from lms.courses.queries import course_by_slug

        lesson_id = course_by_slug(COURSE).lessons[0].id
    return usernames, lesson_id


def run(database_url: str, label: str, args, workdir: Path) -> None:
    from lms import create_app
    from lms.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PASSWORD_HASH_METHOD=CHEAP_HASH,
                     LOGIN_LIMIT_PER_ADDRESS="1000000 per minute", LOGIN_LIMIT_PER_ACCOUNT="1000 per minute")
    with app.app_context():
        db.create_all()
    started = time.perf_counter()
    usernames, lesson_id = seed(app, args.learners[0], workdir)
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


def in_process(args) -> None:
    print(f"machine: {os.cpu_count()} cores; {args.learners[0]} learners × {args.rounds} heartbeats")
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


# ── through HTTP: the database ─────────────────────────────────────────────

def seed_bulk(app, learners: int, workdir: Path) -> tuple[list[int], list[str], int]:
    """Schema, regions, the course and N enrolled trainees, in bulk. Returns
    the user ids, the user names and the first lesson's id."""
    import random

    from backends import insert_trainees
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from lms.core.time import utcnow
    from lms.courses.content import read_course
    from lms.courses.models import CourseEnrolment
    from lms.courses.queries import course_by_slug
    from lms.courses.services import import_course
    from lms.extensions import db
    from lms.people.models import Category, Person
    from lms.regions.queries import region_by_code
    from lms.regions.services import import_regions
    from tests.conftest import REGION_TREE
    from tests.courses.conftest import write_course

    rng = random.Random(1)
    with app.app_context():
        db.create_all()
        import_regions(REGION_TREE)
        import_course(read_course(write_course(workdir / "content", COURSE, minutes=45)))
        course = course_by_slug(COURSE)
        region, now = region_by_code(REGION), utcnow()
        password_hash = generate_password_hash(PASSWORD, method=CHEAP_HASH)  # once, shared by all
        usernames = [f"139{index:08d}" for index in range(learners)]
        person_ids = insert_trainees(rng, usernames, display_name="学员", region_code=REGION, region_id=region.id,
                                     password_hash=password_hash, category=Category.FAMILY_CAREGIVER.value, now=now)
        user_ids = list(db.session.scalars(select(Person.user_id).where(Person.id.in_(person_ids))
                                           .order_by(Person.id)))
        db.session.execute(insert(CourseEnrolment), [{"person_id": pid, "course_id": course.id, "enrolled_at": now}
                                                     for pid in person_ids])
        lesson_id = course.lessons[0].id
        db.session.commit()
        # Planner statistics for the tables just filled, as a live database has them.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    return user_ids, usernames, lesson_id


def mint_sessions(app, user_ids: list[int]) -> list[tuple[str, str]]:
    """(session cookie, CSRF token) per user, made by the app's own sign-in
    code for a request from 127.0.0.1 with USER_AGENT, signed with the app's
    key: what the login form would have set."""
    from flask import session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import select

    from lms.auth.models import User
    from lms.auth.session import start_session
    from lms.extensions import db

    serializer = app.session_interface.get_signing_serializer(app)

    def mint(user) -> tuple[str, str]:
        with app.test_request_context("/login", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                      headers={"User-Agent": USER_AGENT}):
            start_session(user)
            token = generate_csrf()
            return serializer.dumps(dict(session)), token

    with app.app_context():
        users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        # Each in a context of its own, as each request is (Flask-WTF keeps the token in ``g``).
        minted = [contextvars.Context().run(mint, users[user_id]) for user_id in user_ids]
        db.session.remove()
    return minted


# ── through HTTP: gunicorn ─────────────────────────────────────────────────

def start_server(args, database_url: str, secret_key: str, id_key: str, port: int,
                 folder: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
    env.update({"LMS_CONFIG": "production", "LMS_SESSION_COOKIE_SECURE": "0", "LMS_DATABASE_URL": database_url,
                "LMS_SECRET_KEY": secret_key, "LMS_ID_ENCRYPTION_KEY": id_key,
                "LMS_INSTANCE_PATH": str(folder / "instance"),
                "LMS_LOGIN_LIMIT_PER_ADDRESS": "1000000 per minute", "LMS_LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute"})
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [str(gunicorn), "-k", args.worker_class, "-w", str(args.workers), "--threads", str(args.server_threads),
               "-b", f"127.0.0.1:{port}", "--keep-alive", "30", "--backlog", "2048", "--timeout", "60",
               "--graceful-timeout", "10", "--log-level", "warning",
               "--error-logfile", str(folder / "gunicorn.log"), os.environ.get("HB_APP", "lms:create_app()")]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, start_new_session=True)


# ── through HTTP: the client ───────────────────────────────────────────────

class Refused(Exception):
    """An answer a browser's page would not have expected."""


class Connection:
    """One keep-alive HTTP/1.1 connection on a raw socket. Responses are read
    by their Content-Length, which gunicorn sends for every Flask response."""

    def __init__(self, port: int):
        self.port, self.sock, self.buffer = port, None, b""

    def exchange(self, request: bytes) -> tuple[int, bytes, bytes]:
        """Send prepared request bytes; (status, raw head, body)."""
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        try:
            self.sock.sendall(request)
            while b"\r\n\r\n" not in self.buffer:
                self._receive()
            head, _, rest = self.buffer.partition(b"\r\n\r\n")
            lower = head.lower()
            start = lower.find(b"\r\ncontent-length:")
            if start < 0:
                raise Refused("no Content-Length")
            end = lower.find(b"\r\n", start + 2)
            length = int(lower[start + 17:end if end >= 0 else None])
            while len(rest) < length:
                rest += self._read()
            self.buffer = rest[length:]
            if b"\r\nconnection: close" in lower:
                self.close()
            return int(head[9:12]), head, rest[:length]
        except (OSError, Refused, ValueError):
            self.close()
            raise

    def request(self, method: str, path: str, *, cookie: str = "", headers: dict | None = None,
                body: bytes = b"") -> tuple[int, bytes, bytes]:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", f"User-Agent: {USER_AGENT}"]
        lines += [f"Cookie: session={cookie}"] if cookie else []
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        lines += [f"Content-Length: {len(body)}"] if method == "POST" else []
        return self.exchange(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def _read(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise Refused("connection closed by the server")
        return chunk

    def _receive(self) -> None:
        self.buffer += self._read()

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""


SESSION_COOKIE = re.compile(rb"\r\nset-cookie: session=([^;\r\n]*)", re.IGNORECASE)
FORM_TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')
PAGE_TOKEN = re.compile(rb'data-csrf-token="([^"]+)"')


def sign_in_through_pages(connection: Connection, username: str) -> tuple[str, str]:
    """The login page, the sign-in form, the lesson page (for the token the
    page's script sends): (session cookie, CSRF token)."""
    from urllib.parse import urlencode

    def cookie_of(head: bytes, current: str) -> str:
        found = SESSION_COOKIE.search(head)
        return found.group(1).decode() if found else current

    status, head, page = connection.request("GET", "/login")
    cookie, token = cookie_of(head, ""), FORM_TOKEN.search(page)
    if status != 200 or token is None:
        raise Refused(f"login page: HTTP {status}")
    form = urlencode({"csrf_token": token.group(1).decode(), "username": username, "password": PASSWORD,
                      "next": ""}).encode()
    status, head, _ = connection.request("POST", "/login", cookie=cookie, body=form,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise Refused(f"sign in: HTTP {status}")
    cookie = cookie_of(head, cookie)
    status, head, page = connection.request("GET", f"/courses/{COURSE}/lessons/01-turning", cookie=cookie)
    token = PAGE_TOKEN.search(page)
    if status != 200 or token is None:
        raise Refused(f"lesson page: HTTP {status}")
    return cookie_of(head, cookie), token.group(1).decode()


def beat_request(port: int, lesson_id: int, cookie: str, token: str) -> bytes:
    body = json.dumps({"lesson_id": lesson_id, "idle_seconds": 0}).encode()
    return (f"POST /study/heartbeat HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: {USER_AGENT}\r\n"
            f"Cookie: session={cookie}\r\nX-CSRFToken: {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1") + body


def drive(port: int, lesson_id: int, learners: list[tuple[int, str, str, str]], options: dict,
          barrier, results) -> None:
    """A client process: sign in its learners (when asked), wait for the
    others, then send its beats over CONNECTIONS keep-alive connections.
    ``learners``: (user id, user name, cookie, token); puts its results on
    ``results``."""
    connections = options["connections"]
    shares = [learners[n::connections] for n in range(connections)]
    sessions: dict[int, list] = {}  # user id → [cookie, token, request bytes]
    credited: dict[int, list] = {}  # user id → [credited in all, first sent, last answered]
    latencies: list[float] = []
    errors: list[str] = []
    error_count = [0]
    lock = threading.Lock()

    def sign_in(share):
        connection = Connection(port)
        for user_id, username, cookie, token in share:
            try:
                if options["sign_in"] == "pages":
                    cookie, token = sign_in_through_pages(connection, username)
                sessions[user_id] = [cookie, token, beat_request(port, lesson_id, cookie, token)]
            except (OSError, Refused, ValueError) as error:
                with lock:
                    error_count[0] += 1
                    errors.append(f"sign in {username}: {type(error).__name__}: {error}")
        connection.close()

    def beats(share, rounds: int, start: float, period: float, timed: bool):
        connection = Connection(port)
        mine, due = [], start
        for _ in range(rounds):
            for user_id, *_rest in share:
                if user_id not in sessions:
                    continue
                if period:
                    due += period
                    wait = due - time.perf_counter()
                    if wait > 0:
                        time.sleep(wait)
                state = sessions[user_id]
                sent = time.perf_counter()
                try:
                    status, head, body = connection.exchange(state[2])
                    if status != 200 or b'"credited_seconds"' not in body:
                        raise Refused(f"HTTP {status}: {body[:120]!r}")
                except (OSError, Refused, ValueError) as error:
                    with lock:
                        error_count[0] += 1
                        if len(errors) < 10:
                            errors.append(f"beat: {type(error).__name__}: {error}")
                    continue
                answered = time.perf_counter()
                if timed:
                    mine.append(answered - (due if period else sent))
                found = SESSION_COOKIE.search(head)
                if found:  # the session was renewed ("seen_at", once a minute): as a browser, keep the new one
                    state[0] = found.group(1).decode()
                    state[2] = beat_request(port, lesson_id, state[0], state[1])
                record = credited.setdefault(user_id, [0, time.time() - (answered - sent), 0.0])
                record[0] += json.loads(body)["credited_seconds"]
                record[2] = time.time()
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=sign_in, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    signed_in = len(sessions)

    def send(rounds: int, period: float, timed: bool) -> None:
        start = time.perf_counter()
        threads = [threading.Thread(target=beats, args=(share, rounds, start + n * period / connections, period, timed))
                   for n, share in enumerate(shares)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    barrier.wait()  # everyone signed in
    send(options["warmup"], 0.0, timed=False)
    cpu_before = os.times()
    barrier.wait()  # everyone warmed up
    send(options["rounds"], options["connections_total"] / options["rate"] if options["rate"] else 0.0, timed=True)
    cpu_after = os.times()
    results.put({"latencies": latencies, "errors": error_count[0], "messages": errors, "signed_in": signed_in,
                 "credited": credited,
                 "cpu": cpu_after.user + cpu_after.system - cpu_before.user - cpu_before.system})


# ── through HTTP: one run ──────────────────────────────────────────────────

def honesty_check(app, lesson_id: int, user_ids: list[int], credited: dict) -> list[str]:
    """What the database holds against what the responses said."""
    from sqlalchemy import func, select

    from lms.courses.models import LessonProgress, StudyInterval
    from lms.extensions import db
    from lms.people.models import Person

    problems = []
    with app.app_context():
        person_of = dict(db.session.execute(select(Person.user_id, Person.id)
                                            .where(Person.user_id.in_(user_ids))).all())
        progress = dict(db.session.execute(select(LessonProgress.person_id, LessonProgress.credited_seconds)
                                           .where(LessonProgress.lesson_id == lesson_id)).all())
        intervals = {pid: (count, total) for pid, count, total in db.session.execute(
            select(StudyInterval.person_id, func.count(), func.sum(StudyInterval.credited_seconds))
            .where(StudyInterval.lesson_id == lesson_id).group_by(StudyInterval.person_id))}
        db.session.remove()
    for user_id, (reported, first, last) in credited.items():
        person = person_of[user_id]
        stored, (count, in_intervals) = progress.get(person, 0), intervals.get(person, (0, 0))
        if not stored == in_intervals == reported or count != 1 or stored > last - first + 1:
            problems.append(f"user {user_id}: progress {stored} s, intervals {count} with {in_intervals} s, "
                            f"responses {reported} s, wall {last - first:.1f} s")
    return problems


def cpu_of(server_pid: int, database: str) -> tuple[float, float]:
    """CPU seconds so far of gunicorn (master and workers) and of this database's PostgreSQL backends."""
    tick = os.sysconf("SC_CLK_TCK")
    server = postgres = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(entry.name) == server_pid or int(fields[1]) == server_pid:
            server += seconds
        elif command.startswith("postgres:") and f" {database} " in command:
            postgres += seconds
    return server, postgres


def http_run(args, learners: int, admin_url: str, folder: Path) -> dict:
    """One measured run on a fresh database and server; returns the figures."""
    import pgdb
    from exam_surge import _log_tail, free_port, percentile, stop_gunicorn, wait_healthy

    from lms import create_app

    name = f"carelms_heartbeats_{os.getpid()}_{learners}"
    database_url = pgdb.create_database(admin_url, name)
    secret_key = secrets.token_urlsafe(48)
    id_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    server = None
    try:
        app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY=secret_key,
                         ID_ENCRYPTION_KEY=id_key, SESSION_COOKIE_SECURE=False)
        started = time.perf_counter()
        user_ids, usernames, lesson_id = seed_bulk(app, learners, folder / f"content-{learners}")
        minted = mint_sessions(app, user_ids) if args.sign_in == "mint" else [("", "")] * learners
        print(f"\n{learners} learners: seeded{' and minted sessions' if args.sign_in == 'mint' else ''} "
              f"in {time.perf_counter() - started:.1f} s")
        port = free_port()
        server = start_server(args, database_url, secret_key, id_key, port, folder)
        print(f"gunicorn -k {args.worker_class} -w {args.workers} --threads {args.server_threads} up on 127.0.0.1:{port} "
              f"in {wait_healthy(server, port, folder):.1f} s")

        rows = [(uid, username, cookie, token)
                for uid, username, (cookie, token) in zip(user_ids, usernames, minted, strict=True)]
        options = {"connections": args.connections, "connections_total": args.clients * args.connections,
                   "rounds": args.rounds, "warmup": args.warmup, "rate": args.rate, "sign_in": args.sign_in}
        context = multiprocessing.get_context("fork")
        barrier, results = context.Barrier(args.clients + 1), context.Queue()
        processes = [context.Process(target=drive, args=(port, lesson_id, rows[n::args.clients], options,
                                                         barrier, results)) for n in range(args.clients)]
        started = time.perf_counter()
        for process in processes:
            process.start()
        barrier.wait(timeout=1800)
        signed_in_after = time.perf_counter() - started
        barrier.wait(timeout=1800)  # the untimed warm-up round is done
        load_before = os.getloadavg()
        server_cpu, postgres_cpu = cpu_of(server.pid, name)
        started = time.perf_counter()
        outcomes = [results.get(timeout=3600) for _ in processes]
        wall = time.perf_counter() - started
        server_after, postgres_after = cpu_of(server.pid, name)
        load_after = os.getloadavg()
        for process in processes:
            process.join(timeout=60)
    finally:
        if server is not None:
            stop_gunicorn(server)
            log = _log_tail(folder, 10)
            if log.strip() and log != "(no log)":
                print(f"gunicorn log (last lines):\n{log}")
    try:
        credited = {uid: record for outcome in outcomes for uid, record in outcome["credited"].items()}
        problems = honesty_check(app, lesson_id, user_ids, credited)
        with app.app_context():
            from lms.extensions import db

            db.engine.dispose()
    finally:
        pgdb.main(["pgdb", "drop", admin_url, name])

    latencies = sorted(value * 1000 for outcome in outcomes for value in outcome["latencies"])
    errors = sum(outcome["errors"] for outcome in outcomes)
    beats, client_cpu = len(latencies), sum(outcome["cpu"] for outcome in outcomes)
    signed_in = sum(outcome["signed_in"] for outcome in outcomes)
    figures = {"learners": learners, "beats": beats, "rate": beats / wall, "p50": percentile(latencies, 50),
               "p95": percentile(latencies, 95), "p99": percentile(latencies, 99), "errors": errors,
               "server_ms": (server_after - server_cpu) * 1000 / max(beats, 1),
               "postgres_ms": (postgres_after - postgres_cpu) * 1000 / max(beats, 1),
               "client_ms": client_cpu * 1000 / max(beats, 1), "load": (load_before[0], load_after[0])}
    mode = f"paced to {args.rate}/s" if args.rate else "back-to-back"
    print(f"signed in {signed_in} of {learners} learners ({args.sign_in}, {signed_in_after:.1f} s)")
    print(f"{beats} heartbeats in {wall:.1f} s = {figures['rate']:.0f}/s ({mode}, {args.clients} client processes "
          f"× {args.connections} keep-alive connections)")
    print(f"latency ms: p50 {figures['p50']:.1f}, p95 {figures['p95']:.1f}, p99 {figures['p99']:.1f}, "
          f"max {(latencies[-1] if latencies else float('nan')):.1f}; errors {errors}")
    for message in [m for outcome in outcomes for m in outcome["messages"]][:10]:
        print(f"  error: {message}")
    print(f"CPU per beat: gunicorn {figures['server_ms']:.2f} ms, PostgreSQL {figures['postgres_ms']:.2f} ms, "
          f"client {figures['client_ms']:.2f} ms ({client_cpu:.1f} s of {(os.cpu_count() or 1) * wall:.0f} "
          f"core-seconds); load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"honesty check: {len(credited) - len(problems)} of {len(credited)} learners' credit matches their "
          f"intervals and responses, one interval each, within wall time"
          + ("" if not problems else f" — {len(problems)} DO NOT:"))
    for problem in problems[:5]:
        print(f"  {problem}")
    figures["honest"] = not problems
    return figures


def over_http(args) -> None:
    import pgdb

    admin_url = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    if pgdb.main(["pgdb", "check", admin_url]) != 0:
        sys.exit(f"PostgreSQL does not answer on {admin_url}")
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}; target ≥ {TARGET_RATE}/s "
          f"with p95 < {TARGET_P95:.0f} ms")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        os.environ["LMS_INSTANCE_PATH"] = str(Path(folder) / "bench-instance")
        for learners in args.learners:
            rows.append(http_run(args, learners, admin_url, Path(folder)))
    print("\n| learners | heartbeats | beats/s | p50 | p95 | p99 | errors | CPU/beat gunicorn · PostgreSQL · client "
          "| load avg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['learners']:,} | {row['beats']:,} | {row['rate']:.0f} | {row['p50']:.1f} ms | "
              f"{row['p95']:.1f} ms | {row['p99']:.1f} ms | {row['errors']} | {row['server_ms']:.2f} · "
              f"{row['postgres_ms']:.2f} · {row['client_ms']:.2f} ms | {row['load'][0]:.2f} → {row['load'][1]:.2f} |")
    met = all(row["rate"] >= TARGET_RATE and row["p95"] < TARGET_P95 and not row["errors"] and row["honest"]
              for row in rows)
    print(f"target: {'met' if met else 'MISSED'}")
    sys.exit(0 if met else 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--http", action="store_true", help="through gunicorn on PostgreSQL")
    parser.add_argument("--learners", type=int, nargs="+", default=None,
                        help="in process: one number (default 1000); --http: one run each (default 1000 5000)")
    parser.add_argument("--rounds", type=int, default=5, help="heartbeats per learner (timed)")
    parser.add_argument("--warmup", type=int, default=1, help="--http: untimed rounds before (each learner's "
                                                               "first beat starts a stretch; workers warm up)")
    parser.add_argument("--threads", type=int, default=2, help="in process: client threads")
    parser.add_argument("--workers", type=int, default=2, help="--http: gunicorn worker processes")
    parser.add_argument("--server-threads", type=int, default=4, help="--http: gunicorn threads per worker")
    parser.add_argument("--worker-class", default="gthread", help="--http: gunicorn worker class")
    parser.add_argument("--clients", type=int, default=2, help="--http: client processes")
    parser.add_argument("--connections", type=int, default=4, help="--http: keep-alive connections per client")
    parser.add_argument("--rate", type=float, default=0, help="--http: beats/s in all (0: back-to-back)")
    parser.add_argument("--sign-in", choices=("mint", "pages"), default="mint",
                        help="--http: sessions minted by the app's sign-in code, or through the login page")
    args = parser.parse_args()
    if args.http:
        args.learners = args.learners or [1000, 5000]
        over_http(args)
    else:
        args.learners = args.learners or [1000]
        in_process(args)


if __name__ == "__main__":
    main()
