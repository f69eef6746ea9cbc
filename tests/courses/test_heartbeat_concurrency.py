"""Heartbeats racing on PostgreSQL, each in a thread with a connection of its
own that really commits: one person's devices beating at the same moment are
credited the wall time once, and a quiz passed at the moment the minimum time
is reached still completes the lesson."""

import random
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from lms.core.time import utcnow
from lms.courses.models import CourseEnrolment, Lesson, LessonProgress, StudyInterval
from lms.courses.quiz import grade_quiz
from lms.courses.study import record_heartbeat_of_user
from lms.extensions import db
from lms.people.models import Person
from tests.conftest import is_postgres

pytestmark = pytest.mark.skipif(not is_postgres(), reason="concurrent commits: PostgreSQL only")

DEVICES = 8


def _seed(folder) -> dict:
    """Commit a trainee with an account, enrolled on a course of two
    10-minute lessons; the ids the threads need."""
    from lms.auth import services as accounts
    from lms.core.access import Role
    from lms.courses.content import read_course
    from lms.courses.queries import course_by_slug
    from lms.courses.services import enrol, import_course
    from lms.demo.identities import fake_id_number, fake_mobile
    from lms.people import services as people
    from lms.regions.queries import region_by_code
    from lms.regions.services import import_regions
    from tests.conftest import PASSWORD, REGION_TREE
    from tests.courses.conftest import write_course

    rng = random.Random(5)
    import_regions(REGION_TREE)
    import_course(read_course(write_course(folder, "racing-course", minutes=10)))
    course = course_by_slug("racing-course")
    user = accounts.create_user(username="racer", display_name="学员", password=PASSWORD)
    accounts.assign_role(user, Role.TRAINEE, by=None)
    person = people.register_person(name="王秀英", id_number=fake_id_number(rng, "130102"), phone=fake_mobile(rng),
                                    region=region_by_code("130102"), categories=["family_caregiver"], user=user)
    enrol(person, course, by=None)
    db.session.commit()
    return {"user": user.id, "person": person.id, "course": course.id, "lessons": [x.id for x in course.lessons]}


def _at_once(app, work: list) -> list:
    """Run each function of ``work`` in a thread of its own, in an app
    context of its own, all released together; their results (or errors)."""
    barrier = threading.Barrier(len(work))
    results: list = [None] * len(work)

    def run(index, job):
        with app.app_context():
            try:
                barrier.wait(20)
                results[index] = job()
            except Exception as error:  # reported by the test
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


@contextmanager
def _all_read_before_any_writes(app, parties: int):
    """Hold each beat after its read until ``parties`` beats have read: the
    widest race window, in which every device sees the same clock."""
    barrier = threading.Barrier(parties)
    with app.app_context():
        engine = db.engine

    def hold(_conn, _cursor, statement, *_args):
        if statement.lstrip().startswith("SELECT people.id AS person_id"):
            barrier.wait(20)

    event.listen(engine, "after_cursor_execute", hold)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", hold)


def _beat(user_id: int, lesson_id: int, now=None):
    def job():
        result = record_heartbeat_of_user(user_id, lesson_id, idle_seconds=0, now=now)
        db.session.commit()
        return result.credited_seconds
    return job


def _evidence(app, person_id: int) -> tuple[int, list[tuple[int, int, int]]]:
    """(credited seconds over all lessons, [(lesson, heartbeats, seconds)] per interval)."""
    with app.app_context():
        total = sum(db.session.scalars(select(LessonProgress.credited_seconds)
                                       .where(LessonProgress.person_id == person_id)))
        rows = [tuple(row) for row in db.session.execute(
            select(StudyInterval.lesson_id, StudyInterval.heartbeats, StudyInterval.credited_seconds)
            .where(StudyInterval.person_id == person_id).order_by(StudyInterval.id))]
        db.session.remove()
    return total, rows


def test_devices_beating_at_once_are_credited_the_wall_time_once(make_committed_app, tmp_path):
    app = make_committed_app()
    with app.app_context():
        seeded = _seed(tmp_path / "courses")
    lesson = seeded["lessons"][0]
    started = utcnow() - timedelta(seconds=30)
    _at_once(app, [_beat(seeded["user"], lesson, now=started)])  # the stretch began 30 s ago
    with _all_read_before_any_writes(app, DEVICES):
        credits = _at_once(app, [_beat(seeded["user"], lesson) for _device in range(DEVICES)])
    wall = (utcnow() - started).total_seconds()
    assert 30 <= sum(credits) <= wall  # without the clock's compare-and-set: 8 × 30 s
    total, rows = _evidence(app, seeded["person"])
    assert total == sum(credits)
    assert len(rows) == 1 and rows[0][2] == total  # one stretch, its evidence exact
    assert 2 <= rows[0][1] <= DEVICES + 1


def test_devices_on_two_lessons_at_once_earn_nothing_twice(make_committed_app, tmp_path):
    app = make_committed_app()
    with app.app_context():
        seeded = _seed(tmp_path / "courses")
    first, second = seeded["lessons"]
    started = utcnow() - timedelta(seconds=30)
    _at_once(app, [_beat(seeded["user"], first, now=started)])
    with _all_read_before_any_writes(app, DEVICES):
        credits = _at_once(app, [_beat(seeded["user"], first if n % 2 else second) for n in range(DEVICES)])
    wall = (utcnow() - started).total_seconds()
    total, rows = _evidence(app, seeded["person"])
    assert total == sum(credits) <= wall
    assert sum(seconds for _lesson, _beats, seconds in rows) == total


def test_quiz_passed_as_the_minimum_time_is_reached_completes_the_lesson(make_committed_app, tmp_path):
    """The quiz's transaction and the beat's each see the other's change only
    after it commits; the database decides completion on the row as it is,
    so whichever commits second completes the lesson."""
    app = make_committed_app()
    with app.app_context():
        seeded = _seed(tmp_path / "courses")
    base = utcnow() - timedelta(hours=1)  # a timeline of its own, moving forward
    for index, lesson_id in enumerate(seeded["lessons"]):
        start = base + timedelta(seconds=1000 * index)
        # 570 s credited by the beats up to start + 570: the next reaches the 600 s minimum.
        for seconds in [*range(0, 600, 60), 570]:
            _at_once(app, [_beat(seeded["user"], lesson_id, now=start + timedelta(seconds=seconds))])

        def quiz(lesson_id=lesson_id):
            lesson = db.session.get(Lesson, lesson_id)
            passed = grade_quiz(db.session.get(Person, seeded["person"]), lesson,
                                {q.id: [q.answer] for q in lesson.questions}).passed
            db.session.commit()
            return passed

        passed, _credit = _at_once(app, [quiz, _beat(seeded["user"], lesson_id, now=start + timedelta(seconds=600))])
        assert passed
        with app.app_context():
            progress = db.session.scalar(select(LessonProgress).where(
                LessonProgress.person_id == seeded["person"], LessonProgress.lesson_id == lesson_id))
            assert progress.credited_seconds >= 600 and progress.completed_at is not None
            db.session.remove()
    with app.app_context():
        enrolment = db.session.scalar(select(CourseEnrolment).where(CourseEnrolment.person_id == seeded["person"]))
        assert enrolment.completed_at is not None
        db.session.remove()
