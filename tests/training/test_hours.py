"""Hours that count: classroom time from attendance (within the session,
capped at its hours), online time from the study clock, hours recorded from
before CareLMS; the class report; and a certificate or an exam admission
refused until the programme's hours are met."""

import pytest
from sqlalchemy import select

from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.extensions import db
from lms.training.hours import classroom_minutes, credited_minutes
from lms.training.models import Attendance, PriorHours, ScanKind
from lms.training.queries import hours_record
from tests.training import factories
from tests.training.factories import at


@pytest.fixture
def trainee(make_person, home):
    return make_person(institution=home, name="张秀兰")


@pytest.fixture
def cls(home, trainee):
    return factories.approved_class(home, [trainee])


def _scan(session, person, kind, when):
    db.session.add(Attendance(session_id=session.id, person_id=person.id, kind=kind, at=when))
    db.session.flush()


def test_credit_is_the_attended_time_within_the_session_and_capped():
    start, end = at(3, 9), at(3, 11, 30)
    assert credited_minutes(start, end, 3, at(3, 9, 5), at(3, 11, 0)) == 115
    assert credited_minutes(start, end, 3, at(3, 8, 30), at(3, 12, 0)) == 135  # clipped, then capped at 3 × 45
    assert credited_minutes(start, end, 2, at(3, 9), at(3, 11, 30)) == 90  # capped at the session's hours
    assert credited_minutes(start, end, 3, at(3, 9), None) == 0  # no sign-out, no credit
    assert credited_minutes(start, end, 3, at(3, 12), at(3, 13)) == 0  # wholly outside


def test_classroom_minutes_add_up_over_sessions_from_first_in_to_last_out(cls, trainee, make_person):
    morning = factories.session(cls, day=3, start=(9, 0), end=(11, 30))
    afternoon = factories.session(cls, day=3, start=(14, 0), end=(16, 30), topic="协助进食")
    _scan(morning, trainee, ScanKind.IN, at(3, 8, 55))
    _scan(morning, trainee, ScanKind.OUT, at(3, 10, 0))
    _scan(morning, trainee, ScanKind.OUT, at(3, 11, 20))  # the latest sign-out counts
    _scan(afternoon, trainee, ScanKind.IN, at(3, 14, 30))
    other = make_person(name="李四")
    _scan(afternoon, other, ScanKind.IN, at(3, 14, 0))  # never signed out
    assert classroom_minutes(cls.id) == {trainee.id: 135 + 0, other.id: 0}
    _scan(afternoon, trainee, ScanKind.OUT, at(3, 16, 0))
    assert classroom_minutes(cls.id)[trainee.id] == 135 + 90


def test_the_report_shows_each_source_and_who_is_below_the_threshold(client, login, home, cls, trainee,
                                                                     make_person, make_user):
    session = factories.session(cls, day=3, start=(9, 0), end=(11, 30))
    _scan(session, trainee, ScanKind.IN, at(3, 9))
    _scan(session, trainee, ScanKind.OUT, at(3, 11, 30))
    db.session.add(PriorHours(person_id=trainee.id, programme_id=cls.programme_id, minutes=140 * 45,
                              reason="2025年第3期培训班签到表"))
    other = make_person(name="李四")
    db.session.add(PriorHours(person_id=other.id, programme_id=cls.programme_id, minutes=141 * 45,
                              reason="2025年第3期培训班签到表"))
    from lms.training.services.enrolment import enrol

    enrol(cls, other, by=None)
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    db.session.commit()
    login(staff)
    page = client.get(f"/classes/{cls.id}/report").get_data(as_text=True)
    row = page.split(f'data-person="{trainee.id}"', 1)[1].split("</tr>", 1)[0]
    # 3 classroom + 140 earlier = 143 of 180 hours: just under 80 % (144).
    assert 'data-classroom-minutes="135"' in row and "140.0" in row and "未达要求" in row
    row = page.split(f'data-person="{other.id}"', 1)[1].split("</tr>", 1)[0]
    assert "141.0" in row and "未达要求" in row
    assert "2 名学员中有 2 名未达到学时要求" in page
    record = hours_record(trainee, cls.programme)
    assert (record.classroom, record.prior, record.is_met) == (135, 140 * 45, False)
    db.session.add(PriorHours(person_id=trainee.id, programme_id=cls.programme_id, minutes=45, reason="补课记录"))
    assert hours_record(trainee, cls.programme).is_met  # 144 of 180


def test_a_certificate_waits_for_the_hours(make_person, home, make_user):
    from lms.certs import services as certs
    from lms.certs.eligibility import Evidence, NotEligible
    from lms.training.services.prior import record_prior_hours
    from tests.certs.conftest import add_programmes, pass_assessments

    programme = add_programmes()["CG-4"]
    person = make_person(institution=home)
    pass_assessments(person, programme, home)
    with pytest.raises(NotEligible, match="150"):
        certs.issue_certificate(person, programme, issued_by=None, institution=home, evidence=Evidence())
    record_prior_hours(person, programme, hours=119, reason="2025年第3期培训班签到表（纸质）", by=None)
    with pytest.raises(NotEligible):  # 119 of 150 is below 80 %
        certs.issue_certificate(person, programme, issued_by=None, institution=home, evidence=Evidence())
    record_prior_hours(person, programme, hours=1, reason="2025年第3期培训班补课记录（纸质）", by=None)
    assert certs.issue_certificate(person, programme, issued_by=None, institution=home,
                                   evidence=Evidence()).number


def test_staff_record_earlier_hours_with_a_reason_and_it_is_audited(client, login, home, trainee, make_user):
    programme = factories.programme()
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    db.session.commit()
    login(staff)
    page = client.get(f"/people/{trainee.id}").get_data(as_text=True)
    assert "补录此前取得的学时" in page
    client.post(f"/people/{trainee.id}/prior-hours", data={"programme": programme.code, "hours": "20", "reason": "短"})
    assert db.session.scalar(select(PriorHours.id)) is None  # a reason must say where they come from
    client.post(f"/people/{trainee.id}/prior-hours",
                data={"programme": programme.code, "hours": "20", "reason": "2025年第3期培训班签到表（纸质，已存档）"})
    assert db.session.scalar(select(PriorHours.minutes)) == 20 * 45
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "training.prior_hours_recorded"))
    assert entry is not None and "签到表" in entry.new_values and str(staff.id) == str(entry.actor_id)
    assert hours_record(trainee, programme).prior == 900


def test_time_zone_boundaries_do_not_shift_a_session_outside_its_class(cls):
    # 07:30 Beijing time on the first day is 23:30 UTC the day before: still inside the class.
    early = at(2, 7, 30)
    assert early.date() < cls.starts_on
    assert factories.session(cls, day=2, start=(7, 30), end=(9, 0), hours=2).id
