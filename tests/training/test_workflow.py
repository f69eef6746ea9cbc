"""The opening application's workflow: who may make each transition, what
is refused (with the reason), and that every step is audited."""

import pytest
from sqlalchemy import select

from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.extensions import db
from lms.training.models import ClassStatus
from lms.training.services import classes
from lms.training.services.enrolment import enrol
from lms.training.services.errors import TrainingError
from tests.training import factories


@pytest.fixture
def city(make_user):
    return make_user(Role.CIVIL_AFFAIRS, region_code="130100")


def _ready(home, make_person):
    cls = factories.draft_class(home)
    factories.full_plan(cls)
    classes.set_instructors(cls, [factories.instructor(home)], by=None)
    enrol(cls, make_person(institution=home), by=None)
    return cls


def test_an_incomplete_application_names_everything_missing(home, staff):
    cls = factories.draft_class(home)
    with pytest.raises(TrainingError) as refused:
        classes.submit_class(cls, commitment="承诺", confirmed=False, by=staff)
    message = str(refused.value)
    for missing in ("180", "教师", "名单", "承诺"):
        assert missing in message, missing
    assert cls.status == ClassStatus.DRAFT


def test_submit_records_the_commitment_and_the_city_approves(home, staff, city, make_person):
    cls = _ready(home, make_person)
    classes.submit_class(cls, commitment="我单位承诺培训真实。", confirmed=True, by=staff)
    assert (cls.status, cls.committed_by_id, cls.commitment_text) == (ClassStatus.SUBMITTED, staff.id,
                                                                      "我单位承诺培训真实。")
    assert cls.committed_at is not None
    classes.approve_class(cls, by=city)
    assert cls.status == ClassStatus.APPROVED and cls.takes_attendance
    classes.start_class(cls, by=staff)
    classes.close_class(cls, by=staff)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "TrainingClass",
                                                                 AuditEntry.object_id == str(cls.id))).all()
    for action in ("created", "plan_set", "instructors_set", "enrolled", "submitted", "approved", "started",
                   "closed"):
        assert f"training_class.{action}" in actions, action


def test_a_returned_application_goes_back_to_draft_with_its_reason(home, staff, city, make_person):
    cls = _ready(home, make_person)
    classes.submit_class(cls, commitment="承诺", confirmed=True, by=staff)
    with pytest.raises(TrainingError):
        classes.return_class(cls, reason="  ", by=city)
    classes.return_class(cls, reason="实操课时安排过于集中，请调整", by=city)
    assert cls.status == ClassStatus.DRAFT and cls.return_reason == "实操课时安排过于集中，请调整"
    classes.submit_class(cls, commitment="承诺", confirmed=True, by=staff)
    assert cls.return_reason == ""


@pytest.mark.parametrize("action, from_status", [
    (lambda cls, by: classes.approve_class(cls, by=by), ClassStatus.DRAFT),
    (lambda cls, by: classes.start_class(cls, by=by), ClassStatus.SUBMITTED),
    (lambda cls, by: classes.close_class(cls, by=by), ClassStatus.APPROVED),
    (lambda cls, by: classes.submit_class(cls, commitment="x", confirmed=True, by=by), ClassStatus.CLOSED),
    (lambda cls, by: classes.set_plan(cls, [], by=by), ClassStatus.APPROVED),
])
def test_an_illegal_transition_is_refused_with_the_state(home, staff, action, from_status):
    cls = factories.draft_class(home)
    cls.status = from_status
    with pytest.raises(TrainingError) as refused:
        action(cls, staff)
    assert cls.status == from_status
    assert "此培训班" in str(refused.value)


def _status(cls) -> str:
    db.session.refresh(cls)  # the request changed it in its own session
    return cls.status


def test_pages_walk_the_workflow_and_only_the_right_people_act(client, login, home, staff, city, make_person,
                                                               make_user):
    cls = _ready(home, make_person)
    other_city = make_user(Role.CIVIL_AFFAIRS, region_code="130200")
    db.session.commit()
    login(staff)
    page = client.get(f"/classes/{cls.id}").get_data(as_text=True)
    assert "提交开班申请" in page
    assert client.post(f"/classes/{cls.id}/submit", data={}).status_code == 302
    assert _status(cls) == ClassStatus.DRAFT  # no commitment ticked
    client.post(f"/classes/{cls.id}/submit", data={"confirmed": "y"})
    assert _status(cls) == ClassStatus.SUBMITTED
    assert client.post(f"/classes/{cls.id}/approve").status_code == 403  # staff cannot approve their own
    client.post("/logout")
    login(other_city)
    assert client.get(f"/classes/{cls.id}").status_code == 404  # another city's class does not exist
    assert client.post(f"/classes/{cls.id}/approve").status_code == 404
    client.post("/logout")
    login(city)
    assert "批准开班" in client.get(f"/classes/{cls.id}").get_data(as_text=True)
    client.post(f"/classes/{cls.id}/approve")
    assert _status(cls) == ClassStatus.APPROVED


def test_staff_create_a_class_and_the_form_names_a_bad_field(client, login, home, staff):
    factories.programme()
    db.session.commit()
    login(staff)
    bad = client.post("/classes/new", data={"programme": "CG-5", "name": "2026年第2期", "starts_on": "2026-04-10",
                                            "ends_on": "2026-04-01", "venue": "实训室", "capacity": "30",
                                            "is_subsidised": "y"})
    assert bad.status_code == 400 and "结束日期早于开始日期" in bad.get_data(as_text=True).replace("培训班", "")
    good = client.post("/classes/new", data={"programme": "CG-5", "name": "2026年第2期", "starts_on": "2026-04-01",
                                             "ends_on": "2026-04-10", "venue": "实训室", "capacity": "30",
                                             "is_subsidised": "y"})
    assert good.status_code == 302 and "/classes/" in good.headers["Location"]
