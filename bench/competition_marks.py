"""Competition marking: 20 judges × 60 contestants × 10 aspects entered
concurrently through HTTP on PostgreSQL; prints marks/s, p95 save latency
(target < 100 ms) and lost marks (must be 0).

    .venv/bin/python bench/competition_marks.py [--judges 20] [--contestants 60] [--aspects 10]
        [--workers 2] [--threads 4] [--resave 0.1] [--pairs 3] [--scheme daily-feeding] [--seed 1]

A fresh PostgreSQL database (LMS_TEST_POSTGRES_URL, default
postgres@127.0.0.1:5432) gets the schema by `flask db upgrade` and the region
tree (content/regions.yaml); then JUDGES accounts holding the examiner role
(one password hash shared by all, with cheap scrypt parameters: sign-in is
not what is measured) and CONTESTANTS people spread over three counties of
石家庄 (长安区, 桥西区, 新华区). Through the competition services: a
published city competition of 石家庄 with one round and one station, whose
scheme is a real one from content/competitions/stations (SCHEME) cut to
ASPECTS aspects — its first ones, the last two of them replaced by the
scheme's first two judgement aspects, so that both kinds of mark are
entered (the shipped schemes list their measurement aspects first); every
person entered by their county (places to match), every judge appointed
with no unit (so no conflicts of interest: each marks every contestant) and
assigned to the station; the round drawn. The bench reads the contestants'
and aspects' ids and the values each aspect allows from the database.

gunicorn (`-k gthread`, WORKERS × THREADS; see bench/exam_surge.py, whose
server and client helpers this bench reuses) serves `lms:create_app()` with
the production config. One client thread per judge — a browser in
miniature, with its cookie jar and a fresh connection per request — signs
in through /login and opens the mark sheet, GET /judging/stations/<id>,
for the CSRF token its autosave sends (not timed). Then all judges start
together (a barrier) and each saves every mark of the sheet (CONTESTANTS ×
ASPECTS) back-to-back, in a random order, as the page's autosave does:
POST /judging/stations/<id>/marks, JSON {contestant, aspect, value, seq}
with X-CSRFToken, seq increasing with every save, values the aspect allows
(a grade 0–3, or full points, none, or full less a listed deduction).
RESAVE of the marks are saved again later with another value and a higher
seq (a judge correcting a mark), and PAIRS times per judge a mark is sent
out of order — seq n+1, then seq n — for which the older save must be
answered "stale" and the newer value kept. Every save is timed.

Afterwards the database is tallied: every judge × contestant × aspect must
have its row, holding the value (and seq) of the judge's save with the
highest seq that was answered "saved". Lost marks = rows missing + rows
holding anything else. Prints the saves sent, wall time, marks/s, p50 /
p95 / p99 save latency, errors (any answer outside 2xx, or an exception,
with the first messages), stale answers received against those expected and
lost marks, next to the targets: p95 save < 100 ms, 0 lost. Each judge saves
with no pause, so this is a stress test: 20 judges at a real event save a
mark every few seconds each, not a hundred times a second. The client runs
on the same machine and takes some of the CPU. gunicorn is stopped and the
database dropped at the end, also after an error.

Figures (2 cores, defaults, the machine shared with other work at load
average 2–3): 353–401 saves/s, p50 47–53 ms, p95 65–78 ms, 0 errors, 0 lost,
60 of 60 stale answers. A save costs about 2.4 ms of gunicorn CPU (the
checking read and the upsert are built once per dialect and run as Core
statements on the session's connection; the account and its roles load in
one plain query) and 1.2 ms of PostgreSQL, so the latency is mostly
queueing: twenty judges each with a save in flight wait 20 ÷ throughput on
average (Little's law). The checking read names the contestant, aspect and
station by bound value in its subqueries: when they referred to the outer
row, PostgreSQL's generic plan for the prepared statement read all of a
judge's marks and a save cost 2.8 ms of database CPU (p95 106–118 ms).
PostgreSQL showed no lock waits (the share lock on the station row is not
contended): its sessions wait on the Python side.
"""

