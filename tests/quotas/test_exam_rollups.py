"""The kept exam results: attempts closed through the exam engine keep them
equal to a recount from scratch, and the dashboard's pass rates follow the
examining institution's region and the plan's period."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from lms.exams.attempts import close_attempt
from lms.exams.models import Attempt, AttemptStatus, Exam
from lms.extensions import db
from lms.quotas import exam_rollups
from lms.quotas.models import ExamRollup, Plan
from lms.quotas.queries import region_progress

PLACES = ("130102", "130104", "130203", "130100")  # the last at the unit itself, in no county


def _rows() -> dict[tuple, tuple[int, int]]:
    return {(row.category, row.region_path, row.closed_on): (row.taken, row.passed)
            for row in db.session.scalars(select(ExamRollup))}


def _exam(institution, audience: str, pass_mark: int, opens: datetime) -> Exam:
    # Papers of no questions: an attempt scores 0, so a pass mark of 0 passes
    # it and 60 fails it — the engine's grading, without a paper to answer.
    exam = Exam(title=f"{audience}理论考试", institution=institution, audience=audience, blueprint_json="[]",
                duration_minutes=90, pass_mark=pass_mark, attempts_allowed=50, opens_at=opens,
                closes_at=opens + timedelta(days=400))
    db.session.add(exam)
    return exam


def _close(exam: Exam, person, number: int, closed_at: datetime) -> Attempt:
    attempt = Attempt(exam=exam, person=person, number=number, seed=number, status=AttemptStatus.OPEN,
                      started_at=closed_at - timedelta(minutes=80), deadline_at=closed_at + timedelta(minutes=10))
    db.session.add(attempt)
    db.session.flush()
    close_attempt(attempt, now=closed_at)
    return attempt


def test_attempts_closed_by_the_engine_keep_the_rollups_equal_to_a_recount(regions, make_institution,
                                                                           make_person):
    rng = random.Random(11)
    start = datetime(2021, 3, 1, 1, tzinfo=UTC)
    exams = [_exam(make_institution(code), audience, pass_mark, start)
             for code in PLACES for audience in ("caregiver", "institution_head") for pass_mark in (0, 60)]
    person = make_person("130102")
    expected = Counter()
    for number in range(1, 41):
        exam = rng.choice(exams)
        # Late evening UTC is the next morning in China: the day kept is UTC's, as the raw count's.
        closed_at = start + timedelta(days=rng.randrange(300), hours=rng.choice((2, 23)))
        attempt = _close(exam, person, number, closed_at)
        assert attempt.is_passed == (exam.pass_mark == 0)
        path = exam.institution.region.path
        for level in range(7, len(path) + 1, 7):
            key = (exam.audience, path[:level], closed_at.date())
            expected[key, "taken"] += 1
            expected[key, "passed"] += int(attempt.is_passed)
    kept = _rows()
    assert kept == {key: (expected[key, "taken"], expected[key, "passed"])
                    for key, what in expected if what == "taken"}
    assert exam_rollups.rebuild() == 40
    assert _rows() == kept


def test_closing_twice_counts_once(regions, make_institution, make_person):
    exam = _exam(make_institution("130102"), "caregiver", 0, datetime(2021, 3, 1, tzinfo=UTC))
    attempt = _close(exam, make_person("130102"), 1, datetime(2021, 3, 2, 3, tzinfo=UTC))
    assert close_attempt(attempt, now=datetime(2021, 3, 2, 4, tzinfo=UTC)) is False
    assert sum(taken for taken, _passed in _rows().values()) == 3  # county, unit, province: once each


def test_the_dashboard_reads_pass_rates_by_institution_region_within_the_period(regions, make_institution,
                                                                                make_person):
    plan = Plan(code="exam-rollups", name="测试指标", period_start=datetime(2021, 1, 1).date(),
                deadline=datetime(2021, 12, 31).date())
    db.session.add(plan)
    opens, person = datetime(2020, 12, 1, tzinfo=UTC), make_person("130102")
    passes = {code: _exam(make_institution(code), "caregiver", 0, opens) for code in PLACES}
    fails = _exam(make_institution("130102"), "caregiver", 60, opens)
    inside, before = datetime(2021, 5, 6, 2, tzinfo=UTC), datetime(2020, 12, 31, 23, tzinfo=UTC)
    for number, (exam, when) in enumerate([(passes["130102"], inside), (fails, inside), (fails, inside),
                                           (passes["130104"], inside), (passes["130100"], inside),
                                           (passes["130203"], inside), (passes["130102"], before)], start=1):
        _close(exam, person, number, when)

    own, rows = region_progress(plan, "caregiver", regions["130100"], datetime(2021, 6, 1).date())
    by_code = {row.region.code: (row.exams_passed, row.exams_taken) for row in rows}
    assert by_code == {"130102": (1, 3), "130104": (1, 1)}
    assert (own.exams_passed, own.exams_taken) == (3, 5)  # with the institution placed at 石家庄 itself
    province, units = region_progress(plan, "caregiver", regions["130000"], datetime(2021, 6, 1).date())
    assert (province.exams_passed, province.exams_taken) == (4, 6)
    assert {row.region.code: row.exams_taken for row in units} == {"130100": 5, "130200": 1}
