"""The living demo: a small history ending today, so that the dashboard, its
trend, the certificate list, item analysis and print jobs show real figures
on the first ``make run``.

- a demo plan (clearly named as one) running from 17 months ago to 6 months
  ahead, with province targets split across the 14 units like the real ones;
- ~2,000 generated trainees in every unit with 18 months of study records,
  quarterly exam sittings and ~1,000 certificates issued month by month,
  some units ahead of their pace and some behind (``province.seed_province``);
- one certificate revoked and one reissued, through the certificate services;
- a closed mock theory exam at the first demo institution sat by 60 of the
  generated caregivers on the exam engine, so item analysis has answers;
- the demo trainee's 五级 certificate from an earlier assessment;
- one finished print job of the province's latest certificates.

Each part looks for what it made before, so running the seed again adds nothing.
"""

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lms.auth.models import User
from lms.certs import printing
from lms.certs import services as certificates
from lms.certs.models import Certificate, CertificateStatus, PrintJob
from lms.certs.qr import base_url
from lms.core import jobs
from lms.core.access import Scope
from lms.core.time import local_today, local_zone, month_start
from lms.demo.exams import DEMO_BLUEPRINT
from lms.demo.province import seed_province
from lms.exams import attempts
from lms.exams import services as exam_services
from lms.exams.models import AttemptItem, Exam
from lms.extensions import db
from lms.people.models import Category, Person, PersonCategory
from lms.quotas.models import Plan
from lms.quotas.services import import_plans
from lms.regions.models import Institution, Region
from lms.training.queries import programme_by_code

LABEL = "（示例）"
PLAN_CODE = "demo-living"
HISTORY_MONTHS = 17
TRAINEES = 2_000
# Targets of the demo plan: about what the generated trainees reach at the
# average pace by the deadline, so that some units are on track and some not.
PLAN_TARGETS = ({"category": "caregiver", "persons": 1_200}, {"category": "institution_head", "persons": 30},
                {"category": "social_worker", "persons": 40})
MOCK_EXAM_TITLE = "养老护理员（五级）理论知识模拟考试（示例）"
MOCK_EXAM_SITTERS = 60
PRINTED = 12
REVOKE_REASON = "经核查，该学员培训期间冒名顶替他人参加考试，撤销证书（示例）"
REISSUE_REASON = "证书遗失，本人申请补发（示例）"
EARLIER_NOTE = "2025年五级技能等级认定合格，据认定结果登记（示例）"


def seed_living_history(*, first_institution: Institution, trainee: User | None, province_user: User,
                        today: date | None = None, progress: Callable[[str], None] = lambda _line: None) -> None:
    """Build the living demo (see the module docstring); idempotent."""
    today = today or local_today()
    start = month_start(today, -HISTORY_MONTHS)
    _demo_plan(start, today)
    made = seed_province(trainees=TRAINEES, intervals_per_trainee=16, seed=2025, history=(start, today),
                         certified_share=0.5, label=LABEL, institutions_per_county=0.3,
                         min_institutions_per_unit=2, progress=progress)
    if made:
        progress(f"living demo: {made['certificates']} certificates since {start:%Y-%m}")
    _revoke_and_reissue()
    _mock_exam(first_institution, today)
    if trainee is not None:
        _earlier_certificate(trainee, first_institution, today)
    _print_job(province_user)


def _demo_plan(start: date, today: date) -> None:
    if db.session.scalar(select(Plan.id).where(Plan.code == PLAN_CODE)) is not None:
        return
    deadline = month_start(today, 7) - timedelta(days=1)  # the end of the sixth month ahead
    import_plans({"plans": [{
        "code": PLAN_CODE, "period_start": start, "deadline": deadline, "targets": list(PLAN_TARGETS),
        "name": f"演示计划（示例数据）：{start:%Y年%m月}至{deadline:%Y年%m月}培训养老护理员1200名、"
                "机构负责人30名、老年社会工作者40名",
        "document": "演示用数据，不是政策文件：演示证书、进度和打印功能。",
    }]})


def _labelled_certificates():
    """The generated trainees' certificates (their employers carry the label)."""
    return (select(Certificate).join(Institution, Institution.id == Certificate.institution_id)
            .where(Institution.name.endswith(LABEL, autoescape=True)))