import argparse
import base64
import dataclasses
import http.client
import json
import os
import platform
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from exam_surge import (
    CHEAP_HASH,
    PASSWORD,
    Browser,
    CpuMeter,
    Recorder,
    Refused,
    _expect,
    _form_token,
    _log_tail,
    free_port,
    percentile,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

CITY = "130100"  # 石家庄市
COUNTIES = ("130102", "130104", "130105")  # 长安区, 桥西区, 新华区
TARGET_P95 = 100.0  # ms, per save
JUDGEMENT_ASPECTS = 2  # of the station's aspects, when the scheme has them

# The sheet's token for its JSON saves: an attribute or a meta tag; failing
# those, any form's hidden csrf_token (Flask-WTF's token is per session).
SHEET_TOKEN = (re.compile(r'data-csrf-token="([^"]+)"'),
               re.compile(r'<meta[^>]*name="csrf-token"[^>]*content="([^"]+)"'),
               re.compile(r'<meta[^>]*content="([^"]+)"[^>]*name="csrf-token"'))
SHEET_SEQ = re.compile(r'data-seq="(\d+)"')


@dataclasses.dataclass(frozen=True)
class Seeded:
    """What the client needs to know, read back from the database."""

    station_id: int
    usernames: list[str]  # the judges'
    judge_ids: dict[str, int]  # username → competition_judges.id
    contestant_ids: list[int]
    aspects: list[tuple[int, str, list[int]]]  # (id, kind, allowed values), in the sheet's order


# ── database ────────────────────────────────────────────────────────────────

def station_scheme(code: str, aspects: int):
    """The content scheme ``code`` cut to ``aspects`` aspects: its first ones,
    the last JUDGEMENT_ASPECTS replaced by its first judgement aspects."""
    from lms.competitions.schemes import JUDGEMENT, scheme_by_code

    spec = scheme_by_code(code)
    if spec is None:
        raise SystemExit(f"no station scheme {code!r} in content/competitions/stations")
    if aspects > len(spec.aspects):
        raise SystemExit(f"scheme {code} has {len(spec.aspects)} aspects, fewer than --aspects {aspects}")
    judged = [a for a in spec.aspects if a.kind == JUDGEMENT][:min(JUDGEMENT_ASPECTS, aspects // 2)]
    chosen = list(spec.aspects[:aspects])
    if not any(a.kind == JUDGEMENT for a in chosen) and judged:
        chosen = chosen[:aspects - len(judged)] + judged
    return dataclasses.replace(spec, aspects=tuple(chosen))


def seed(database_url: str, id_key: str, args, rng: random.Random) -> Seeded:
    """Schema, regions, judges, people and a drawn competition round."""
    import yaml
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select
    from werkzeug.security import generate_password_hash

    from lms import create_app
    from lms.auth.models import RoleAssignment, User
    from lms.competitions.models import Aspect, Contestant
    from lms.competitions.services import entries, events, judging
    from lms.core.access import Role
    from lms.core.content import content_dir
    from lms.core.crypto import encrypt_text
    from lms.core.masking import mask_id_number
    from lms.core.time import utcnow
    from lms.demo.identities import fake_id_number, fake_name
    from lms.extensions import db
    from lms.people.models import ID_NUMBER_CONTEXT, Category, Person, PersonCategory
    from lms.people.services import id_number_fingerprint
    from lms.regions.queries import region_by_code
    from lms.regions.services import import_regions

    app = create_app("default", SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="bench-seed",
                     ID_ENCRYPTION_KEY=id_key)
    with app.app_context():
        upgrade()
        import_regions(yaml.safe_load((content_dir() / "regions.yaml").read_text(encoding="utf-8")))
        db.session.commit()
        now = utcnow()

        # Judges: accounts with the examiner role, in bulk.
        password_hash = generate_password_hash(PASSWORD, method=CHEAP_HASH)  # once, shared by all
        usernames = [f"138{index:08d}" for index in range(args.judges)]
        users = [{"username": name, "display_name": f"裁判{index + 1}", "password_hash": password_hash,
                  "is_active_account": True, "must_change_password": False, "failed_login_count": 0,
                  "is_totp_enabled": False, "session_version": 1, "password_changed_at": now, "created_at": now}
                 for index, name in enumerate(usernames)]
        user_ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), users))
        db.session.execute(insert(RoleAssignment), [{"user_id": uid, "role": Role.EXAMINER.value, "created_at": now}
                                                    for uid in user_ids])

        # Contestants: people registered in three counties of the city, in bulk.
        counties = [region_by_code(code) for code in COUNTIES]
        seen, people = set(), []
        for index in range(args.contestants):
            county = counties[index % len(counties)]
            number = fake_id_number(rng, county.code)
            while number in seen:
                number = fake_id_number(rng, county.code)
            seen.add(number)
            people.append({
                "name": fake_name(rng), "id_number_encrypted": encrypt_text(number, context=ID_NUMBER_CONTEXT),
                "id_number_hash": id_number_fingerprint(number), "id_number_masked": mask_id_number(number),
                "birth_date": date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                "sex": "M" if int(number[16]) % 2 else "F", "phone": f"137{index:08d}", "region_id": county.id,
                "employer_id": None, "registered_by_institution_id": None, "user_id": None, "created_at": now})
        person_ids = list(db.session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True),
                                             people))
        db.session.execute(insert(PersonCategory), [{"person_id": pid, "category": Category.CAREGIVER.value}
                                                    for pid in person_ids])
        db.session.commit()

        # The competition, through its services, as the organiser would set it up.
        today = date.today()
        rules = events.CompetitionRules(
            name="石家庄市养老护理职业技能大赛（压测）", level="city", item="养老护理", starts_on=today,
            ends_on=today + timedelta(days=1), theory_weight=20, practical_weight=80)
        competition = events.create_competition(region=region_by_code(CITY), rules=rules, by=None)
        round_ = events.add_round(competition, name="决赛", by=None)
        station = events.add_station(round_, station_scheme(args.scheme, args.aspects), by=None)
        people_of = {county.id: [] for county in counties}
        for person in db.session.scalars(select(Person).where(Person.id.in_(person_ids)).order_by(Person.id)):
            people_of[person.region_id].append(person)
        for county in counties:
            events.set_allowance(competition, county, len(people_of[county.id]), by=None)
        events.publish_competition(competition, by=None)
        for county in counties:
            for person in people_of[county.id]:
                entries.enter_contestant(competition, person, county, by=None)
        judge_ids = {}
        for user in db.session.scalars(select(User).where(User.id.in_(user_ids))):
            judge = judging.appoint_judge(competition, user, unit=None, by=None)
            judging.assign_to_station(station, judge, by=None)
            judge_ids[user.username] = judge.id
        contestants = entries.make_draw(round_, by=None, seed=f"bench-{args.seed}")
        db.session.commit()
        aspects = [(aspect.id, aspect.kind, sorted(aspect.allowed_values()))
                   for aspect in db.session.scalars(select(Aspect).where(Aspect.station_id == station.id)
                                                    .order_by(Aspect.position))]
        seeded = Seeded(station_id=station.id, usernames=usernames, judge_ids=judge_ids,
                        contestant_ids=[c.id for c in contestants], aspects=aspects)
        if len(seeded.contestant_ids) != args.contestants or db.session.scalar(
                select(func.count()).select_from(Contestant).where(Contestant.number.is_(None))):
            raise RuntimeError("the draw did not number every contestant")
        # Planner statistics for the tables just filled, as a live database has them.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    return seeded


