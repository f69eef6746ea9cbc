"""Signing in and out, lockout, rate limits, session limits, password rules."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from lms.auth import services as accounts
from lms.auth.models import User
from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.core.time import utcnow
from lms.extensions import db
from tests.conftest import PASSWORD, TOTP_SECRET


def _reload(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_login_and_logout(client, make_user, login):
    user = make_user(Role.TRAINEE)
    db.session.commit()
    login(user)
    assert "测试用户" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/me").status_code == 302  # back to the sign-in page


def test_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user(Role.TRAINEE)
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": "Wrong#pass1"})
    assert response.status_code == 401
    assert "账号或密码不正确" in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    response = client.post("/login", data={"username": "nobody", "password": "Wrong#pass1"})
    assert response.status_code == 401
    assert "账号或密码不正确" in response.get_data(as_text=True)


def test_five_failures_lock_the_account_even_for_the_right_password(client, make_user):
    user = make_user(Role.TRAINEE)
    db.session.commit()
    for _ in range(4):
        assert client.post("/login", data={"username": user.username, "password": "Bad#pass1"}).status_code == 401
    fifth = client.post("/login", data={"username": user.username, "password": "Bad#pass1"})
    assert fifth.status_code == 403
    assert "锁定 15 分钟" in fifth.get_data(as_text=True)
    right = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert right.status_code == 403
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(user.id))).all()
    assert "account.locked" in actions and "login.refused_locked" in actions


def test_lock_runs_out_after_the_lockout_period(client, make_user):
    user = make_user(Role.TRAINEE)
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302


def test_system_admin_can_unlock(client, make_user, login):
    locked = make_user(Role.TRAINEE)
    locked.locked_until = utcnow() + timedelta(minutes=15)
    admin = make_user(Role.SYSTEM_ADMIN)
    db.session.commit()
    login(admin)
    client.post(f"/admin/users/{locked.id}/unlock")
    assert _reload(locked).locked_until is None


def test_rate_limit_per_account(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    try:
        user = make_user(Role.TRAINEE)
        db.session.commit()
        codes = [client.post("/login", data={"username": user.username, "password": "x"}).status_code
                 for _ in range(4)]
        assert codes[:3] == [401, 401, 401]
        assert codes[3] == 429
    finally:
        app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "10 per minute"


def test_rate_limit_per_address_spans_accounts(app, client):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    try:
        codes = [client.post("/login", data={"username": f"user{i}", "password": "x"}).status_code
                 for i in range(4)]
        assert codes[3] == 429
        assert "尝试次数过多" in client.post("/login", data={"username": "z", "password": "x"}).get_data(as_text=True)
    finally:
        app.config["LOGIN_LIMIT_PER_ADDRESS"] = "30 per minute"


def test_staff_session_ends_after_idle_time(client, make_user, login, make_institution):
    staff = make_user(Role.INSTITUTION_STAFF, institution=make_institution())
    db.session.commit()
    login(staff)
    assert client.get("/people").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] -= 31 * 60
    response = client.get("/people")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/people").status_code == 302


def test_staff_session_ends_after_twelve_hours_even_when_active(client, make_user, login, make_institution):
    staff = make_user(Role.INSTITUTION_STAFF, institution=make_institution())
    db.session.commit()
    login(staff)
    with client.session_transaction() as session:
        session["signed_in_at"] -= 12 * 3600 + 1
    assert client.get("/people").status_code == 302


def test_trainee_session_is_not_cut_by_the_staff_idle_limit(client, make_user, login):
    trainee = make_user(Role.TRAINEE)
    db.session.commit()
    login(trainee)
    with client.session_transaction() as session:
        session["seen_at"] -= 31 * 60
    assert client.get("/me").status_code == 200


def test_login_starts_a_new_session(client, make_user):
    user = make_user(Role.TRAINEE)
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:")


@pytest.mark.parametrize(
    "password, problem",
    [("Ab1#", "too_short"), ("abcdefgh1", "too_simple"), ("abcdefgh", "too_simple"), ("Abcdef12", None),
     ("abcdef1#", None)],
)
def test_password_policy(app, password, problem):
    from lms.auth.passwords import policy_problem

    assert policy_problem(password) == problem


def test_weak_password_is_refused_on_change(client, make_user, login):
    user = make_user(Role.TRAINEE)
    db.session.commit()
    login(user)
    response = client.post("/account/password",
                           data={"current": PASSWORD, "new": "password", "confirm": "password"})
    assert response.status_code == 400
    assert "至少包含小写字母、大写字母、数字、符号中的 3 类" in response.get_data(as_text=True)


def test_account_created_by_admin_must_change_password_first(client, make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    created = accounts.create_user(username="newstaff", display_name="新员工", password="Temp#pass123",
                                   created_by=admin)
    db.session.commit()
    client.post("/login", data={"username": "newstaff", "password": "Temp#pass123"})
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    client.post("/account/password",
                data={"current": "Temp#pass123", "new": "Mine#pass2026", "confirm": "Mine#pass2026"})
    assert client.get("/").status_code == 200
    assert _reload(created).must_change_password is False


def test_password_change_ends_other_sessions(app, make_user, login, client):
    user = make_user(Role.TRAINEE)
    db.session.commit()
    login(user)
    other_device = app.test_client()
    other_device.post("/login", data={"username": user.username, "password": PASSWORD})
    assert other_device.get("/me").status_code == 200
    client.post("/account/password", data={"current": PASSWORD, "new": "Next#pass2026", "confirm": "Next#pass2026"})
    assert client.get("/me").status_code == 200
    assert other_device.get("/me").status_code == 302


def test_totp_set_up_then_required_at_sign_in(client, make_user, login, make_institution):
    staff = make_user(Role.INSTITUTION_STAFF, institution=make_institution())
    db.session.commit()
    login(staff)
    client.get("/account/second-factor")
    with client.session_transaction() as session:
        secret = session["totp_setup_secret"]
    assert client.post("/account/second-factor", data={"code": "000000"}).status_code == 400
    client.post("/account/second-factor", data={"code": pyotp.TOTP(secret).now()})
    assert _reload(staff).is_totp_enabled
    client.post("/logout")
    step_one = client.post("/login", data={"username": staff.username, "password": PASSWORD})
    assert step_one.headers["Location"].endswith("/login/second-factor")
    assert client.get("/people").status_code == 302  # not signed in yet
    wrong = client.post("/login/second-factor", data={"code": "123456"})
    assert wrong.status_code == 401
    client.post("/login/second-factor", data={"code": pyotp.TOTP(secret).now()})
    assert client.get("/people").status_code == 200


def test_admin_without_second_factor_is_sent_to_set_it_up(client, make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    admin.is_totp_enabled = False
    db.session.commit()
    client.post("/login", data={"username": admin.username, "password": PASSWORD})
    response = client.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/second-factor")


def test_admin_cannot_turn_the_second_factor_off(client, make_user, login):
    admin = make_user(Role.SECURITY_ADMIN)
    db.session.commit()
    login(admin)
    client.post("/account/second-factor/disable")
    assert _reload(admin).is_totp_enabled


def test_wrong_second_factor_codes_count_towards_lockout(client, make_user):
    admin = make_user(Role.AUDIT_ADMIN)
    db.session.commit()
    client.post("/login", data={"username": admin.username, "password": PASSWORD})
    for _ in range(5):
        client.post("/login/second-factor", data={"code": "000000"})
    assert accounts.is_locked(_reload(admin))
    assert TOTP_SECRET  # the real code is known, but the lock holds:
    client.post("/login", data={"username": admin.username, "password": PASSWORD})
    assert client.get("/admin/audit").status_code == 302


def _sign_in_codes(client, addresses: list[str]) -> list[int]:
    return [client.post("/login", data={"username": f"user{i}", "password": "x"},
                        headers={"X-Forwarded-For": address}).status_code
            for i, address in enumerate(addresses)]


def test_behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit(tmp_path, monkeypatch):
    from lms import create_app
    from tests.conftest import IsolatedClient

    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    proxied = create_app("testing", TRUSTED_PROXIES=1, LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    proxied.test_client_class = IsolatedClient
    codes = _sign_in_codes(proxied.test_client(), ["203.0.113.5"] * 4 + ["198.51.100.7"])
    assert codes == [401, 401, 401, 429, 401]  # the second client is not held back by the first


def test_without_trusted_proxies_a_forwarded_address_is_ignored(app, client):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    try:
        # Each attempt claims another address; all still count against the real one.
        codes = _sign_in_codes(client, [f"203.0.113.{n}" for n in range(1, 6)])
        assert codes == [401, 401, 401, 429, 429]
    finally:
        app.config["LOGIN_LIMIT_PER_ADDRESS"] = "30 per minute"
