"""Scheduling sessions: every clash is refused with a message that names it;
calendars and .ics exports show what is scheduled, in Beijing time."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from lms.core.access import Role
from lms.extensions import db
from lms.training.models import ClassEnrolment, EnrolmentStatus
from lms.training.services.enrolment import enrol
from lms.training.services.errors import TrainingError
from tests.training import factories


@pytest.fixture
def teacher(home):
    return factories.instructor(home, "王丽华", "JS2026001")


@pytest.fixture
def trainee(make_person, home):
    return make_person(institution=home, name="张秀兰")


@pytest.fixture
def cls(home, teacher, trainee):
    return factories.approved_class(home, [trainee], teacher=teacher)


def test_a_session_inside_the_class_dates_is_scheduled(cls):
    session = factories.session(cls, day=3)
    assert session.id and session.hours == 3


def test_a_draft_class_schedules_nothing(home, teacher):
    draft = factories.draft_class(home)
    with pytest.raises(TrainingError, match="获批后"):
        factories.session(draft, teacher=teacher)


def test_a_session_outside_the_class_dates_is_refused(cls):
    with pytest.raises(TrainingError, match="不在培训班日期范围内"):
        factories.session(cls, day=20)


def test_an_instructor_cannot_teach_two_sessions_at_once(cls, home, teacher, make_person):
    factories.session(cls, day=3, start=(9, 0), end=(11, 30))
    other = factories.approved_class(home, [make_person(name="李四")], teacher=teacher, name="2026年第2期")
    with pytest.raises(TrainingError) as refused:
        factories.session(other, day=3, start=(11, 0), end=(13, 30), venue="二楼教室")
    message = str(refused.value)
    assert "王丽华" in message and "2026年第1期五级护理员培训班" in message and "2026-03-03 09:00" in message
    factories.session(other, day=3, start=(11, 30), end=(14, 0), venue="二楼教室")  # back to back is fine


def test_a_venue_cannot_hold_two_sessions_at_once(cls, home, make_person):
    factories.session(cls, day=4)
    other = factories.approved_class(home, [make_person(name="李四")], teacher=factories.instructor(home, "刘强"),
                                     name="2026年第2期")
    with pytest.raises(TrainingError, match="康宁养老院实训室"):
        factories.session(other, day=4, start=(10, 0), end=(12, 30))


def test_a_trainee_cannot_sit_two_sessions_at_once(cls, home, trainee):
    factories.session(cls, day=5)
    other = factories.approved_class(home, [], teacher=factories.instructor(home, "刘强"), name="2026年第2期")
    # Enrolment refuses a second class at the same dates (below); a trainee
    # can still be on both, e.g. enrolled before a draft's dates were moved.
    db.session.add(ClassEnrolment(class_id=other.id, person_id=trainee.id, status=EnrolmentStatus.ENROLLED))
    db.session.flush()
    with pytest.raises(TrainingError) as refused:
        factories.session(other, day=5, start=(10, 0), end=(12, 30), venue="二楼教室")
    assert "张*兰" in str(refused.value)  # named, masked


def test_one_trainee_cannot_be_enrolled_on_two_classes_at_the_same_dates(cls, home, trainee):
    other = factories.approved_class(home, [], teacher=factories.instructor(home, "刘强"), name="2026年第2期")
    with pytest.raises(TrainingError, match="2026年第1期五级护理员培训班"):
        enrol(other, trainee, by=None)
    later = factories.approved_class(home, [], teacher=factories.instructor(home, "赵敏"), name="2026年第3期",
                                     start=factories.END + timedelta(days=1), end=factories.END + timedelta(days=10))
    assert enrol(later, trainee, by=None).status == EnrolmentStatus.ENROLLED  # after the first one ends


def test_hours_cannot_exceed_the_session_s_length(cls):
    with pytest.raises(TrainingError, match="最多计 2 学时"):
        factories.session(cls, start=(9, 0), end=(10, 30), hours=3)


def test_the_page_lists_every_clash_and_keeps_the_form(client, login, home, cls, make_user):
    factories.session(cls, day=3)
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    db.session.commit()
    login(staff)
    response = client.post(f"/classes/{cls.id}/sessions/new", data={
        "day": "2026-03-03", "starts": "10:00", "ends": "12:00", "topic": "压疮的预防",
        "instructor": str(cls.instructors[0].id), "venue": "康宁养老院实训室", "hours": "2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "王丽华" in page and "康宁养老院实训室 在" in page and 'value="压疮的预防"' in page


def test_calendars_and_ics_show_sessions_in_beijing_time(client, login, home, cls, trainee, make_user):
    factories.session(cls, day=3, start=(9, 0), end=(11, 30))
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    user = make_user(Role.TRAINEE)
    trainee.user_id = user.id
    db.session.commit()
    login(staff)
    week = client.get("/training/calendar?view=week&date=2026-03-04").get_data(as_text=True)
    assert "09:00–11:30" in week and "协助卧床老年人翻身" in week
    month = client.get("/training/calendar?view=month&date=2026-03-20").get_data(as_text=True)
    assert "2026-03-03" in month and "09:00–11:30" in month
    assert "09:00" not in client.get("/training/calendar?view=week&date=2026-03-20").get_data(as_text=True)
    ics = client.get(f"/instructors/{cls.instructors[0].id}/schedule.ics")
    assert ics.mimetype == "text/calendar"
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event.decoded("dtstart").isoformat() == "2026-03-03T01:00:00+00:00"
    client.post("/logout")
    login(user)
    mine = client.get("/me/schedule?view=week&date=2026-03-02").get_data(as_text=True)
    assert "协助卧床老年人翻身" in mine and "2026年第1期五级护理员培训班" in mine
    events = list(Calendar.from_ical(client.get("/me/schedule.ics").data).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["2026年第1期五级护理员培训班 · 协助卧床老年人翻身"]


def test_another_institution_s_instructor_calendar_is_not_found(client, login, cls, make_institution, make_user):
    outsider = make_user(Role.INSTITUTION_STAFF, institution=make_institution("130203"))
    db.session.commit()
    login(outsider)
    assert client.get(f"/instructors/{cls.instructors[0].id}/schedule.ics").status_code == 404


def test_the_waiting_list_moves_up_when_a_place_frees(home, make_person):
    from lms.core.audit import AuditEntry
    from lms.training.models import EnrolmentStatus
    from lms.training.services.enrolment import withdraw

    small = factories.draft_class(home, capacity=2, name="小班")
    first, second, third, fourth = (enrol(small, make_person(name=n), by=None) for n in ("甲", "乙", "丙", "丁"))
    assert [e.status for e in (first, second, third, fourth)] == ["enrolled", "enrolled", "waiting", "waiting"]
    promoted = withdraw(first, reason="工作调动", by=None)
    assert promoted is third and third.status == EnrolmentStatus.ENROLLED and fourth.status == "waiting"
    assert db.session.scalar(db.select(AuditEntry.id).where(AuditEntry.action == "training_class.promoted"))
    with pytest.raises(TrainingError):
        enrol(small, second.person, by=None)  # already on the class
