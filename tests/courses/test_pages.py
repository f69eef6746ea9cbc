"""Course pages as trainees and staff use them."""

import io
import re

import pytest
from openpyxl import load_workbook

from lms.core.access import Role
from lms.courses import queries, services
from lms.courses.study import record_heartbeat
from lms.extensions import db
from tests.courses.test_study_hours import at


@pytest.fixture
def trainee(make_person, make_user, make_institution):
    home = make_institution("130102")
    user = make_user(Role.TRAINEE)
    person = make_person(user=user, institution=home, name="张秀兰")
    return {"user": user, "person": person, "home": home}


def test_public_course_lesson_page_has_no_answers_before_passing(client, login, trainee, make_course):
    course = make_course()
    db.session.commit()
    login(trainee["user"])
    page = client.get(f"/courses/{course.slug}/lessons/01-turning").get_data(as_text=True)
    assert "卧床老人一般每隔多长时间翻身一次" in page
    assert "一般每2小时翻身一次" not in page  # the explanation, i.e. the key
    assert 'data-heartbeat-url="/study/heartbeat"' in page
    wrong = client.post(f"/courses/{course.slug}/lessons/01-turning/quiz",
                        data={f"q{q.id}": "A" if q.kind == "single" else "true" for q in course.lessons[0].questions})
    text = wrong.get_data(as_text=True)
    assert text.count('class="question wrong"') == 2
    # A wrong answer is explained at once (that is when it helps); the letter of
    # the right option is still held back until the quiz is passed.
    assert "一般每2小时翻身一次" in text and "拖拉会损伤皮肤" in text
    assert "正确答案" not in text
    right = client.post(f"/courses/{course.slug}/lessons/01-turning/quiz",
                        data={f"q{q.id}": q.answer for q in course.lessons[0].questions})
    assert "一般每2小时翻身一次" in right.get_data(as_text=True)  # explanations once passed


def test_an_empty_quiz_asks_for_the_answers_and_records_nothing(client, login, trainee, make_course):
    course = make_course()
    db.session.commit()
    login(trainee["user"])
    client.get(f"/courses/{course.slug}/lessons/01-turning")
    response = client.post(f"/courses/{course.slug}/lessons/01-turning/quiz", data={})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "请答完所有题目后再提交。尚未作答：第 1 题和第 2 题。" in page
    assert "答对" not in page and 'class="question wrong"' not in page  # not graded
    assert page.count("尚未作答。") == 2  # each unanswered question says so
    progress = queries.progress_by_lesson(trainee["person"], course).get(course.lessons[0].id)
    assert progress is None or (progress.quiz_attempts == 0 and progress.quiz_passed_at is None)


