"""``flask demo seed`` on loaded content gives the living demo: the dashboard
shows progress in every unit, the trainee has a certificate that verifies,
item analysis has answers, a print job is finished — and a second run adds
nothing."""

import re

from sqlalchemy import func, select

from lms.auth.models import User
from lms.certs import signing
from lms.certs.models import Certificate, CertificateStatus, PrintJob
from lms.certs.services import signed_fields
from lms.core.jobs import Job, JobStatus
from lms.core.time import local_today
from lms.demo.cli import DEMO_PASSWORD
from lms.demo.living import MOCK_EXAM_TITLE, PLAN_CODE
from lms.exams.models import Attempt, Exam
from lms.extensions import db
from lms.people.models import Person
from lms.quotas import queries
from lms.regions.models import Region, RegionLevel

COUNTED = {"people": Person, "certificates": Certificate, "attempts": Attempt, "users": User, "jobs": Job}


def _counts() -> dict[str, int]:
    return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in COUNTED.items()}


def _cli(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_living_demo(make_committed_app):
    """One seed (it takes a while), every check on it, then a second seed."""
    app = make_committed_app()
    with app.app_context():
        _cli(app, "content", "import")
        output = _cli(app, "demo", "seed")
        db.session.remove()
        _the_dashboard_shows_progress_in_every_unit_on_a_running_plan()
        _a_revoked_and_a_reissued_certificate_and_a_finished_print_job()
        _the_mock_exam_has_a_believable_score_spread()
        number = _the_demo_trainee_has_a_certificate_that_verifies(output)
    username = re.search(r"^\s+(1\d{10})\s+trainee", output, re.MULTILINE).group(1)
    client = app.test_client()
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert number in client.get("/me/certificates").text
    with app.app_context():
        before = _counts()
        _cli(app, "demo", "seed")
        db.session.remove()
        assert _counts() == before  # a second seed adds nothing


def _the_dashboard_shows_progress_in_every_unit_on_a_running_plan():
    plan = queries.default_plan(queries.plans(), local_today())
    assert plan.code == PLAN_CODE and plan.period_start < local_today() < plan.deadline
    province = db.session.scalar(select(Region).where(Region.level == RegionLevel.PROVINCE))
    own, units = queries.region_progress(plan, "caregiver", province, local_today())
    assert len(units) == 14
    assert all(row.persons.done > 0 and row.persons.target for row in units), \
        [(row.region.name, row.persons.done) for row in units]
    statuses = {row.persons.status for row in units}
    assert "on_track" in statuses and statuses & {"at_risk", "behind"}  # some ahead, some behind
    assert 500 <= own.persons.done <= 1_500 and own.exams_taken > 0
    trend = queries.monthly_trend(plan, "caregiver", province, local_today())
    assert sum(1 for _month, persons, _total in trend if persons) >= 12  # issued month by month


def _a_revoked_and_a_reissued_certificate_and_a_finished_print_job():
    statuses = dict(db.session.execute(select(Certificate.status, func.count()).group_by(Certificate.status)).all())
    assert statuses[CertificateStatus.REVOKED] == 1 and statuses[CertificateStatus.SUPERSEDED] == 1
    replaced = db.session.scalar(select(Certificate).where(Certificate.status == CertificateStatus.SUPERSEDED))
    successor = db.session.scalar(select(Certificate).where(Certificate.replaces_id == replaced.id))
    assert successor is not None and successor.status == CertificateStatus.VALID
    print_job = db.session.scalar(select(PrintJob))
    job = db.session.get(Job, print_job.job_id)
    assert job.status == JobStatus.DONE and job.done == job.total > 0


def _the_mock_exam_has_a_believable_score_spread():
    exam = db.session.scalar(select(Exam).where(Exam.title == MOCK_EXAM_TITLE))
    scores = sorted(db.session.scalars(select(Attempt.score).where(Attempt.exam_id == exam.id)))
    assert len(scores) >= 30 and all(score is not None for score in scores)
    assert scores[0] < 60 < scores[-1]  # some failed, some passed


def _the_demo_trainee_has_a_certificate_that_verifies(output: str) -> str:
    username = re.search(r"^\s+(1\d{10})\s+trainee", output, re.MULTILINE).group(1)
    person = db.session.scalar(select(Person).join(User, User.id == Person.user_id).where(User.username == username))
    cert = db.session.scalar(select(Certificate).where(Certificate.person_id == person.id))
    assert cert.status == CertificateStatus.VALID and cert.issue_date < local_today()
    assert signing.verify_record(signed_fields(cert), cert.signature)
    return cert.number
