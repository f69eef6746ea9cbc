"""The durability contract of heartbeats (lms/courses/study.py): on
PostgreSQL a heartbeat request's transaction, and nothing else, commits
asynchronously; a lost beat is lost whole and the next beat recounts its time
from the last beat that was kept. A real crash of the database server is not
something a test can cause here; what it would lose is bounded by the
server's wal_writer_delay, which is checked to keep the bound stated."""

import re
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from lms.courses.models import LessonProgress, StudyInterval
from lms.courses.study import record_heartbeat_of_user
from lms.extensions import db
from tests.conftest import is_postgres
from tests.courses.test_study_hours import at

LMS = Path(__file__).resolve().parents[2] / "lms"
postgres_only = pytest.mark.skipif(not is_postgres(), reason="synchronous_commit is PostgreSQL's")


@pytest.fixture
def lesson(make_course):
    return make_course(minutes=10).lessons[0]


def synchronous_commit() -> str:
    # The test's transaction holds what the requests' transactions set with
    # SET LOCAL (they run in SAVEPOINTs inside it).
    return db.session.execute(text("SHOW synchronous_commit")).scalar()


@postgres_only
def test_a_heartbeat_request_commits_asynchronously(client, login, trainee, lesson):
    from lms.courses import services

    user, person = trainee
    services.enrol(person, lesson.course, by=None)
    db.session.commit()
    login(user)
    assert synchronous_commit() == "on"
    assert client.post("/study/heartbeat", json={"lesson_id": lesson.id, "idle_seconds": 0}).status_code == 200
    assert synchronous_commit() == "off"


@postgres_only
def test_a_heartbeat_that_enrols_commits_durably(client, login, trainee, lesson):
    user, _person = trainee
    db.session.commit()
    login(user)
    assert client.post("/study/heartbeat", json={"lesson_id": lesson.id, "idle_seconds": 0}).status_code == 200
    assert synchronous_commit() == "on"  # the transaction holds an audited enrolment


@postgres_only
def test_other_requests_commit_durably(client, login, trainee, lesson):
    user, _person = trainee
    db.session.commit()
    login(user)
    assert client.get(f"/courses/{lesson.course.slug}/lessons/01-turning").status_code == 200
    client.post(f"/courses/{lesson.course.slug}/lessons/01-turning/quiz",
                data={f"q{q.id}": q.answer for q in lesson.questions})
    assert client.get("/learning").status_code == 200
    assert synchronous_commit() == "on"


def test_only_the_heartbeat_turns_synchronous_commit_off():
    """Nothing else in the application touches it (a grep, so that a new use
    is a decision someone makes on purpose, with this test in view)."""
    users = {path.relative_to(LMS).as_posix() for path in LMS.rglob("*.py")
             if "synchronous_commit" in path.read_text(encoding="utf-8")}
    assert users == {"courses/study.py", "courses/study_writes.py"}


def test_a_beat_sends_synchronous_commit_only_to_postgresql(trainee, lesson):
    user, _person = trainee
    record_heartbeat_of_user(user.id, lesson.id, idle_seconds=0, now=at(0))  # enrols
    sent: list[str] = []
    engine = db.session.get_bind()

    def capture(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        record_heartbeat_of_user(user.id, lesson.id, idle_seconds=0, now=at(30))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    mentions = [s for s in sent if "synchronous_commit" in s]
    assert len(mentions) == (1 if is_postgres() else 0)
    assert all("set_config" in s for s in mentions)


def test_a_lost_beat_is_recounted_by_the_next_one(trainee, lesson):
    """A beat whose commit a crash lost never happened: the next beat credits
    the time since the last kept one, and the evidence holds no trace of it."""
    user, person = trainee
    record_heartbeat_of_user(user.id, lesson.id, idle_seconds=0, now=at(0))
    record_heartbeat_of_user(user.id, lesson.id, idle_seconds=0, now=at(30))
    lost = db.session.begin_nested()
    assert record_heartbeat_of_user(user.id, lesson.id, idle_seconds=0, now=at(60)).credited_seconds == 30
    lost.rollback()  # as if the server had crashed before writing it to disk
    assert record_heartbeat_of_user(user.id, lesson.id, idle_seconds=0, now=at(90)).credited_seconds == 60
    rows = db.session.execute(select(StudyInterval.heartbeats, StudyInterval.credited_seconds)
                              .where(StudyInterval.person_id == person.id)).all()
    assert [tuple(row) for row in rows] == [(3, 90)]
    assert db.session.scalar(select(LessonProgress.credited_seconds)
                             .where(LessonProgress.person_id == person.id)) == 90


def test_a_lost_beat_before_a_long_gap_costs_at_most_the_gap(app, trainee, lesson):
    """When the next beat comes later than the idle limit after the last kept
    one, the stretch ends there, as after any gap: the lost beat's 30 s and
    the time to the next beat are not credited — and nothing twice."""
    user, person = trainee
    limit = app.config["STUDY_IDLE_SECONDS"]
    record_heartbeat_of_user(user.id, lesson.id, idle_seconds=0, now=at(0))
    lost = db.session.begin_nested()
    record_heartbeat_of_user(user.id, lesson.id, idle_seconds=0, now=at(30))
    lost.rollback()
    assert record_heartbeat_of_user(user.id, lesson.id, idle_seconds=0, now=at(limit + 1)).credited_seconds == 0
    assert record_heartbeat_of_user(user.id, lesson.id, idle_seconds=0, now=at(limit + 31)).credited_seconds == 30
    assert db.session.scalar(select(LessonProgress.credited_seconds)
                             .where(LessonProgress.person_id == person.id)) == 30


@postgres_only
def test_the_server_writes_asynchronous_commits_within_a_second():
    """The contract's bound: the WAL writer flushes within 3 × wal_writer_delay."""
    value = db.session.execute(text("SHOW wal_writer_delay")).scalar()
    number, unit = re.fullmatch(r"(\d+)\s*(ms|s|min)?", value).groups()
    milliseconds = int(number) * {"ms": 1, "s": 1000, "min": 60_000, None: 1}[unit]
    assert 3 * milliseconds <= 1000, f"wal_writer_delay {value}: the stated loss bound does not hold"