def _revoke_and_reissue() -> None:
    done = db.session.scalar(_labelled_certificates().where(
        Certificate.status.in_([CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED])).limit(1))
    if done is not None:
        return
    valid = list(db.session.scalars(_labelled_certificates().where(Certificate.status == CertificateStatus.VALID)
                                    .order_by(Certificate.issue_date, Certificate.id).limit(2)))
    if len(valid) < 2:
        return
    certificates.revoke_certificate(valid[0], reason=REVOKE_REASON, by=None)
    certificates.reissue_certificate(valid[1], reason=REISSUE_REASON, by=None)


def _mock_exam(institution: Institution, today: date) -> None:
    """A closed theory exam two months ago, sat on the exam engine by some of
    the generated caregivers: each answers as well as their skill and each
    question's difficulty allow, so item analysis has something to show."""
    if db.session.scalar(select(Exam.id).where(Exam.title == MOCK_EXAM_TITLE)) is not None:
        return
    sitters = list(db.session.scalars(
        select(Person).join(Person.category_rows).join(Institution, Institution.id == Person.employer_id)
        .where(PersonCategory.category == Category.CAREGIVER, Institution.name.endswith(LABEL, autoescape=True))
        .order_by(Person.id).limit(MOCK_EXAM_SITTERS)))
    if not sitters:
        return
    opens = datetime.combine(today - timedelta(days=60), time(9), tzinfo=local_zone())
    try:
        exam = exam_services.create_exam(
            title=MOCK_EXAM_TITLE, institution=institution, programme=None, audience="caregiver", level=5,
            blueprint=DEMO_BLUEPRINT, duration_minutes=90, pass_mark=60, attempts_allowed=1, opens_at=opens,
            closes_at=opens + timedelta(hours=3), by=None)
    except exam_services.BlueprintError:
        return  # the question banks are not loaded
    exam_services.add_candidates(exam, sitters)
    rng = random.Random(2025)
    difficulty: dict[int, float] = {}
    for number, person in enumerate(sitters):
        skill = rng.uniform(0.45, 0.92)
        attempt = attempts.start_attempt(exam, person, now=opens + timedelta(minutes=5 + number % 20))
        for item in db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)):
            hard = difficulty.setdefault(item.question_version_id, rng.uniform(-0.25, 0.12))
            item.given = item.version.answer if rng.random() < skill + hard else ""
        db.session.flush()
        attempts.close_attempt(attempt, now=opens + timedelta(minutes=rng.randrange(40, 88)))


def _earlier_certificate(trainee: User, institution: Institution, today: date) -> None:
    """The demo trainee passed 五级 before (they now study 四级): their
    certificate, to open, download and verify."""
    person = db.session.scalar(select(Person).where(Person.user_id == trainee.id))
    programme = programme_by_code("CG-5")
    if person is None or programme is None or db.session.scalar(
            select(Certificate.id).where(Certificate.person_id == person.id)) is not None:
        return
    certificates.record_earlier_certificate(person, programme, issued_on=today - timedelta(days=200),
                                            institution=institution, note=EARLIER_NOTE, by=None)


def _print_job(owner: User) -> None:
    """One finished print job: the province's latest certificates, rendered now."""
    if db.session.scalar(select(PrintJob.id).where(PrintJob.owner_id == owner.id).limit(1)) is not None:
        return
    province = db.session.scalar(select(Region).where(Region.parent_id.is_(None)))
    ids = list(db.session.scalars(select(Certificate.id).where(Certificate.status == CertificateStatus.VALID)
                                  .order_by(Certificate.issue_date.desc(), Certificate.id.desc()).limit(PRINTED)))
    if not ids or province is None:
        return
    print_job = printing.create_print_job(ids, owner_id=owner.id, scope=Scope(region_path=province.path),
                                          base_url=base_url(), filters={"status": "valid"})
    job_id = print_job.job_id
    # The job runs in its own session: this one must hold no transaction
    # meanwhile (SQLite would keep the job waiting on its lock).
    db.session.commit()
    jobs.run_job(job_id)
