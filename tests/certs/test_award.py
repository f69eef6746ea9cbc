"""Award certificates (获奖证书) for competition prizes: issued valid at once
with a JS13AW… number, signed including the prize, verified, revoked and
reissued like every other certificate, printed, and never counted by quotas."""

import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select, update

from lms.certs import services, signing
from lms.certs.documents import render_certificates
from lms.certs.models import Certificate, CertificateKind, CertificateStatus
from lms.certs.qr import check_code
from lms.certs.services import signed_fields
from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.core.time import local_today
from lms.extensions import db
from tests.certs.conftest import pdf_text

FULL_NAME = "王秀英"
EVENT = "2026年石家庄市养老护理职业技能大赛"
PRIZE = "一等奖"
ORGANISER = "石家庄市民政局"
BASIS = "大赛组委会公布的比赛结果（第2名）"


@pytest.fixture
def award(make_person):
    """award(person=None, prize=PRIZE): a valid award certificate."""

    def do_award(person=None, prize=PRIZE, by=None):
        return services.issue_award_certificate(
            person or make_person(name=FULL_NAME), event_name=EVENT, prize=prize, issuer_name=ORGANISER,
            issued_by=by, basis=BASIS)

    return do_award


def _qr_path(cert) -> str:
    return f"/v/{cert.number}?s={signing.sign_number(cert.number)}"


def _status(html: str) -> str:
    return re.search(r'id="verification" data-status="(\w+)"', html).group(1)


def test_an_award_is_valid_at_once_with_a_competition_number_and_the_prize_signed(award, make_person, staff):
    person = make_person(name=FULL_NAME)
    cert = award(person, by=staff)
    year = f"{local_today().year % 100:02d}"
    assert re.fullmatch(rf"JS13AW{year}\d{{7}}", cert.number)
    assert cert.kind == CertificateKind.AWARD and cert.status == CertificateStatus.VALID
    assert (cert.programme_name, cert.award, cert.issuer_name) == (EVENT, PRIZE, ORGANISER)
    assert (cert.programme, cert.level, cert.hours, cert.programme_category) == (None, None, None, "award")
    assert (cert.holder_name, cert.id_number_masked) == (FULL_NAME, person.id_number_masked)
    assert cert.region_code == person.region.code and cert.issue_date == local_today()
    assert signing.verify_record(signed_fields(cert), cert.signature) and cert.key_id == signing.key_id()
    assert signed_fields(cert)["award"] == PRIZE
    # A second prize gets the next number of the same sequence.
    second = award(make_person(name="李建国"), prize="二等奖")
    assert int(second.number[-7:]) == int(cert.number[-7:]) + 1


def test_issuing_an_award_is_audited_with_prize_and_basis_and_no_personal_data(award, make_person, staff):
    person = make_person(name=FULL_NAME)
    cert = award(person, by=staff)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.issued"))
    values = json.loads(entry.new_values)
    assert (values["number"], values["award"], values["basis"]) == (cert.number, PRIZE, BASIS)
    assert values["holder"] == "王*英" and values["id_number"] == person.id_number_masked
    assert FULL_NAME not in entry.new_values and person.reveal_id_number() not in entry.new_values


@pytest.mark.parametrize("field", ["event_name", "prize", "issuer_name", "basis"])
def test_an_award_without_event_prize_issuer_or_basis_is_refused(make_person, field):
    values = {"event_name": EVENT, "prize": PRIZE, "issuer_name": ORGANISER, "basis": BASIS} | {field: "  "}
    with pytest.raises(ValueError, match=field):
        services.issue_award_certificate(make_person(), issued_by=None, **values)
    assert db.session.scalar(select(db.func.count()).select_from(Certificate)) == 0


def test_a_prize_too_long_for_the_certificate_is_refused(make_person):
    with pytest.raises(ValueError, match="prize"):
        services.issue_award_certificate(make_person(), event_name=EVENT, prize="奖" * 33,
                                         issuer_name=ORGANISER, issued_by=None, basis=BASIS)


def test_the_verify_page_shows_prize_and_competition_with_the_holder_masked(client, award, make_person):
    person = make_person(name=FULL_NAME)
    cert = award(person)
    db.session.commit()
    for url in (_qr_path(cert), f"/verify?{urlencode({'number': cert.number, 'code': check_code(cert.number)})}"):
        html = client.get(url).get_data(as_text=True)
        assert _status(html) == "valid", url
        assert re.search(rf"<dd data-award>{PRIZE}</dd>", html) and re.search(rf"<dd data-event>{EVENT}</dd>", html)
        assert "王*英" in html and person.id_number_masked in html and ORGANISER in html
        assert FULL_NAME not in html and person.reveal_id_number() not in html


