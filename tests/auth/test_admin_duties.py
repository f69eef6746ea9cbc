"""三员分立: system, security and audit administration are separate accounts."""

import pytest

from lms.auth import services as accounts
from lms.core.access import ADMIN_DUTIES, Role
from lms.extensions import db


@pytest.mark.parametrize("first", sorted(ADMIN_DUTIES))
@pytest.mark.parametrize("second", sorted(ADMIN_DUTIES))
def test_no_account_holds_two_admin_duties(make_user, first, second):
    user = make_user(first)
    with pytest.raises(accounts.AccountError):
        accounts.assign_role(user, second, by=None)
    assert user.roles == {first}


def test_scoped_roles_need_their_scope(make_user):
    user = make_user()
    with pytest.raises(accounts.AccountError, match="所辖区域"):
        accounts.assign_role(user, Role.CIVIL_AFFAIRS, by=None)
    with pytest.raises(accounts.AccountError, match="所属机构"):
        accounts.assign_role(user, Role.INSTITUTION_STAFF, by=None)


def test_security_admin_grants_a_scoped_role_on_the_page(client, make_user, login):
    security, target = make_user(Role.SECURITY_ADMIN), make_user()
    db.session.commit()
    login(security)
    client.post(f"/admin/users/{target.id}/roles", data={"role": "civil_affairs", "region": "130200"})
    db.session.expire_all()
    assert [(a.role, a.region.code) for a in target.assignments] == [("civil_affairs", "130200")]


def test_security_admin_cannot_change_own_roles(client, make_user, login):
    security = make_user(Role.SECURITY_ADMIN)
    db.session.commit()
    login(security)
    client.post(f"/admin/users/{security.id}/roles", data={"role": "audit_admin"})
    client.post(f"/admin/users/{security.id}/roles/security_admin/remove")
    db.session.expire_all()
    assert security.roles == {"security_admin"}


def test_system_admin_cannot_grant_roles(client, make_user, login):
    system, target = make_user(Role.SYSTEM_ADMIN), make_user()
    db.session.commit()
    login(system)
    assert client.post(f"/admin/users/{target.id}/roles", data={"role": "trainee"}).status_code == 403


def test_system_admin_creates_an_account_with_a_one_time_password(client, make_user, login):
    system = make_user(Role.SYSTEM_ADMIN)
    db.session.commit()
    login(system)
    response = client.post("/admin/users/new", data={"username": "zhang.wei", "display_name": "张伟"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "临时密码（只显示这一次）" in page
    created = accounts.find_user("zhang.wei")
    assert created.must_change_password and created.created_by_id == system.id
