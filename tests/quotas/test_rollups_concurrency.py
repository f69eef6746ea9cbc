"""Certificate writes at the same moment, each in its own connection and
transaction, lose no count: the same cells from many writers, and one
person's first certificate revoked while their next one is issued."""

import random
from datetime import timedelta

from sqlalchemy import select

from lms.certs import services as certs
from lms.certs.models import Certificate
from lms.core.time import local_today
from lms.extensions import db
from lms.quotas import rollups
from lms.quotas.models import Plan
from tests.certs.conftest import EVIDENCE, add_programmes, meet_requirements
from tests.concurrency import run_at_once
from tests.quotas.test_rollups import reference_rows, stored_rows

WRITERS = 6


def _seed() -> dict:
    """Commit regions, an institution, a running plan (rollups kept) and
    people ready for CG-4 and CG-5; the first person holds a CG-4 already."""
    from lms.demo.identities import fake_credit_code, fake_id_number, fake_mobile
    from lms.people import services as people
    from lms.regions.queries import region_by_code
    from lms.regions.services import create_institution, import_regions
    from tests.conftest import REGION_TREE

    rng = random.Random(3)
    import_regions(REGION_TREE)
    region = region_by_code("130102")
    home = create_institution(name="长安区康宁养老院", credit_code=fake_credit_code(rng, "130102"),
                              kind="care_home", grade=None, region=region)
    programmes = add_programmes()
    today = local_today()
    plan = Plan(code="now", name="当期指标", period_start=today - timedelta(days=200), deadline=today + timedelta(days=200))
    db.session.add(plan)
    db.session.flush()
    rollups.rebuild(plan)
    ids = []
    for i in range(WRITERS + 1):
        person = people.register_person(
            name=f"王{'一二三四五六七八九十'[i]}英", id_number=fake_id_number(rng, "130102"), phone=fake_mobile(rng),
            region=region, categories=["caregiver"], employer=home, registered_by=home)
        for code in ("CG-4", "CG-5"):
            meet_requirements(person, programmes[code], home)
        ids.append(person.id)
    first = certs.issue_certificate(db.session.get(type(person), ids[0]), programmes["CG-4"], issued_by=None,
                                    institution=home, evidence=EVIDENCE)
    db.session.commit()
    return {"people": ids, "home": home.id, "first": first.id, "plan": plan.id,
            "programmes": {code: programme.id for code, programme in programmes.items()}}


def test_concurrent_certificate_writes_lose_no_count(make_committed_app, monkeypatch):
    import time

    from lms.people.models import Person
    from lms.regions.models import Institution
    from lms.training.models import Programme

    app = make_committed_app()
    with app.app_context():
        seeded = _seed()
        db.session.remove()
    read_held = rollups._valid_held

    def slow_read(*args):
        # Between reading a holder's certificates and writing the counts:
        # long enough for the other writer of the same person to read too,
        # unless the per-person lock makes it wait.
        held = read_held(*args)
        time.sleep(0.4)
        return held

    monkeypatch.setattr(rollups, "_valid_held", slow_read)

    def issue(person_id, code):
        return lambda: certs.issue_certificate(
            db.session.get(Person, person_id), db.session.get(Programme, seeded["programmes"][code]),
            issued_by=None, institution=db.session.get(Institution, seeded["home"]), evidence=EVIDENCE)

    def revoke_first():
        certs.revoke_certificate(db.session.get(Certificate, seeded["first"]), reason="材料不实", by=None)

    # The first person's CG-4 is revoked while their CG-5 is issued: whichever
    # commits second must see the other, or the person is counted 0 or 2 times.
    actions = [revoke_first, issue(seeded["people"][0], "CG-5")]
    actions += [issue(person_id, "CG-4") for person_id in seeded["people"][1:WRITERS]]
    assert run_at_once(app, actions) == []
    with app.app_context():
        plan = db.session.get(Plan, seeded["plan"])
        assert stored_rows() == reference_rows([plan])
        month = {row for row in stored_rows() if row[2] == "month" and row[3] == "130000/"}
        assert sum(row[-2] for row in month) == WRITERS  # the revoked one is gone, six are valid
        assert sum(row[-1] for row in month) == WRITERS  # six people, each once
        assert db.session.scalar(select(Certificate.status).where(Certificate.id == seeded["first"])) == "revoked"
        db.session.remove()
