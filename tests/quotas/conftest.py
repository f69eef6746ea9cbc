"""A plan with targets and certificates made directly, for counting tests.
The plan's rollups are kept from the start, and ``certify`` adds to them as
the certificate services do."""

from datetime import date

import pytest

from lms.certs.models import Certificate, CertificateKind, CertificateStatus
from lms.extensions import db
from lms.quotas import rollups
from lms.quotas.models import Plan, Target


@pytest.fixture
def plan(regions):
    plan = Plan(code="test-plan", name="测试指标", period_start=date(2021, 1, 1), deadline=date(2022, 12, 31))
    db.session.add(plan)
    db.session.flush()
    rollups.rebuild(plan)
    return plan


@pytest.fixture
def make_target(plan, regions):
    def make(region_code, persons=None, person_times=None, category="caregiver"):
        target = Target(plan=plan, category=category, region=regions[region_code], persons=persons,
                        person_times=person_times)
        db.session.add(target)
        db.session.flush()
        return target

    return make


@pytest.fixture
def certify():
    """certify(person, on=date, category=…, status=…): a certificate as issued,
    with the person's region at that moment."""

    def make(person, on: date, *, category="caregiver", status=CertificateStatus.VALID, institution=None):
        cert = Certificate(
            kind=CertificateKind.TRAINING, status=status, person_id=person.id, programme_category=category,
            region_code=person.region.code, region_path=person.region.path, holder_name=person.name,
            id_number_masked=person.id_number_masked, programme_name="养老护理员培训", issuer_name="测试机构",
            issue_date=on, institution_id=institution.id if institution else None,
        )
        db.session.add(cert)
        db.session.flush()
        if status == CertificateStatus.VALID:
            rollups.certificate_validated(cert)
        return cert

    return make
