"""The 学时 rules: earned, not clicked through."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.core.access import Role
from lms.core.time import utcnow
from lms.courses import services
from lms.courses.models import StudyInterval
from lms.courses.quiz import grade_quiz
from lms.courses.study import format_study_hours, record_heartbeat
from lms.extensions import db

T0 = utcnow().replace(microsecond=0)


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def learner(make_person, make_user):
    return make_person(user=make_user(Role.TRAINEE), categories=["family_caregiver"])


@pytest.fixture
def lessons(make_course):
    course = make_course(minutes=10)
    return course.lessons


def beats(person, lesson, times, idle=0):
    return [record_heartbeat(person, lesson, idle_seconds=idle, now=at(t)) for t in times]


def test_time_between_heartbeats_is_credited(learner, lessons):
    results = beats(learner, lessons[0], [0, 30, 60, 90])
    assert [r.credited_seconds for r in results] == [0, 30, 30, 30]
    assert results[-1].lesson_seconds == 90


def test_idle_gap_is_not_credited(learner, lessons):
    results = beats(learner, lessons[0], [0, 30, 30 + 301, 30 + 331])
    assert [r.credited_seconds for r in results] == [0, 30, 0, 30]


def test_inactive_trainee_earns_nothing_even_with_the_page_open(learner, lessons):
    record_heartbeat(learner, lessons[0], idle_seconds=0, now=at(0))
    idle = record_heartbeat(learner, lessons[0], idle_seconds=310, now=at(30))
    back = record_heartbeat(learner, lessons[0], idle_seconds=0, now=at(60))
    again = record_heartbeat(learner, lessons[0], idle_seconds=0, now=at(90))
    assert (idle.credited_seconds, back.credited_seconds, again.credited_seconds) == (0, 0, 30)


def test_two_tabs_on_one_lesson_do_not_double_count(learner, lessons):
    # Tab A at 0, 30, 60; tab B at 15, 45: five beats over 60 s of wall time.
    results = beats(learner, lessons[0], [0, 15, 30, 45, 60])
    assert results[-1].lesson_seconds == 60


def test_two_lessons_at_once_credit_neither_twice(learner, lessons):
    first, second = lessons
    for t in (0, 30, 60, 90):
        record_heartbeat(learner, first, idle_seconds=0, now=at(t))
        record_heartbeat(learner, second, idle_seconds=0, now=at(t + 15))
    from lms.courses.study import progress_for

    total = progress_for(learner, first).credited_seconds + progress_for(learner, second).credited_seconds
    assert total <= 105  # never more than the wall time from first to last beat
    assert total == 0  # switching lessons restarts the clock: nothing is earned twice


def test_credit_is_capped_at_the_configured_multiple(app, learner, lessons):
    cap = int(10 * 60 * app.config["LESSON_CREDIT_CAP_MULTIPLE"])
    results = beats(learner, lessons[0], range(0, cap + 600, 60))
    assert results[-1].lesson_seconds == cap
    assert results[-1].credited_seconds == 0


def test_lesson_completes_only_with_time_and_quiz(learner, lessons):
    lesson = lessons[0]
    right = {q.id: [q.answer] for q in lesson.questions}
    assert grade_quiz(learner, lesson, right).passed
    short = beats(learner, lesson, [0, 60])[-1]
    assert not short.is_complete  # quiz passed, time not yet
    done = beats(learner, lesson, range(120, 660, 60))[-1]
    assert done.lesson_seconds >= 600 and done.is_complete


def test_time_alone_does_not_complete_a_lesson(learner, lessons):
    result = beats(learner, lessons[0], range(0, 900, 60))[-1]
    assert result.lesson_seconds >= 600 and not result.is_complete


def test_failed_quiz_does_not_pass(learner, lessons):
    lesson = lessons[0]
    wrong = {q.id: ["A" if q.kind != "true_false" else "true"] for q in lesson.questions}
    result = grade_quiz(learner, lesson, wrong)
    assert not result.passed and result.correct == 0


def test_course_completes_after_its_last_lesson(learner, lessons):
    enrolment = services.require_access(learner, lessons[0].course)
    for index, lesson in enumerate(lessons):
        grade_quiz(learner, lesson, {q.id: [q.answer] for q in lesson.questions})
        beats(learner, lesson, range(index * 1000, index * 1000 + 700, 60))
    db.session.refresh(enrolment)
    assert enrolment.completed_at is not None


def test_intervals_keep_the_evidence(learner, lessons):
    beats(learner, lessons[0], [0, 30, 60])
    beats(learner, lessons[0], [1000, 1030])
    intervals = db.session.scalars(select(StudyInterval).order_by(StudyInterval.id)).all()
    assert [(i.heartbeats, i.credited_seconds) for i in intervals] == [(3, 60), (2, 30)]


def test_hours_are_shown_with_one_decimal_rounded_down():
    assert format_study_hours(2699) == "0.9"
    assert format_study_hours(2700) == "1.0"
    assert format_study_hours(4050) == "1.5"
    assert format_study_hours(0) == "0.0"
