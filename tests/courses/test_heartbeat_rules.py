"""The 学时 rules through the heartbeat endpoint's service (the signed-in
account's beat, access checked in the same read) and the evidence it keeps,
on SQLite and PostgreSQL alike. On PostgreSQL a person's later beats take
the one-statement path and the first ones the step-by-step path: every test
below goes through both."""

import pytest
from sqlalchemy import func, select

from lms.core.access import Role
from lms.courses import services
from lms.courses.models import LessonProgress, StudyClock, StudyInterval
from lms.courses.quiz import grade_quiz
from lms.courses.study import (
    LessonNotOpen,
    NoPersonRecord,
    decide,
    record_heartbeat,
    record_heartbeat_of_user,
)
from lms.courses.study_writes import STATE_OF_PERSON, apply
from lms.extensions import db
from tests.courses.test_study_hours import at


@pytest.fixture
def lessons(make_course):
    return make_course(minutes=10).lessons


def beat(user, lesson, t, idle=0):
    return record_heartbeat_of_user(user.id, lesson.id, idle_seconds=idle, now=at(t))


def credited(person, lesson) -> int:
    return db.session.scalar(select(LessonProgress.credited_seconds).where(
        LessonProgress.person_id == person.id, LessonProgress.lesson_id == lesson.id)) or 0


def intervals(person) -> list[tuple[int, int, int]]:
    """(lesson id, heartbeats, seconds) of the person's study intervals, oldest first."""
    return [tuple(row) for row in db.session.execute(
        select(StudyInterval.lesson_id, StudyInterval.heartbeats, StudyInterval.credited_seconds)
        .where(StudyInterval.person_id == person.id).order_by(StudyInterval.id))]


def test_beats_credit_the_time_between_them_and_keep_one_interval_per_stretch(trainee, lessons):
    user, person = trainee
    results = [beat(user, lessons[0], t) for t in (0, 30, 60, 95)]
    assert [r.credited_seconds for r in results] == [0, 30, 30, 35]
    assert results[-1].lesson_seconds == credited(person, lessons[0]) == 95
    assert intervals(person) == [(lessons[0].id, 4, 95)]


def test_two_tabs_on_one_lesson_earn_the_wall_time_once(trainee, lessons):
    user, person = trainee
    for t in (0, 15, 30, 45, 60):  # tab A at 0, 30, 60; tab B at 15, 45
        beat(user, lessons[0], t)
    assert credited(person, lessons[0]) == 60
    assert intervals(person) == [(lessons[0].id, 5, 60)]


def test_two_tabs_on_two_lessons_earn_nothing_twice(trainee, lessons):
    user, person = trainee
    for t in (0, 30, 60, 90):
        beat(user, lessons[0], t)
        beat(user, lessons[1], t + 15)
    assert credited(person, lessons[0]) + credited(person, lessons[1]) == 0


def test_idle_and_gap_cut_the_stretch(app, trainee, lessons):
    user, person = trainee
    limit = app.config["STUDY_IDLE_SECONDS"]
    got = [beat(user, lessons[0], 0), beat(user, lessons[0], 30),
           beat(user, lessons[0], 60, idle=limit + 10),  # page open, trainee away
           beat(user, lessons[0], 90), beat(user, lessons[0], 120),
           beat(user, lessons[0], 120 + limit + 1),  # a gap longer than the idle limit
           beat(user, lessons[0], 150 + limit + 1)]
    assert [r.credited_seconds for r in got] == [0, 30, 0, 0, 30, 0, 30]
    lesson = lessons[0].id
    assert intervals(person) == [(lesson, 2, 30), (lesson, 2, 30), (lesson, 2, 30)]
    assert credited(person, lessons[0]) == 90


def test_a_beat_older_than_the_clock_changes_nothing(trainee, lessons):
    """Two tabs' requests crossing: the later-stamped one arrived first. The
    older one is not credited and does not set the clock back."""
    user, person = trainee
    beat(user, lessons[0], 0)
    beat(user, lessons[0], 30)
    late = beat(user, lessons[0], 20)
    assert late.credited_seconds == 0 and late.lesson_seconds == 30
    assert beat(user, lessons[0], 60).credited_seconds == 30
    assert credited(person, lessons[0]) == 60
    assert intervals(person) == [(lessons[0].id, 3, 60)]


