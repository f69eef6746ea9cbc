"""The attendance pages: the staff screen with its rotating QR code and
roster, the QR code itself, the trainee's scan page (GET looks, POST
records) and marks by hand."""

import re
from datetime import timedelta

import segno
from sqlalchemy import func, select

from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.core.time import as_local, utcnow
from lms.extensions import db
from lms.training import attendance_views
from lms.training.hours import session_minutes
from lms.training.models import Attendance, ScanKind
from lms.training.services import attendance as services
from tests.training import factories
from tests.training.conftest import session_now


def _rows() -> int:
    return db.session.scalar(select(func.count(Attendance.id)))


def _token(room, session=None, now=None) -> str:
    return services.session_token((session or room.session).id, now=now)


def test_the_scan_page_shows_the_session_and_writes_nothing(client, login, classroom):
    db.session.commit()
    login(classroom.user)
    response = client.get(f"/attend/{_token(classroom)}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert classroom.session.topic in page and classroom.cls.name in page and "确认签到" in page
    assert re.search(rf'<input[^>]*name="session" type="hidden" value="{classroom.session.id}">', page)
    assert _rows() == 0


def test_confirming_signs_in_a_double_tap_adds_nothing(client, login, classroom):
    db.session.commit()
    login(classroom.user)
    url, data = f"/attend/{_token(classroom)}", {"session": classroom.session.id}
    first = client.post(url, data=data)
    assert first.status_code == 200 and "签到成功" in first.get_data(as_text=True)
    again = client.post(url, data=data)
    assert "无需再操作" in again.get_data(as_text=True)
    rows = db.session.scalars(select(Attendance)).all()
    assert [(row.person_id, row.kind, row.is_manual) for row in rows] == [(classroom.trainee.id, ScanKind.IN, False)]
    assert "已于" in client.get(url).get_data(as_text=True)  # the page says so, rather than offering a sign-out


def test_refusals_are_explained_and_record_nothing(client, login, classroom, make_user, make_person):
    other = session_now(classroom.cls, classroom.teacher, topic="协助进食")
    lonely = make_user(Role.TRAINEE)
    stranger_user = make_user(Role.TRAINEE)
    make_person(institution=classroom.home, user=stranger_user, name="赵淑珍")
    db.session.commit()
    login(classroom.user)
    old = _token(classroom, now=utcnow() - timedelta(minutes=3))
    expired = client.get(f"/attend/{old}")
    assert expired.status_code == 400 and "已过期" in expired.get_data(as_text=True)
    assert "请现在扫描屏幕上的二维码" in client.post(f"/attend/{old}", data={"session": classroom.session.id}
                                                  ).get_data(as_text=True)
    forged = client.post(f"/attend/{classroom.session.id}.1.AAAAAAAAAAAAAAAA", data={"session": classroom.session.id})
    assert forged.status_code == 400 and "不是本平台的签到码" in forged.get_data(as_text=True)
    swapped = client.post(f"/attend/{_token(classroom, session=other)}", data={"session": classroom.session.id})
    assert swapped.status_code == 400 and "另一课次" in swapped.get_data(as_text=True)
    client.post("/logout")
    login(stranger_user)
    stranger = client.post(f"/attend/{_token(classroom)}", data={"session": classroom.session.id})
    assert stranger.status_code == 400 and "学员名单" in stranger.get_data(as_text=True)
    client.post("/logout")
    login(lonely)
    assert "未关联" in client.get(f"/attend/{_token(classroom)}").get_data(as_text=True)
    assert _rows() == 0


def test_staff_see_the_qr_code_and_the_roster(client, login, classroom, monkeypatch):
    services.record_scan(_token(classroom), confirmed_session_id=classroom.session.id, person=classroom.trainee)
    db.session.commit()
    login(classroom.staff)
    page = client.get(f"/sessions/{classroom.session.id}/attendance").get_data(as_text=True)
    assert f'src="/sessions/{classroom.session.id}/attendance/qr.svg"' in page
    assert 'src="/static/js/attendance-qr.js"' in page and 'http-equiv="refresh" content="30"' in page
    assert "onload=" not in page and "style=" not in page and "<script>" not in page  # the CSP allows neither
    roster = page.split('id="roster"', 1)[1]
    assert classroom.trainee.name in roster and classroom.classmate.name in roster and "未签退" in roster
    signed_in_at = as_local(db.session.scalar(select(Attendance.at))).strftime("%H:%M")
    assert "2 名学员中已有 1 名签到" in roster and signed_in_at in roster

    made, make = [], segno.make
    monkeypatch.setattr(attendance_views.segno, "make", lambda text, **kw: made.append(text) or make(text, **kw))
    response = client.get(f"/sessions/{classroom.session.id}/attendance/qr.svg")
    assert response.mimetype == "image/svg+xml" and response.headers["Cache-Control"] == "no-store"
    assert response.get_data(as_text=True).startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert made[0].startswith("http://localhost/attend/")
    assert services.read_token(made[0].rsplit("/", 1)[1]) == classroom.session.id


def test_civil_affairs_see_the_roster_but_no_qr_code(client, login, classroom, make_user):
    officer = make_user(Role.CIVIL_AFFAIRS, region_code="130100")
    db.session.commit()
    login(officer)
    page = client.get(f"/sessions/{classroom.session.id}/attendance").get_data(as_text=True)
    assert classroom.trainee.name in page and "qr.svg" not in page and "/attendance/mark" not in page
    assert client.get(f"/sessions/{classroom.session.id}/attendance/qr.svg").status_code == 403


def test_the_qr_code_is_shown_only_around_the_session(client, login, classroom):
    classroom.session.starts_at = utcnow() + timedelta(hours=3)
    classroom.session.ends_at = utcnow() + timedelta(hours=5)
    db.session.commit()
    login(classroom.staff)
    page = client.get(f"/sessions/{classroom.session.id}/attendance").get_data(as_text=True)
    assert "qr.svg" not in page and "开始前 30 分钟至结束后 30 分钟之间显示" in page


def test_staff_mark_by_hand_with_a_reason_and_it_is_audited(client, login, classroom):
    db.session.commit()
    login(classroom.staff)
    url = f"/sessions/{classroom.session.id}/attendance/mark"
    start = as_local(classroom.start).strftime("%H:%M")
    missing = client.post(url, data={"person": classroom.classmate.id, "kind": "in", "time": start, "reason": ""},
                          follow_redirects=True)
    assert "请填写手工补记考勤的原因" in missing.get_data(as_text=True) and _rows() == 0
    done = client.post(url, data={"person": classroom.classmate.id, "kind": "in", "time": start,
                                  "reason": "手机没电，由班主任核实到课"}, follow_redirects=True)
    assert "已为李桂芳补记签到" in done.get_data(as_text=True)
    row = db.session.scalar(select(Attendance))
    assert (row.person_id, row.kind, row.is_manual, row.recorded_by_id) == (
        classroom.classmate.id, ScanKind.IN, True, classroom.staff.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "training_attendance.marked"))
    assert "班主任核实" in entry.new_values and entry.actor_id == classroom.staff.id
    future = client.post(url, data={"person": classroom.classmate.id, "kind": "out",
                                    "time": as_local(utcnow() + timedelta(minutes=10)).strftime("%H:%M"),
                                    "reason": "补记"},
                         follow_redirects=True)
    assert "尚未到来" in future.get_data(as_text=True) and _rows() == 1
    assert session_minutes(classroom.session.id) == {classroom.classmate.id: 0}