def stored_marks(database_url: str, id_key: str, station_id: int) -> dict[tuple[int, int, int], tuple[int, int]]:
    """(judge id, contestant id, aspect id) → (value, seq) of the station's marks."""
    from sqlalchemy import select

    from lms import create_app
    from lms.competitions.models import Aspect, Mark
    from lms.extensions import db

    app = create_app("default", SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="bench-seed",
                     ID_ENCRYPTION_KEY=id_key)
    with app.app_context():
        rows = db.session.execute(
            select(Mark.judge_id, Mark.contestant_id, Mark.aspect_id, Mark.value, Mark.seq)
            .join(Aspect, Aspect.id == Mark.aspect_id).where(Aspect.station_id == station_id)).all()
        db.engine.dispose()
    return {(j, c, a): (v, s) for j, c, a, v, s in rows}


# ── the client ──────────────────────────────────────────────────────────────

class JudgeClient:
    """One judge's browser: sign in, open the sheet, then save every mark."""

    def __init__(self, port: int, username: str, seeded: Seeded, rng: random.Random, args, recorder: Recorder):
        self.browser = Browser(port, keep_alive=args.keep_alive)
        self.username, self.seeded, self.rng, self.args, self.recorder = username, seeded, rng, args, recorder
        self.path = f"/judging/stations/{seeded.station_id}"
        self.token = ""
        self.seq = 0
        # (contestant, aspect) → highest seq answered "saved" and its value; and the
        # saves whose outcome is unknown (an error), which may have landed too.
        self.acknowledged: dict[tuple[int, int], tuple[int, int]] = {}
        self.unknown: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self.sent = self.stale = self.stale_expected = self.stale_missed = self.stale_unexpected = 0

    def sign_in(self) -> bool:
        """Login page, sign in, the mark sheet (for its token); not timed."""
        requests = 0
        try:
            status, _loc, page = self.browser.get("/login")
            requests += 1
            _expect(status, 200, "login page")
            status, _loc, _page = self.browser.post_form(
                "/login", {"csrf_token": _form_token(page, "login page"), "username": self.username,
                           "password": PASSWORD, "next": ""})
            requests += 1
            _expect(status, 302, "sign in")
            status, _loc, page = self.browser.get(self.path)
            requests += 1
            _expect(status, 200, "mark sheet")
            found = next((m for pattern in SHEET_TOKEN if (m := pattern.search(page))), None)
            self.token = found.group(1) if found else _form_token(page, "mark sheet")
            first = SHEET_SEQ.search(page)  # the page's save counter starts where the judge's last save left it
            self.seq = int(first.group(1)) - 1 if first else 0
        except (OSError, http.client.HTTPException, Refused) as error:
            self.recorder.error("sign in", f"{self.username}: {type(error).__name__}: {error}", requests)
            return False
        self.recorder.ok("sign in", 0.0, requests)
        return True

    def plan(self) -> list[tuple[str, tuple[int, int]]]:
        """Every mark once in a random order; RESAVE of them again somewhere
        after their first save; PAIRS out-of-order pairs anywhere."""
        marks = [(c, a) for c in self.seeded.contestant_ids for a, _kind, _values in self.seeded.aspects]
        self.rng.shuffle(marks)
        keyed = [(float(index), "save", mark) for index, mark in enumerate(marks)]
        for index in self.rng.sample(range(len(marks)), round(len(marks) * self.args.resave)):
            keyed.append((self.rng.uniform(index + 0.5, len(marks)), "save", marks[index]))
        for mark in self.rng.sample(marks, min(self.args.pairs, len(marks))):
            keyed.append((self.rng.uniform(0, len(marks)), "pair", mark))
        keyed.sort(key=lambda item: item[0])
        return [(what, mark) for _key, what, mark in keyed]

    def run(self, barrier: threading.Barrier) -> None:
        allowed = {aspect: values for aspect, _kind, values in self.seeded.aspects}
        steps = self.plan()
        barrier.wait()
        for what, mark in steps:
            values = allowed[mark[1]]
            previous = self.acknowledged.get(mark, (0, None))[1]
            value = self.rng.choice([v for v in values if v != previous] or values)
            if what == "save":
                self.seq += 1
                self._save(mark, value, self.seq, expect_stale=False)
            else:  # seq n+1, then seq n with another value: the older must be refused
                self.seq += 2
                older = self.rng.choice([v for v in values if v != value] or values)
                if self._save(mark, value, self.seq, expect_stale=False) == "saved":
                    self._save(mark, older, self.seq - 1, expect_stale=True)

    def _save(self, mark: tuple[int, int], value: int, seq: int, *, expect_stale: bool) -> str | None:
        contestant, aspect = mark
        body = json.dumps({"contestant": contestant, "aspect": aspect, "value": value, "seq": seq}).encode()
        self.sent += 1
        self.stale_expected += expect_stale
        started = time.perf_counter()
        try:
            status, _loc, text = self.browser.request(
                "POST", f"{self.path}/marks", body=body,
                headers={"Content-Type": "application/json", "X-CSRFToken": self.token})
            elapsed = time.perf_counter() - started
            if not 200 <= status < 300:
                raise Refused(f"HTTP {status}: {text[:160]!r}")
            try:
                outcome = json.loads(text).get("status")
            except (ValueError, AttributeError):
                outcome = None
            if outcome not in ("saved", "stale"):
                raise Refused(f"unexpected answer {text[:160]!r}")
        except (OSError, http.client.HTTPException, Refused) as error:
            self.recorder.error("save", f"{self.username} seq {seq}: {type(error).__name__}: {error}", 1)
            self.unknown.setdefault(mark, []).append((seq, value))
            return None
        self.recorder.ok("save", elapsed, 1)
        if outcome == "stale":
            self.stale += 1
            if not expect_stale:
                self.stale_unexpected += 1
        else:
            if expect_stale:
                self.stale_missed += 1
            if seq > self.acknowledged.get(mark, (0, None))[0]:
                self.acknowledged[mark] = (seq, value)
        return outcome