def test_two_devices_reading_the_same_clock_are_credited_once(trainee, lessons):
    """The compare-and-set: two beats read the clock, both decide to credit
    30 s; the one that writes second finds the clock moved and writes nothing."""
    user, person = trainee
    beat(user, lessons[0], 0)
    connection = db.session.connection()
    keys = {"person_id": person.id, "lesson_id": lessons[0].id}
    phone, laptop = (connection.execute(STATE_OF_PERSON, keys).one() for _device in range(2))
    decisions = [decide(state, lessons[0].id, 0, at(30)) for state in (phone, laptop)]
    assert [d.applied for d in decisions] == [30, 30]
    assert apply(connection, phone, lessons[0].id, decisions[0], at(30)) is not None
    assert apply(connection, laptop, lessons[0].id, decisions[1], at(30)) is None
    assert credited(person, lessons[0]) == 30
    assert intervals(person) == [(lessons[0].id, 2, 30)]
    assert db.session.scalar(select(StudyClock.version).where(StudyClock.person_id == person.id)) == 2


def test_credit_stops_at_the_cap_and_the_evidence_matches(app, trainee, lessons):
    user, person = trainee
    cap = int(10 * 60 * app.config["LESSON_CREDIT_CAP_MULTIPLE"])
    results = [beat(user, lessons[0], t) for t in range(0, cap + 600, 60)]
    assert results[-1].lesson_seconds == cap and results[-1].credited_seconds == 0
    assert sum(seconds for _lesson, _beats, seconds in intervals(person)) == cap == credited(person, lessons[0])


def test_complete_with_minimum_time_and_quiz_in_either_order(trainee, lessons):
    user, person = trainee
    first, second = lessons
    # Time first, then the quiz.
    for t in range(0, 660, 60):
        assert not beat(user, first, t).is_complete
    assert grade_quiz(person, first, {q.id: [q.answer] for q in first.questions}).passed
    assert beat(user, first, 660).is_complete
    # The quiz first, then time: the beat that reaches the minimum completes it.
    grade_quiz(person, second, {q.id: [q.answer] for q in second.questions})
    results = [beat(user, second, t) for t in range(1000, 1660, 60)]
    assert [r.is_complete for r in results].index(True) == 10  # at 600 s credited
    enrolment = services.enrolment_for(person, first.course)
    db.session.refresh(enrolment)
    assert enrolment.completed_at is not None


def test_a_public_course_enrols_on_the_first_beat(trainee, lessons):
    user, person = trainee
    assert services.enrolment_for(person, lessons[0].course) is None
    assert beat(user, lessons[0], 0).credited_seconds == 0
    assert services.enrolment_for(person, lessons[0].course) is not None


def test_no_hours_on_a_closed_course_or_without_a_person(trainee, make_course, make_user):
    user, person = trainee
    closed = make_course("caregiver-basics", public=False)
    with pytest.raises(LessonNotOpen):
        beat(user, closed.lessons[0], 0)
    with pytest.raises(NoPersonRecord):
        beat(make_user(Role.TRAINEE), closed.lessons[0], 0)
    with pytest.raises(LessonNotOpen):
        record_heartbeat_of_user(user.id, 10**9, idle_seconds=0)
    assert db.session.scalar(select(func.count()).select_from(StudyClock)
                             .where(StudyClock.person_id == person.id)) == 0


def test_both_entry_points_keep_one_clock(trainee, lessons):
    """Staff-side code (``record_heartbeat``) and the endpoint share the clock."""
    user, person = trainee
    beat(user, lessons[0], 0)
    assert record_heartbeat(person, lessons[0], idle_seconds=0, now=at(30)).credited_seconds == 30
    assert beat(user, lessons[0], 30).credited_seconds == 0  # the same instant again: nothing more
    assert credited(person, lessons[0]) == 30


def test_heartbeat_endpoint_needs_the_csrf_token(app, client, login, trainee, lessons):
    user, _person = trainee
    db.session.commit()
    login(user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/study/heartbeat", json={"lesson_id": lessons[0].id, "idle_seconds": 0})
        page = client.get(f"/courses/{lessons[0].course.slug}/lessons/01-turning").get_data(as_text=True)
        token = page.split('data-csrf-token="', 1)[1].split('"', 1)[0]
        accepted = client.post("/study/heartbeat", json={"lesson_id": lessons[0].id, "idle_seconds": 0},
                               headers={"X-CSRFToken": token})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert accepted.status_code == 200 and accepted.get_json()["lesson_hours"] == "0.0"


def test_heartbeat_endpoint_answers_404_403_and_400(client, login, trainee, lessons, make_user, make_course):
    user, _person = trainee
    closed = make_course("caregiver-basics", public=False)
    nobody = make_user(Role.TRAINEE)  # an account with no registry record
    db.session.commit()
    login(user)
    assert client.post("/study/heartbeat", json={"lesson_id": closed.lessons[0].id}).status_code == 404
    assert client.post("/study/heartbeat", json={"lesson_id": "1"}).status_code == 400
    assert client.post("/study/heartbeat", json={"lesson_id": lessons[0].id}).status_code == 200
    client.post("/logout")
    login(nobody)
    assert client.post("/study/heartbeat", json={"lesson_id": lessons[0].id}).status_code == 403