def test_another_institutions_session_is_not_found(client, login, classroom, make_institution, make_person):
    other = make_institution("130203", name="路北区幸福里养老中心")
    outsider = make_person("130203", institution=other, name="李建国")
    other_class = factories.approved_class(other, [outsider], start=classroom.cls.starts_on,
                                           end=classroom.cls.ends_on)
    other_session = session_now(other_class, other_class.instructors[0])
    db.session.commit()
    login(classroom.staff)
    for url in (f"/sessions/{other_session.id}/attendance", f"/sessions/{other_session.id}/attendance/qr.svg"):
        response = client.get(url)
        assert response.status_code == 404 and "李建国" not in response.get_data(as_text=True)
    marked = client.post(f"/sessions/{other_session.id}/attendance/mark",
                         data={"person": outsider.id, "kind": "in", "time": "09:00", "reason": "补记"})
    assert marked.status_code == 404 and _rows() == 0
    # On their own session, another institution's trainee is neither marked nor named.
    own = client.post(f"/sessions/{classroom.session.id}/attendance/mark", follow_redirects=True,
                      data={"person": outsider.id, "kind": "in", "time": "09:00", "reason": "补记"})
    page = own.get_data(as_text=True)
    assert "请选择本班学员名单中的学员" in page and "李建国" not in page and _rows() == 0
