"""People a roster import registered have no accounts: staff open them from
the roster, and the temporary passwords are shown once, to hand out."""

import re

from sqlalchemy import select

from lms.auth.models import User
from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.extensions import db
from tests.training import factories


def test_staff_open_accounts_for_the_roster_and_the_slips_show_passwords_once(client, login, home, staff,
                                                                               make_person, make_user):
    without = make_person(institution=home, name="赵春生")
    with_account = make_person(institution=home, name="钱秋菊", user=make_user(Role.TRAINEE))
    cls = factories.approved_class(home, [without, with_account])
    db.session.commit()
    login(staff)
    roster = client.get(f"/classes/{cls.id}/roster").get_data(as_text=True)
    assert "名单中有 1 名学员尚未开通账号" in roster
    response = client.post(f"/classes/{cls.id}/roster/accounts")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r"临时密码：(\S+)</p>", page).group(1)
    assert "赵春生" in page and "钱秋菊" not in page
    assert without.phone not in page  # the mobile number is masked on the slip
    db.session.refresh(without)
    user = db.session.get(User, without.user_id)
    assert user.username == without.phone and user.has_any_role({Role.TRAINEE})
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "person.account_opened"))
    client.post("/logout")
    signed_in = client.post("/login", data={"username": without.phone, "password": password})
    assert signed_in.status_code == 302  # the temporary password works …
    assert "/account/password" in client.get("/").headers["Location"]  # … and must be changed first
    client.post("/logout")
    login(staff)
    again = client.post(f"/classes/{cls.id}/roster/accounts").get_data(as_text=True)
    assert "未开通任何账号" in again  # nobody is left without one


def test_another_institution_cannot_open_accounts(client, login, home, make_person, make_institution, make_user):
    cls = factories.approved_class(home, [make_person(institution=home)])
    outsider = make_user(Role.INSTITUTION_STAFF, institution=make_institution("130203"))
    db.session.commit()
    login(outsider)
    assert client.post(f"/classes/{cls.id}/roster/accounts").status_code == 404
