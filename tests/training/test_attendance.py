"""Attendance by rotating QR code: which tokens are accepted, who may sign in
and when, sign-in then sign-out, repeats, marks by hand, and the classroom
minutes credited from them. Time is frozen by passing ``now``."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from lms.core.audit import AuditEntry
from lms.extensions import db
from lms.training.hours import classroom_minutes, session_minutes
from lms.training.models import Attendance, ClassEnrolment, ClassStatus, ScanKind
from lms.training.services import attendance as services
from lms.training.services.enrolment import enrol, withdraw
from lms.training.services.errors import TrainingError
from tests.training.conftest import session_now

WINDOW = timedelta(seconds=30)


def _rows() -> int:
    return db.session.scalar(select(func.count(Attendance.id)))


def _scan(room, when, person=None, session=None):
    token = services.session_token((session or room.session).id, now=when)
    return services.record_scan(token, confirmed_session_id=(session or room.session).id,
                                person=person or room.trainee, now=when)


# Tokens -----------------------------------------------------------------------------------------

def test_a_token_is_accepted_in_its_window_and_the_next(classroom):
    now = classroom.start + timedelta(minutes=5)
    token = services.session_token(classroom.session.id, now=now)
    assert len(token.rsplit(".", 1)[1]) == 16  # the mac stays short: the QR code stays small
    assert services.read_token(token, now=now) == classroom.session.id
    assert services.read_token(token, now=now + WINDOW) == classroom.session.id  # just after the change
    assert services.session_token(classroom.session.id, now=now + WINDOW) != token  # it does change


@pytest.mark.parametrize("later", [2 * WINDOW, timedelta(minutes=10), -WINDOW])
def test_a_token_from_another_window_has_expired(classroom, later):
    now = classroom.start + timedelta(minutes=5)
    token = services.session_token(classroom.session.id, now=now)
    with pytest.raises(TrainingError, match="已过期"):
        services.read_token(token, now=now + later)


def test_a_forged_or_altered_token_is_refused(classroom, app, monkeypatch):
    now = classroom.start + timedelta(minutes=5)
    token = services.session_token(classroom.session.id, now=now)
    session_id, window, mac = token.split(".")
    flipped = ("B" if mac[0] == "A" else "A") + mac[1:]
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-installation")
    foreign = services.session_token(classroom.session.id, now=now)
    monkeypatch.undo()
    for bad in (f"{session_id}.{window}.{flipped}", f"{int(session_id) + 1}.{window}.{mac}",
                f"{session_id}.{int(window) + 1}.{mac}", foreign, f"{session_id}.{window}", "", "1.2.3",
                token.lower(), token + "A"):
        with pytest.raises(TrainingError, match="不是本平台的签到码"):
            services.read_token(bad, now=now)
    with pytest.raises(TrainingError):
        _scan_token(classroom, f"{session_id}.{window}.{flipped}", now)
    assert _rows() == 0


def _scan_token(room, token, now):
    return services.record_scan(token, confirmed_session_id=room.session.id, person=room.trainee, now=now)


# Who may sign in, and when -----------------------------------------------------------------------

def test_a_token_for_another_session_than_the_one_confirmed_is_refused(classroom):
    other = session_now(classroom.cls, classroom.teacher, topic="协助进食")
    now = classroom.start + timedelta(minutes=5)
    token = services.session_token(other.id, now=now)
    with pytest.raises(TrainingError, match="另一课次"):
        services.record_scan(token, confirmed_session_id=classroom.session.id, person=classroom.trainee, now=now)
    assert _rows() == 0


def test_someone_not_on_the_roster_cannot_sign_in(classroom, make_person):
    now = classroom.start + timedelta(minutes=5)
    stranger = make_person(institution=classroom.home, name="赵淑珍")
    with pytest.raises(TrainingError, match="不在.*学员名单"):
        _scan(classroom, now, person=stranger)
    withdraw(db.session.scalar(select(ClassEnrolment).where(ClassEnrolment.person_id == classroom.classmate.id)),
             reason="外出务工", by=None)
    with pytest.raises(TrainingError, match="学员名单"):
        _scan(classroom, now, person=classroom.classmate)
    with pytest.raises(TrainingError, match="未关联"):  # an account with no trainee record
        services.record_scan(services.session_token(classroom.session.id, now=now),
                             confirmed_session_id=classroom.session.id, person=None, now=now)
    assert _rows() == 0
    enrol(classroom.cls, stranger, by=None)
    assert _scan(classroom, now, person=stranger).kind == ScanKind.IN  # once enrolled, it works


@pytest.mark.parametrize("status", [ClassStatus.DRAFT, ClassStatus.SUBMITTED, ClassStatus.CLOSED])
def test_a_class_that_is_not_approved_or_running_takes_no_attendance(classroom, status):
    now = classroom.start + timedelta(minutes=5)
    classroom.cls.status = status
    db.session.flush()
    with pytest.raises(TrainingError, match="不记考勤"):
        _scan(classroom, now)
    assert _rows() == 0
    classroom.cls.status = ClassStatus.RUNNING
    assert _scan(classroom, now).kind == ScanKind.IN


def test_scanning_is_open_only_around_the_session(classroom):
    too_early = classroom.start - timedelta(minutes=31)
    too_late = classroom.end + timedelta(minutes=31)
    with pytest.raises(TrainingError, match="尚未开始"):
        _scan(classroom, too_early)
    with pytest.raises(TrainingError, match="已结束"):
        _scan(classroom, too_late)
    assert _rows() == 0
    assert _scan(classroom, classroom.start - timedelta(minutes=29)).kind == ScanKind.IN
    assert _scan(classroom, classroom.end + timedelta(minutes=29)).kind == ScanKind.OUT


# Sign-in, sign-out and the minutes they earn ---------------------------------------------------------

def test_first_scan_signs_in_later_scans_sign_out_and_the_last_counts(classroom):
    preview = services.preview_scan(services.session_token(classroom.session.id, now=classroom.start),
                                    person=classroom.trainee, now=classroom.start)
    assert preview.kind == ScanKind.IN and _rows() == 0  # looking writes nothing
    assert _scan(classroom, classroom.start + timedelta(minutes=2)).kind == ScanKind.IN
    assert _scan(classroom, classroom.start + timedelta(minutes=50)).kind == ScanKind.OUT
    assert session_minutes(classroom.session.id) == {classroom.trainee.id: 48}
    assert _scan(classroom, classroom.start + timedelta(minutes=70)).kind == ScanKind.OUT
    assert session_minutes(classroom.session.id) == {classroom.trainee.id: 68}  # the latest sign-out
    assert classroom_minutes(classroom.cls.id) == {classroom.trainee.id: 68}


def test_a_double_tap_records_one_scan(classroom):
    now = classroom.start + timedelta(minutes=3)
    first = _scan(classroom, now)
    again = _scan(classroom, now + timedelta(seconds=40))  # the next code, scanned again at once
    assert first.kind == ScanKind.IN and again.repeat_of is not None and again.repeat_of.kind == ScanKind.IN
    assert _rows() == 1
    assert _scan(classroom, now + timedelta(minutes=3)).kind == ScanKind.OUT
    assert _rows() == 2


def test_credit_is_capped_at_the_sessions_hours(classroom):
    # 120 minutes attended, but the session is 2 hours of 45 minutes.
    _scan(classroom, classroom.start)
    _scan(classroom, classroom.end)
    assert session_minutes(classroom.session.id) == {classroom.trainee.id: 90}


def test_credit_is_clipped_to_the_scheduled_times(classroom):
    _scan(classroom, classroom.start - timedelta(minutes=20))  # early: counts from the start
    _scan(classroom, classroom.start + timedelta(minutes=60))
    _scan(classroom, classroom.start + timedelta(minutes=50), person=classroom.classmate)
    _scan(classroom, classroom.end + timedelta(minutes=20), person=classroom.classmate)  # late: to the end
    assert session_minutes(classroom.session.id) == {classroom.trainee.id: 60, classroom.classmate.id: 70}


def test_no_sign_out_earns_nothing_and_shows_on_the_roster(classroom):
    _scan(classroom, classroom.start + timedelta(minutes=1))
    assert session_minutes(classroom.session.id) == {classroom.trainee.id: 0}
    lines = {line.person.id: line for line in services.session_roster(
        classroom.session, [classroom.trainee, classroom.classmate])}
    assert lines[classroom.trainee.id].lacks_sign_out and lines[classroom.trainee.id].minutes == 0
    assert not lines[classroom.classmate.id].lacks_sign_out and lines[classroom.classmate.id].signed_in is None


def test_minutes_are_read_in_one_query_whatever_the_class_size(classroom, make_person):
    sessions = [classroom.session] + [session_now(classroom.cls, classroom.teacher, topic=f"第{n}课")
                                      for n in range(3)]
    people = [classroom.trainee, classroom.classmate] + [make_person(name=f"学员{n}") for n in range(6)]
    for person in people[2:]:
        enrol(classroom.cls, person, by=None)
    for session in sessions:
        for person in people:
            _scan(classroom, classroom.start, person=person, session=session)
            _scan(classroom, classroom.start + timedelta(minutes=30), person=person, session=session)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        per_class = classroom_minutes(classroom.cls.id)
        per_session = session_minutes(classroom.session.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 2
    assert per_class == {person.id: 4 * 30 for person in people}
    assert per_session == {person.id: 30 for person in people}


# Marks by hand ------------------------------------------------------------------------------------

def test_a_mark_by_hand_needs_a_reason_and_is_audited(classroom):
    at = classroom.start + timedelta(minutes=100)
    _scan(classroom, classroom.start + timedelta(minutes=5))
    for reason in ("", "   "):
        with pytest.raises(TrainingError, match="原因"):
            services.mark_attendance(classroom.session, classroom.trainee, kind=ScanKind.OUT, at=at, reason=reason,
                                     by=classroom.staff, now=classroom.end)
    assert _rows() == 1
    row = services.mark_attendance(classroom.session, classroom.trainee, kind=ScanKind.OUT, at=at,
                                   reason="手机没电，未能扫码签退", by=classroom.staff, now=classroom.end)
    assert (row.is_manual, row.recorded_by_id, row.reason) == (True, classroom.staff.id, "手机没电，未能扫码签退")
    assert session_minutes(classroom.session.id) == {classroom.trainee.id: 90}  # 95, capped
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "training_attendance.marked"))
    assert entry.actor_id == classroom.staff.id and "手机没电" in entry.new_values
    assert str(classroom.trainee.id) in entry.new_values and classroom.trainee.reveal_id_number() not in entry.new_values


def test_a_mark_by_hand_must_lie_in_the_session_and_on_the_roster(classroom, make_person):
    def mark(person, at, now=classroom.end):
        services.mark_attendance(classroom.session, person, kind=ScanKind.IN, at=at, reason="迟到补签",
                                 by=classroom.staff, now=now)

    with pytest.raises(TrainingError, match="不在课次时间之内"):
        mark(classroom.trainee, classroom.start - timedelta(hours=2))
    with pytest.raises(TrainingError, match="尚未到来"):
        mark(classroom.trainee, classroom.start + timedelta(minutes=20), now=classroom.start)
    with pytest.raises(TrainingError, match="学员名单"):
        mark(make_person(name="赵淑珍"), classroom.start)
    assert _rows() == 0
    mark(classroom.trainee, classroom.start)
    assert _rows() == 1
