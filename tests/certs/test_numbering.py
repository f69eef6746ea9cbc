"""Certificate numbers: the national 22-character format, the project's own
format, uniqueness by constraint, and two issuers at once."""

import re
import threading
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.certs import numbering
from lms.certs.models import Certificate
from lms.extensions import db


def test_skill_level_number_has_the_national_format(make_person, issue):
    cert = issue(make_person())
    assert len(cert.number) == 22
    assert re.fullmatch(r"[YS]\d{21}", cert.number)
    year = f"{cert.issue_date.year % 100:02d}"
    # S + body 0001 + Hebei 13 + site 000001 + year + level 4 + sequence 000001
    assert cert.number == f"S0001" f"13" f"000001" f"{year}" "4" "000001"
    assert numbering.is_well_formed(cert.number)


def test_numbers_follow_the_settings(app, make_person, issue):
    app.config.update(CERTS_ORG_TYPE="Y", CERTS_EVALUATION_BODY_CODE="4321", CERTS_SITE_SERIAL="130102")
    try:
        number = issue(make_person(), code="CG-5").number
    finally:
        app.config.update(CERTS_ORG_TYPE="S", CERTS_EVALUATION_BODY_CODE="0001", CERTS_SITE_SERIAL="000001")
    assert number[:13] == "Y432113130102" and number[15] == "5"


def test_bad_settings_are_refused(app):
    app.config["CERTS_EVALUATION_BODY_CODE"] = "12"
    try:
        with pytest.raises(numbering.NumberingError):
            numbering.number_prefix("skill_level", category="caregiver", level=4, on=date(2026, 1, 1))
    finally:
        app.config["CERTS_EVALUATION_BODY_CODE"] = "0001"


def test_training_certificates_use_the_documented_own_format(make_person, issue):
    person = make_person(categories=("family_caregiver",))
    cert = issue(person, code="FC")
    year = f"{cert.issue_date.year % 100:02d}"
    assert cert.number == f"PX13FC{year}0000001"
    assert numbering.OWN_PATTERN.match(cert.number)
    assert not numbering.SKILL_LEVEL_PATTERN.match(cert.number)


def test_each_certificate_gets_the_next_number_per_prefix(make_person, issue):
    numbers = [issue(make_person(name=f"张小{i}")).number for i in range(3)]
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]
    level5 = issue(make_person(name="赵五"), code="CG-5").number
    assert level5.endswith("000001")  # another level: its own sequence


def test_numbers_are_unique_by_constraint(make_person, issue):
    first = issue(make_person(name="甲一"))
    second = issue(make_person(name="乙二"))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        second.number = first.number
        db.session.flush()


def test_a_rolled_back_issue_gives_its_number_to_no_one(make_person, issue):
    person = make_person(name="钱三")
    with db.session.begin_nested() as savepoint:
        lost = issue(person).number
        savepoint.rollback()
    kept = issue(make_person(name="孙四")).number
    assert kept == lost  # the number was never committed to anyone, so it is free
    assert db.session.scalar(select(db.func.count()).select_from(Certificate)) == 1


def test_two_issuers_at_once_get_different_numbers(committed_app):
    """Real commits from two threads, each with its own connection; on
    PostgreSQL the sequence row lock makes the second wait for the first."""
    from tests.certs.conftest import EVIDENCE
    from tests.certs.test_jobs import seed_people

    with committed_app.app_context():
        person_ids, programme_id, institution_id = seed_people(committed_app, 12, issue=False)
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def issuer(ids):
        from lms.certs import services
        from lms.people.models import Person
        from lms.regions.models import Institution
        from lms.training.models import Programme

        with committed_app.app_context():
            barrier.wait()
            try:
                for person_id in ids:
                    cert = services.issue_certificate(
                        db.session.get(Person, person_id), db.session.get(Programme, programme_id),
                        issued_by=None, institution=db.session.get(Institution, institution_id),
                        evidence=EVIDENCE)
                    db.session.commit()
                    numbers.append(cert.number)
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issuer, args=(person_ids[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(numbers) == 12 and len(set(numbers)) == 12
    assert sorted(n[-6:] for n in numbers) == [f"{i:06d}" for i in range(1, 13)]
