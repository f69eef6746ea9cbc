"""The audit log records who did what, and shows tampering."""

import json

import pytest
from sqlalchemy import select, text

from lms.core import audit
from lms.core.access import Role
from lms.core.audit import AuditEntry, verify_chain
from lms.extensions import db


def _entries(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_security_events_are_recorded_with_address(client, make_user):
    user = make_user(Role.TRAINEE)
    db.session.commit()
    client.post("/login", data={"username": user.username, "password": "Wrong#pass1"},
                environ_base={"REMOTE_ADDR": "10.1.2.3"})
    failed = _entries("login.failed")[-1]
    assert failed.object_id == str(user.id) and failed.remote_addr == "10.1.2.3"


def test_role_change_records_actor_and_values(make_user, regions):
    from lms.auth import services as accounts

    security = make_user(Role.SECURITY_ADMIN)
    target = make_user()
    accounts.assign_role(target, Role.CIVIL_AFFAIRS, by=security, region=regions["130100"])
    entry = _entries("role.assigned")[-1]
    assert entry.actor_id == security.id
    assert json.loads(entry.new_values) == {"role": "civil_affairs", "region": "130100", "institution": None}


def test_institution_edit_records_old_and_new(make_institution):
    from lms.regions.services import update_institution

    institution = make_institution(grade=3)
    update_institution(institution, grade=4)
    entry = _entries("institution.updated")[-1]
    assert json.loads(entry.old_values)["grade"] == 3
    assert json.loads(entry.new_values)["grade"] == 4


def test_registration_audit_never_holds_the_full_id_number(make_person):
    make_person(id_number="130102199003078013")
    entry = _entries("person.registered")[-1]
    assert "130102199003078013" not in entry.new_values
    assert "1301**********8013" in entry.new_values


def _fill_log(n: int = 5) -> list[AuditEntry]:
    return [audit.record("test.event", object_type="Thing", object_id=i, new={"n": i}) for i in range(n)]


def test_intact_chain_verifies():
    _fill_log()
    report = verify_chain()
    assert report.ok and report.checked >= 5


def test_edited_entry_is_found(app):
    entries = _fill_log()
    target = entries[2]
    db.session.execute(text("UPDATE audit_entries SET new_values = :v WHERE id = :id"),
                       {"v": '{"n": 99}', "id": target.id})
    db.session.expire_all()
    report = verify_chain()
    assert not report.ok and report.broken_id == target.id


def test_deleted_entry_is_found():
    entries = _fill_log()
    db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": entries[2].id})
    db.session.expire_all()
    assert verify_chain().broken_id == entries[3].id


def test_rehashed_edit_is_still_found():
    """An editor who also recomputes the edited row's hash breaks the next link."""
    entries = _fill_log()
    target = entries[1]
    target.new_values = '{"n": 42}'
    target.entry_hash = target.content_hash()
    db.session.flush()
    assert verify_chain().broken_id == entries[2].id


def test_cli_reports_the_broken_entry(app):
    entries = _fill_log()
    db.session.execute(text("UPDATE audit_entries SET actor_name = 'x' WHERE id = :id"), {"id": entries[0].id})
    db.session.expire_all()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at entry {entries[0].id}" in result.output


def test_audit_page_is_for_the_audit_administrator_only(client, make_user, login):
    auditor, system = make_user(Role.AUDIT_ADMIN), make_user(Role.SYSTEM_ADMIN)
    _fill_log(3)
    db.session.commit()
    login(system)
    assert client.get("/admin/audit").status_code == 403
    client.post("/logout")
    login(auditor)
    page = client.get("/admin/audit?action=test.&verify=1").get_data(as_text=True)
    assert "test.event" in page and "哈希链完整" in page


@pytest.mark.parametrize("method", ["delete", "post"])
def test_no_route_deletes_audit_entries(app, method):
    for rule in app.url_map.iter_rules():
        assert "audit" not in rule.rule or rule.methods <= {"GET", "HEAD", "OPTIONS"}
