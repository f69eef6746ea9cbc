"""Issuing: the eligibility decision, the optional approval step, what is
recorded for quotas, the audit trail, and the staff and trainee pages."""

import json

import pytest
from sqlalchemy import select

from lms.certs import services
from lms.certs.eligibility import Evidence, NotEligible, eligibility
from lms.certs.models import Certificate, CertificateStatus
from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.extensions import db
from tests.certs.conftest import meet_requirements


def test_without_assessments_no_certificate_without_an_explicit_staff_decision(make_person, issue):
    family = ("family_caregiver",)
    with pytest.raises(NotEligible) as why:
        issue(make_person(categories=family), "FC", evidence=Evidence(staff_confirmed=False, note="上课了"))
    assert len(why.value.unmet) == 1
    with pytest.raises(NotEligible):
        issue(make_person(name="赵六", categories=family), "FC",
              evidence=Evidence(staff_confirmed=True, note="  "))
    assert db.session.scalar(select(db.func.count()).select_from(Certificate)) == 0
    assert issue(make_person(name="孙七", categories=family), "FC").number


def test_a_family_caregiver_certificate_needs_the_online_course_completed(make_person, issue, programmes):
    from tests.certs.conftest import complete_training

    family = ("family_caregiver",)
    # No study at all: the staff member's checkbox and note are not enough.
    with pytest.raises(NotEligible) as why:
        issue(make_person(categories=family), "FC", passed=False, hours=False)
    unmet = [str(message) for message in why.value.unmet]
    assert any("线上课程" in message or "no online course" in message for message in unmet)
    assert any("0 of the programme's 12 hours" in message or "12 学时" in message for message in unmet)
    # The course exists and someone else finished it; this person has not.
    complete_training(make_person(name="钱五", categories=family), programmes["FC"])
    with pytest.raises(NotEligible) as why:
        issue(make_person(name="赵六", categories=family), "FC", passed=False)
    assert "失能老年人家庭照护者培训线上课程" in str(why.value)
    assert db.session.scalar(select(db.func.count()).select_from(Certificate)) == 0
    cert = issue(make_person(name="孙七", categories=family), "FC")
    assert cert.hours == 12  # the completed course covers the programme's hours


def test_a_skill_level_certificate_needs_theory_and_practical_passed(make_person, issue):
    with pytest.raises(NotEligible) as why:
        issue(make_person(), passed=False)
    assert len(why.value.unmet) == 1  # the page's language may be Chinese or English
    assert any(word in str(why.value.unmet[0]) for word in ("theory exam", "理论知识考试"))
    assert issue(make_person(name="周八")).number  # with both passed, no staff decision is needed


def test_every_unmet_requirement_is_named(make_person, programmes):
    person = make_person(categories=("family_caregiver",))
    unmet = eligibility(person, programmes["CG-4"], Evidence())
    assert len(unmet) == 3  # wrong category, no hours recorded, and the assessments not passed


def test_a_second_certificate_for_the_same_programme_is_refused(make_person, issue):
    person = make_person()
    issue(person)
    with pytest.raises(NotEligible):
        issue(person)


def test_category_and_region_are_recorded_at_issue_time(make_person, issue, regions):
    person = make_person("130104")
    cert = issue(person)
    person.region = regions["130102"]  # moving later does not move the certificate
    db.session.flush()
    assert (cert.programme_category, cert.region_code) == ("caregiver", "130104")
    assert cert.region_path == regions["130104"].path


def test_issuing_is_audited_without_personal_data(make_person, issue):
    person = make_person(name="王秀英")
    cert = issue(person)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.issued"))
    values = json.loads(entry.new_values)
    assert values["number"] == cert.number and values["holder"] == "王*英"
    assert person.reveal_id_number() not in entry.new_values and "王秀英" not in entry.new_values