def test_an_award_altered_in_the_database_is_not_shown_as_genuine(client, award):
    cert = award()
    db.session.commit()
    for change in ({"award": "特等奖"}, {"kind": CertificateKind.TRAINING}, {"programme_name": "全国大赛"}):
        db.session.execute(update(Certificate).where(Certificate.id == cert.id).values(**change))
        db.session.commit()
        html = client.get(_qr_path(cert)).get_data(as_text=True)
        assert _status(html) == "tampered", change
        assert "特等奖" not in html and "王*英" not in html, change
        db.session.execute(update(Certificate).where(Certificate.id == cert.id)
                           .values(award=PRIZE, kind=CertificateKind.AWARD, programme_name=EVENT))
        db.session.commit()
        assert _status(client.get(_qr_path(cert)).get_data(as_text=True)) == "valid"


def test_signatures_made_before_awards_existed_stay_valid(make_person, issue):
    # Certificates signed before the award column was added have no "award" in
    # their canonical form: the fields of those kinds must give exactly that.
    cert = issue(make_person())
    assert "award" not in signed_fields(cert)
    old_fields = {name: signed_fields(cert)[name] for name in signing.SIGNED_FIELDS}
    assert signing.canonical_form(signed_fields(cert)) == signing.canonical_form(old_fields)
    assert signing.verify_record(old_fields, cert.signature)


def test_a_revoked_award_says_so(client, award, staff):
    cert = award()
    services.revoke_certificate(cert, reason="比赛成绩复核后撤销", by=staff)
    db.session.commit()
    html = client.get(_qr_path(cert)).get_data(as_text=True)
    assert _status(html) == "revoked"


def test_a_reissued_award_keeps_competition_prize_and_issuer(client, award, staff):
    old = award()
    new = services.reissue_certificate(old, reason="证书遗失补发", by=staff)
    db.session.commit()
    assert old.status == CertificateStatus.SUPERSEDED and new.replaces is old
    assert new.number != old.number and new.number.startswith("JS13AW")
    assert (new.kind, new.programme_name, new.award, new.issuer_name) == (CertificateKind.AWARD, EVENT, PRIZE,
                                                                         ORGANISER)
    assert signing.verify_record(signed_fields(new), new.signature)
    html = client.get(_qr_path(old)).get_data(as_text=True)
    assert _status(html) == "superseded"
    link = re.search(r'data-replaced-by href="([^"]+)"', html).group(1).replace("&amp;", "&")
    html = client.get(link).get_data(as_text=True)
    assert _status(html) == "valid" and f"<dd data-award>{PRIZE}</dd>" in html


def test_the_award_pdf_states_prize_competition_and_issuer(app, award, tmp_path):
    cert = award()
    data = render_certificates([cert], base="https://zs.example.gov.cn")
    assert data.startswith(b"%PDF")
    path = tmp_path / "award.pdf"
    path.write_bytes(data)
    text = re.sub(r"\s+", "", pdf_text(path))
    assert "获奖证书" in text and cert.number in text and check_code(cert.number) in text
    assert f"{FULL_NAME}同志在{EVENT}中荣获{PRIZE}，特发此证。" in text
    assert "颁发单位" in text and ORGANISER in text and "发证日期" in text
    # Nothing of the other kinds' wording: no level, no hours, no training.
    assert "职业技能等级" not in text and "学时" not in text and "培训" not in text


def test_staff_see_prize_and_competition_on_the_certificate_page(client, login, make_user, award):
    cert = award()
    db.session.commit()
    login(make_user(Role.CIVIL_AFFAIRS, region_code="130100"))
    html = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert f"<dd data-award>{PRIZE}</dd>" in html and f"<dd data-event>{EVENT}</dd>" in html
    assert cert.number in html


def test_awards_do_not_change_the_quota_figures(award, make_person, regions, issue):
    from lms.core.vocabulary import AUDIENCES
    from lms.quotas.models import Plan
    from lms.quotas.queries import region_progress

    today = local_today()
    plan = Plan(code="award-test", name="测试指标", period_start=today - timedelta(days=30),
                deadline=today + timedelta(days=30))
    db.session.add(plan)
    db.session.flush()

    def figures():
        result = {}
        for category in AUDIENCES:
            own, rows = region_progress(plan, category, regions["130000"], today)
            result[category] = [(row.region.code, row.persons.done, row.person_times.done, row.in_training)
                                for row in (own, *rows)]
        return result

    before = figures()
    winner = make_person("130102", name=FULL_NAME)
    award(winner)
    award(make_person("130203", name="李建国"), prize="优胜奖")
    assert figures() == before
    issue(winner)  # the same person's skill-level certificate does count, once
    caregivers = figures()["caregiver"]
    assert caregivers[0][1:3] == (1, 1) and ("130100", 1, 1) in [row[:3] for row in caregivers]