def test_a_partly_answered_quiz_keeps_the_chosen_answers(client, login, trainee, make_course):
    course = make_course()
    db.session.commit()
    login(trainee["user"])
    first, second = course.lessons[0].questions
    response = client.post(f"/courses/{course.slug}/lessons/01-turning/quiz", data={f"q{first.id}": "B"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "尚未作答：第 2 题。" in page and "第 1 题" not in page
    assert re.search(rf'name="q{first.id}" value="B"\s+checked', page)  # the choice is kept
    assert not re.search(rf'name="q{second.id}" value="\w+"\s+checked', page)
    assert "一般每2小时翻身一次" not in page  # nothing graded, so nothing explained yet
    progress = queries.progress_by_lesson(trainee["person"], course).get(course.lessons[0].id)
    assert progress is None or progress.quiz_attempts == 0


def test_programme_course_needs_enrolment(client, login, trainee, make_course):
    course = make_course("caregiver-basics", public=False)
    db.session.commit()
    login(trainee["user"])
    assert client.get(f"/courses/{course.slug}/lessons/01-turning").status_code == 404
    assert "caregiver-basics" not in client.get("/courses").get_data(as_text=True)
    lesson_id = course.lessons[0].id
    beat = client.post("/study/heartbeat", json={"lesson_id": lesson_id, "idle_seconds": 0})
    assert beat.status_code == 404  # no hours on a course the person is not on
    services.enrol(trainee["person"], course, by=None)
    db.session.commit()
    assert client.get(f"/courses/{course.slug}/lessons/01-turning").status_code == 200


def test_heartbeat_endpoint_credits_the_signed_in_person_only(client, login, trainee, make_course,
                                                             make_person, make_user):
    course = make_course()
    other = make_person(user=make_user(Role.TRAINEE), name="刘德胜")
    db.session.commit()
    login(trainee["user"])
    lesson_id = course.lessons[0].id
    first = client.post("/study/heartbeat", json={"lesson_id": lesson_id, "idle_seconds": 0})
    assert first.status_code == 200 and first.get_json()["credited_seconds"] == 0
    assert client.post("/study/heartbeat", json={"idle_seconds": 0}).status_code == 400
    from lms.courses.study import progress_for

    assert progress_for(other, course.lessons[0]).credited_seconds == 0


def test_resume_where_the_trainee_left_off(client, login, trainee, make_course):
    course = make_course()
    db.session.commit()
    login(trainee["user"])
    client.get(f"/courses/{course.slug}/lessons/02-falls")
    page = client.get("/learning").get_data(as_text=True)
    assert f"/courses/{course.slug}/lessons/02-falls" in page


def test_my_learning_shows_hours_with_one_decimal(client, login, trainee, make_course):
    course = make_course(minutes=45)
    services.enrol(trainee["person"], course, by=None)
    for t in range(0, 2700 + 1, 60):  # 45 minutes = 1.0 学时, within the cap
        record_heartbeat(trainee["person"], course.lessons[0], idle_seconds=0, now=at(t))
    db.session.commit()
    login(trainee["user"])
    page = client.get("/learning").get_data(as_text=True)
    assert "<strong>1.0</strong>" in page


def test_staff_enrol_see_progress_sort_and_export(client, login, trainee, make_user, make_course,
                                                  make_person, make_institution):
    course = make_course("caregiver-basics", public=False)
    elsewhere = make_person("130203", institution=make_institution("130203"), name="外地学员")
    staff = make_user(Role.INSTITUTION_STAFF, institution=trainee["home"])
    db.session.commit()
    login(staff)
    form = client.get(f"/courses/{course.slug}/enrol").get_data(as_text=True)
    assert "张秀兰" in form and "外地学员" not in form
    client.post(f"/courses/{course.slug}/enrol", data={"people": [trainee["person"].id]})
    # An id outside the institution is not a valid choice: nothing happens.
    assert client.post(f"/courses/{course.slug}/enrol", data={"people": [elsewhere.id]}).status_code == 400
    page = client.get("/courses/progress?sort=name&dir=asc").get_data(as_text=True)
    assert "张秀兰" in page and "外地学员" not in page
    workbook = load_workbook(io.BytesIO(client.get("/courses/progress.xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[1][0] == "张秀兰" and rows[1][2] == "家庭照护入门"
    assert re.fullmatch(r"\d{4}\*{10}\d{3}[\dX]", rows[1][1])  # masked ID number only
    assert len(rows) == 2


def test_study_record_shows_the_heartbeat_evidence(client, login, trainee, make_user, make_course):
    course = make_course()
    services.enrol(trainee["person"], course, by=None)
    for t in (0, 30, 60):
        record_heartbeat(trainee["person"], course.lessons[0], idle_seconds=0, now=at(t))
    staff = make_user(Role.INSTITUTION_STAFF, institution=trainee["home"])
    db.session.commit()
    login(staff)
    page = client.get(f"/courses/study-record/{trainee['person'].id}").get_data(as_text=True)
    assert "翻身与体位" in page and ">3<" in page and "1.0" in page  # 3 heartbeats, 1.0 minute