def test_approval_step_numbers_the_certificate_only_when_approved(app, make_person, issue, make_user):
    app.config["CERTS_APPROVAL_PROGRAMMES"] = "CG-4"
    try:
        cert = issue(make_person())
    finally:
        app.config["CERTS_APPROVAL_PROGRAMMES"] = ""
    assert (cert.status, cert.number) == (CertificateStatus.PENDING, None)
    services.approve_certificate(cert, approved_by=make_user(Role.CIVIL_AFFAIRS, region_code="130100"))
    assert cert.status == CertificateStatus.VALID and len(cert.number) == 22
    with pytest.raises(services.CertificateStateError):
        services.approve_certificate(cert, approved_by=None)


def test_revoke_and_reissue_need_a_reason_and_are_audited(make_person, issue, staff):
    cert = issue(make_person())
    with pytest.raises(services.CertificateStateError):
        services.revoke_certificate(cert, reason=" ", by=staff)
    new = services.reissue_certificate(cert, reason="证书遗失", by=staff)
    assert cert.status == CertificateStatus.SUPERSEDED and new.replaces is cert
    with pytest.raises(services.CertificateStateError):
        services.revoke_certificate(cert, reason="重复", by=staff)  # superseded already
    services.revoke_certificate(new, reason="考试作弊", by=staff)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["certificate.superseded", "certificate.reissued", "certificate.revoked"]


def test_staff_issue_through_the_form(client, login, world, programmes):
    login(world["users"]["institution_staff"])
    person = world["person"]
    meet_requirements(person, programmes["CG-4"], world["home"])
    db.session.commit()
    response = client.post(f"/people/{person.id}/certificates/new",
                           data={"programme": "CG-4", "confirmed": "y", "note": "理论82、技能76"})
    assert response.status_code == 302
    cert = db.session.scalar(select(Certificate).where(Certificate.person_id == person.id))
    assert cert.status == "valid" and cert.institution_id == world["home"].id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert cert.number in page and person.id_number_masked in page
    assert person.reveal_id_number() not in page


def test_unconfirmed_form_issues_nothing(client, login, world, programmes):
    login(world["users"]["institution_staff"])
    response = client.post(f"/people/{world['person'].id}/certificates/new",
                           data={"programme": "CG-4", "note": "理论82"})
    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count()).select_from(Certificate)) == 0


def test_trainee_downloads_only_their_own_certificate(client, login, world, programmes, staff, home):
    evidence = Evidence(staff_confirmed=True, note="结业")
    for person in (world["person"], world["outsider"]):
        meet_requirements(person, programmes["CG-4"], home)
    own = services.issue_certificate(world["person"], programmes["CG-4"], issued_by=staff,
                                     institution=home, evidence=evidence)
    other = services.issue_certificate(world["outsider"], programmes["CG-4"], issued_by=staff,
                                       institution=home, evidence=evidence)
    db.session.commit()
    login(world["users"]["trainee"])
    listing = client.get("/me/certificates").get_data(as_text=True)
    assert own.number in listing and other.number not in listing
    response = client.get(f"/me/certificates/{own.id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get(f"/me/certificates/{other.id}/pdf").status_code == 404


def test_staff_list_shows_only_certificates_in_scope(client, login, world, programmes):
    evidence = Evidence(staff_confirmed=True, note="结业")
    meet_requirements(world["person"], programmes["CG-4"], world["home"])
    meet_requirements(world["outsider"], programmes["CG-4"], world["other"])
    own = services.issue_certificate(world["person"], programmes["CG-4"], issued_by=None,
                                     institution=world["home"], evidence=evidence)
    other = services.issue_certificate(world["outsider"], programmes["CG-4"], issued_by=None,
                                       institution=world["other"], evidence=evidence)
    db.session.commit()
    for role in ("institution_staff", "civil_affairs"):
        login(world["users"][role])
        listing = client.get("/certificates").get_data(as_text=True)
        assert own.number in listing and other.number not in listing
        client.post("/logout")
