"""Fixtures for the API: certificates of a person inside the client's region
and one outside, clients of two regions, and a way to call with a token."""

from datetime import timedelta

import pytest

from lms.api import services
from lms.core.access import Role
from lms.core.time import local_today
from lms.extensions import db
from lms.quotas.models import Plan
from tests.certs.conftest import EVIDENCE, add_programmes, meet_requirements


@pytest.fixture
def api_world(regions, make_institution, make_person, make_user):
    """石家庄 (130100) holds ``person`` and ``cert``; 唐山 (130200) holds
    ``outsider`` and ``outsider_cert``. ``token`` reads 130100,
    ``other_token`` 130200. ``plan`` runs today."""
    from lms.certs import services as certs

    programmes = add_programmes()
    home = make_institution("130102", name="长安区康宁养老院")
    other = make_institution("130203", name="路北区幸福里养老中心")
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    person = make_person("130102", institution=home, name="王秀英")
    outsider = make_person("130203", institution=other, name="李建国")
    for who, where in ((person, home), (outsider, other)):
        meet_requirements(who, programmes["CG-4"], where)
    cert = certs.issue_certificate(person, programmes["CG-4"], issued_by=staff, institution=home,
                                   evidence=EVIDENCE)
    outsider_cert = certs.issue_certificate(outsider, programmes["CG-4"], issued_by=None, institution=other,
                                            evidence=EVIDENCE)
    today = local_today()
    plan = Plan(code="p-now", name="当期指标", period_start=today - timedelta(days=100),
                deadline=today + timedelta(days=265))
    db.session.add(plan)
    client, token = services.create_client("石家庄市养老服务平台", regions["130100"], by=None)
    other_client, other_token = services.create_client("唐山市养老服务平台", regions["130200"], by=None)
    db.session.commit()
    return {"programmes": programmes, "home": home, "other": other, "staff": staff, "person": person,
            "outsider": outsider, "cert": cert, "outsider_cert": outsider_cert, "client": client,
            "token": token, "other_client": other_client, "other_token": other_token, "plan": plan}


@pytest.fixture
def api(client):
    """api(token, path, json=None): GET (or POST with ``json``) with a bearer token."""

    def call(token, path, json=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if json is not None:
            return client.post(path, json=json, headers=headers, **kwargs)
        return client.get(path, headers=headers, **kwargs)

    return call