# ── report ──────────────────────────────────────────────────────────────────

def lost_marks(judges: list[JudgeClient], seeded: Seeded, stored: dict) -> tuple[int, int, list[str]]:
    """(rows missing, rows with another value than the judge's newest saved one, examples)."""
    missing = wrong = 0
    examples = []
    for judge in judges:
        judge_id = seeded.judge_ids[judge.username]
        for contestant in seeded.contestant_ids:
            for aspect, _kind, _values in seeded.aspects:
                mark = (contestant, aspect)
                row = stored.get((judge_id, contestant, aspect))
                acknowledged = judge.acknowledged.get(mark)
                if row is None:
                    missing += 1
                    if len(examples) < 5:
                        examples.append(f"{judge.username} c{contestant} a{aspect}: no row "
                                        f"(newest saved {acknowledged})")
                    continue
                value, seq = row
                # An errored save newer than the acknowledged one may have landed.
                possible = {acknowledged} | {s for s in judge.unknown.get(mark, [])
                                             if not acknowledged or s[0] > acknowledged[0]}
                if (seq, value) not in possible:
                    wrong += 1
                    if len(examples) < 5:
                        examples.append(f"{judge.username} c{contestant} a{aspect}: row value {value} seq {seq}, "
                                        f"newest saved {acknowledged}")
    return missing, wrong, examples


