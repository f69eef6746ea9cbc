"""Fixtures for exams: a small question bank, an exam open now, a candidate
with an account, and examiners of the candidate's institution."""

from datetime import timedelta

import pytest

from lms.core.access import Role
from lms.core.time import utcnow
from lms.exams import bank_services, services
from lms.exams.bank_files import BankFile, BankQuestion
from lms.extensions import db

STEMS = {
    "daily_care": "协助卧床老人进食时，床头应抬高（  ）。",
    "basic_care": "为老人测量腋温时，体温计应放置（  ）。",
    "ethics_basics": "养老护理员应尊重老人的隐私。",
}


def bank_questions(per_kind: int = 6) -> list[BankQuestion]:
    """Questions of three kinds in three areas: single (daily care), multiple
    (basic care), true/false (ethics). Each single's key is B, each
    multiple's AC, each true/false's true."""
    made = []
    for n in range(1, per_kind + 1):
        made.append(BankQuestion(code=f"T-DC-{n:04d}", kind="single", stem=f"{STEMS['daily_care']}（{n}）",
                                 options=["0°", "30°～45°", "90°", "平卧"], answer="B",
                                 explanation="床头抬高30°～45°可减少呛咳和误吸。", area="daily_care", level=5,
                                 difficulty=1))
        made.append(BankQuestion(code=f"T-BC-{n:04d}", kind="multiple", stem=f"{STEMS['basic_care']}（{n}）",
                                 options=["腋窝深处", "衣服外面", "紧贴皮肤", "手心"], answer="AC",
                                 explanation="体温计水银端放于腋窝深处并紧贴皮肤，夹紧10分钟。",
                                 area="basic_care", level=5, difficulty=2))
        made.append(BankQuestion(code=f"T-EB-{n:04d}", kind="true_false", stem=f"{STEMS['ethics_basics']}（{n}）",
                                 options=[], answer="true", explanation="尊重隐私是职业守则的要求。",
                                 area="ethics_basics", level=5, difficulty=1))
    return made


BLUEPRINT = [
    {"area": "daily_care", "kind": "single", "count": 4, "points": 10},
    {"area": "basic_care", "kind": "multiple", "count": 3, "points": 10},
    {"area": "ethics_basics", "kind": "true_false", "count": 3, "points": 10},
]


@pytest.fixture
def bank():
    bank_services.import_bank(BankFile(code="test-bank", title="测试题库", audience="caregiver",
                                       questions=bank_questions()))
    db.session.flush()


@pytest.fixture
def home(make_institution):
    return make_institution("130102", name="长安区康宁养老院")


@pytest.fixture
def candidate(make_user, make_person, home):
    user = make_user(Role.TRAINEE)
    return make_person("130102", institution=home, user=user, name="张秀华")


@pytest.fixture
def make_exam(bank, home):
    """make_exam(**changes): an exam of BLUEPRINT, open from an hour ago for a day."""

    def make(**changes):
        values = dict(title="五级理论知识考试（第1期）", institution=home, programme=None, audience="caregiver",
                      level=5, blueprint=BLUEPRINT, duration_minutes=60, pass_mark=60, attempts_allowed=2,
                      opens_at=utcnow() - timedelta(hours=1), closes_at=utcnow() + timedelta(days=1), by=None)
        values.update(changes)
        return services.create_exam(**values)

    return make


@pytest.fixture
def exam(make_exam, candidate):
    made = make_exam()
    services.add_candidates(made, [candidate])
    return made


@pytest.fixture
def examiners(make_user, home):
    return [make_user(Role.EXAMINER, institution=home) for _ in range(2)]