def run(args, database_url: str, folder: Path) -> int:
    """Seed, serve, mark, tally; returns 1 when a target is missed."""
    from sqlalchemy.engine import make_url

    rng = random.Random(args.seed)
    id_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    started = time.perf_counter()
    seeded = seed(database_url, id_key, args, rng)
    kinds = [kind for _id, kind, _values in seeded.aspects]
    print(f"seeded schema, regions, {len(seeded.usernames)} judges, {len(seeded.contestant_ids)} drawn contestants "
          f"and station {seeded.station_id} ({args.scheme}: {kinds.count('measurement')} measurement + "
          f"{kinds.count('judgement')} judgement aspects) in {time.perf_counter() - started:.1f} s")

    port = free_port()
    server = start_gunicorn(args, database_url, id_key, port, folder)
    try:
        print(f"gunicorn up on 127.0.0.1:{port} in {wait_healthy(server, port, folder):.1f} s")
        recorder = Recorder()
        judges = [JudgeClient(port, name, seeded, random.Random(args.seed * 100_003 + index), args, recorder)
                  for index, name in enumerate(seeded.usernames)]
        with ThreadPoolExecutor(max_workers=len(judges)) as pool:
            ready = [j for j, ok in zip(judges, pool.map(JudgeClient.sign_in, judges), strict=True) if ok]
        sign_in_errors = recorder.errors.get("sign in", 0)
        print(f"signed in {len(ready)} of {len(judges)} judges and opened their sheets "
              f"(not timed; {sign_in_errors} errors)")
        if not ready:
            for message in recorder.messages:
                print(f"  error: {message}")
            return 1

        barrier = threading.Barrier(len(ready) + 1, timeout=120)
        threads = [threading.Thread(target=judge.run, args=(barrier,), name=f"judge-{n}", daemon=True)
                   for n, judge in enumerate(ready)]
        for thread in threads:
            thread.start()
        meter = CpuMeter(server.pid, make_url(database_url).database)
        meter.start()
        barrier.wait()  # every judge has planned its saves: go
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        cpu = meter.stop()
        stored = stored_marks(database_url, id_key, seeded.station_id)
    finally:
        stop_gunicorn(server)
        log = _log_tail(folder, 15)
        if log.strip() and log != "(no log)":
            print(f"gunicorn log (last lines):\n{log}")

    values = sorted(recorder.samples.get("save", []))
    sent = sum(j.sent for j in ready)
    answered = len(values)
    errors = recorder.errors.get("save", 0)
    stale = sum(j.stale for j in ready)
    stale_expected = sum(j.stale_expected for j in ready)
    stale_missed = sum(j.stale_missed for j in ready)
    stale_unexpected = sum(j.stale_unexpected for j in ready)
    expected_rows = len(judges) * len(seeded.contestant_ids) * len(seeded.aspects)
    missing, wrong, examples = lost_marks(judges, seeded, stored)
    lost = missing + wrong
    p95 = percentile(values, 95)

    print(f"\nmarking: {len(ready)} judges × {len(seeded.contestant_ids)} contestants × {len(seeded.aspects)} "
          f"aspects = {len(ready) * len(seeded.contestant_ids) * len(seeded.aspects)} marks, "
          f"resave {args.resave:.0%}, {args.pairs} out-of-order pairs per judge")
    print(f"saves sent {sent}, answered {answered}, in {wall:.1f} s: {answered / wall:.0f} marks/s saved")
    print(f"save latency ms: p50 {percentile(values, 50):.1f}, p95 {p95:.1f}, p99 {percentile(values, 99):.1f}, "
          f"max {(values[-1] if values else float('nan')):.1f}   "
          f"target p95 < {TARGET_P95:.0f} ms: {'met' if p95 < TARGET_P95 else 'MISSED'}")
    if values and wall > 0:
        mean = sum(values) / len(values)
        print(f"closed loop: every judge saves back-to-back, one save in flight each, so the mean latency "
              f"({mean:.0f} ms) is judges ÷ throughput ({len(ready) / (answered / wall) * 1000:.0f} ms, less "
              f"the client's own time): set by throughput, mostly waiting for a free core")
    print(f"errors: {errors} (non-2xx or exceptions){'' if errors else ' — none'}")
    for message in recorder.messages:
        print(f"  error: {message}")
    print(f"stale answers: {stale} received, {stale_expected} expected "
          f"({stale_missed} older saves answered 'saved', {stale_unexpected} unexpected 'stale')")
    print(f"database: {len(stored)} mark rows of {expected_rows} expected; lost marks {lost} "
          f"({missing} missing, {wrong} with another value) — target 0: {'met' if lost == 0 else 'MISSED'}")
    for example in examples:
        print(f"  lost: {example}")
    if cpu:
        print(f"CPU while marking: gunicorn {cpu['server']:.1f} s ({cpu['server'] * 1000 / max(sent, 1):.1f} ms "
              f"per save), PostgreSQL {cpu['postgres']:.1f} s ({cpu['postgres'] * 1000 / max(sent, 1):.1f} ms), "
              f"client {cpu['client']:.1f} s, of {(os.cpu_count() or 1) * wall:.0f} core-seconds; "
              f"machine {cpu['machine_busy']:.0%} busy")
        others = cpu["machine_busy"] * (os.cpu_count() or 1) * wall - cpu["server"] - cpu["postgres"] - cpu["client"]
        print(f"other processes used about {max(others, 0):.0f} core-seconds meanwhile"
              f"{' — a shared machine: the figures above are pessimistic' if others > 0.1 * wall else ''}")
    ok = p95 < TARGET_P95 and lost == 0 and errors == 0 and sign_in_errors == 0 \
        and stale == stale_expected and not stale_missed
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judges", type=int, default=20)
    parser.add_argument("--contestants", type=int, default=60)
    parser.add_argument("--aspects", type=int, default=10, help="aspects of the station (≤ the scheme's)")
    parser.add_argument("--scheme", default="daily-feeding", help="station scheme (content/competitions/stations)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--resave", type=float, default=0.1, help="share of marks saved again with a new value")
    parser.add_argument("--pairs", type=int, default=3, help="out-of-order pairs (seq n+1, then n) per judge")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-alive", action=argparse.BooleanOptionalAction, default=True,
                        help="one persistent connection per judge, as a browser keeps (--no-keep-alive: "
                             "a new connection for every request)")
    args = parser.parse_args()
    if args.judges < 1 or args.contestants < 1 or args.aspects < 1 or not 0 <= args.resave <= 1 or args.pairs < 0:
        parser.error("need judges, contestants, aspects ≥ 1, 0 ≤ resave ≤ 1 and pairs ≥ 0")

    import pgdb

    admin_url = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    if pgdb.main(["pgdb", "check", admin_url]) != 0:
        sys.exit(f"PostgreSQL does not answer on {admin_url}")
    print(f"machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
          f"Python {platform.python_version()}")
    print(f"gunicorn: -k gthread -w {args.workers} --threads {args.threads} "
          f"({args.workers * args.threads} requests at once)")
    print(f"competition: {args.judges} judges, {args.contestants} contestants, {args.aspects} aspects, "
          f"resave {args.resave}, {args.pairs} out-of-order pairs per judge, seed {args.seed}")
    name = f"carelms_marks_{os.getpid()}"
    with tempfile.TemporaryDirectory() as folder:
        os.environ["LMS_INSTANCE_PATH"] = str(Path(folder) / "seed-instance")
        database_url = pgdb.create_database(admin_url, name)
        try:
            status = run(args, database_url, Path(folder))
        finally:
            pgdb.main(["pgdb", "drop", admin_url, name])
    sys.exit(status)


if __name__ == "__main__":
    main()
