"""Counting progress against targets."""

from datetime import date

import pytest

from lms.certs.models import CertificateStatus
from lms.extensions import db
from lms.quotas.progress import Measure, expected_fraction, forecast_date
from lms.quotas.queries import monthly_trend, region_progress
from lms.quotas.services import split_by_weight

TODAY = date(2022, 1, 1)


def test_split_keeps_the_total_exact():
    weights = [1_614_956, 1_827_432, 1_032_003, 920_500, 1_760_472, 2_112_000, 622_000, 1_411_000,
               665_000, 1_449_000, 836_000, 118_034, 225_841, 209_788]
    for total in (40_000, 500, 80_000, 5_800, 1, 13):
        shares = split_by_weight(total, weights)
        assert sum(shares) == total
        assert all(share >= 0 for share in shares)
    assert split_by_weight(10, [1, 1, 1]) == [4, 3, 3]  # the remainder goes to the first of equals


def test_repository_plans_split_exactly_across_the_fourteen_units(app):
    from pathlib import Path

    import yaml
    from sqlalchemy import select

    from lms.quotas.models import Target
    from lms.quotas.services import import_plans
    from lms.regions.models import Region
    from lms.regions.services import import_regions

    content = Path(__file__).resolve().parents[2] / "content"
    import_regions(yaml.safe_load((content / "regions.yaml").read_text(encoding="utf-8")))
    import_plans(yaml.safe_load((content / "quotas.yaml").read_text(encoding="utf-8")))
    province = db.session.scalar(select(Region).where(Region.code == "130000"))
    for target in db.session.scalars(select(Target).where(Target.region_id == province.id)):
        units = db.session.scalars(select(Target).where(
            Target.plan_id == target.plan_id, Target.category == target.category,
            Target.region_id != province.id)).all()
        assert len(units) == 14
        if target.persons is not None:
            assert sum(u.persons for u in units) == target.persons
        if target.person_times is not None:
            assert sum(u.person_times for u in units) == target.person_times
    # A second import keeps the units' (possibly edited) figures and adds nothing.
    assert import_plans(yaml.safe_load((content / "quotas.yaml").read_text(encoding="utf-8"))) == (0, 0)


def test_persons_and_person_times_differ_for_a_person_trained_twice(plan, make_target, make_person, certify, regions):
    make_target("130100", persons=10, person_times=10)
    twice = make_person("130102")
    once = make_person("130104")
    certify(twice, date(2021, 3, 1))
    certify(twice, date(2021, 9, 1))
    certify(once, date(2021, 5, 1))
    own, rows = region_progress(plan, "caregiver", regions["130000"], TODAY)
    unit = next(row for row in rows if row.region.code == "130100")
    assert (unit.persons.done, unit.person_times.done) == (2, 3)
    assert (own.persons.done, own.person_times.done) == (2, 3)


def test_revoked_and_superseded_certificates_do_not_count(plan, make_target, make_person, certify, regions):
    person = make_person("130102")
    certify(person, date(2021, 3, 1), status=CertificateStatus.REVOKED)
    certify(person, date(2021, 4, 1), status=CertificateStatus.SUPERSEDED)
    certify(person, date(2021, 4, 2))  # the reissue
    own, _rows = region_progress(plan, "caregiver", regions["130000"], TODAY)
    assert (own.persons.done, own.person_times.done) == (1, 1)


def test_a_moved_trainee_leaves_old_certificates_where_they_were(plan, make_person, certify, regions):
    person = make_person("130102")
    certify(person, date(2021, 3, 1))
    person.region = regions["130203"]  # moves to 唐山 later
    db.session.flush()
    _own, rows = region_progress(plan, "caregiver", regions["130000"], TODAY)
    counts = {row.region.code: row.persons.done for row in rows}
    assert counts == {"130100": 1, "130200": 0}


def test_certificates_outside_the_period_or_category_are_not_counted(plan, make_person, certify, regions):
    person = make_person("130102")
    certify(person, date(2020, 12, 31))
    certify(person, date(2021, 6, 1), category="institution_head")
    own, _rows = region_progress(plan, "caregiver", regions["130000"], TODAY)
    assert own.persons.done == 0


def test_expected_progress_on_fixed_dates():
    start, deadline = date(2021, 1, 1), date(2022, 12, 31)
    assert expected_fraction(start, deadline, date(2020, 6, 1)) == 0
    assert expected_fraction(start, deadline, date(2023, 1, 1)) == 1
    assert expected_fraction(start, deadline, date(2022, 1, 1)) == pytest.approx(365 / 729)


def test_gap_and_forecast():
    measure = Measure(target=1000, done=300, recent=90, fraction=0.5, today=date(2022, 1, 1),
                      deadline=date(2022, 12, 31))
    assert measure.expected == 500 and measure.gap == 200 and measure.percent == 30.0
    # 700 to go at 90 per 90 days = 1 a day → 700 days.
    assert measure.forecast == date(2023, 12, 2)
    assert forecast_date(1000, 300, 0, date(2022, 1, 1)) is None
    assert forecast_date(1000, 1000, 0, date(2022, 1, 1)) == date(2022, 1, 1)


@pytest.mark.parametrize(
    "done, recent, status",
    [(480, 0, "on_track"),  # 96 % of expected 500
     (475, 0, "on_track"),  # exactly 95 %
     (400, 0, "at_risk"),  # 80 %
     (300, 700, "at_risk"),  # 60 %, but 700 in 90 days reaches 1000 by the deadline
     (399, 0, "behind"),
     (1000, 0, "on_track")],  # target met
)
def test_status_thresholds(done, recent, status):
    measure = Measure(target=1000, done=done, recent=recent, fraction=0.5, today=date(2022, 1, 1),
                      deadline=date(2022, 12, 31))
    assert measure.status == status


def test_no_target_has_its_own_status():
    assert Measure(None, 5, 0, 0.5, date(2022, 1, 1), date(2022, 12, 31)).status == "no_target"


def test_monthly_trend_is_cumulative(plan, make_person, certify, regions):
    certify(make_person("130102"), date(2021, 1, 15))
    certify(make_person("130104"), date(2021, 3, 2))
    trend = monthly_trend(plan, "caregiver", regions["130000"], date(2021, 3, 31))
    assert trend == [("2021-01", 1, 1), ("2021-02", 0, 1), ("2021-03", 1, 2)]


def test_exam_pass_rate_counts_closed_attempts_of_the_category_in_the_period(plan, make_person, make_institution,
                                                                           regions):
    from datetime import datetime, timedelta

    from lms.exams.models import Attempt, AttemptStatus, Exam
    from lms.quotas import exam_rollups

    home = make_institution("130102")
    opens = datetime(2021, 6, 1, 9)
    exam = Exam(title="理论考试", institution=home, audience="caregiver", blueprint_json="[]",
                duration_minutes=90, pass_mark=60, attempts_allowed=2, opens_at=opens,
                closes_at=opens + timedelta(days=1))
    heads_exam = Exam(title="负责人考试", institution=home, audience="institution_head", blueprint_json="[]",
                      duration_minutes=90, pass_mark=60, attempts_allowed=2, opens_at=opens,
                      closes_at=opens + timedelta(days=1))
    db.session.add_all([exam, heads_exam])

    def sit(exam_, person, score, status=AttemptStatus.SUBMITTED, closed=opens):
        db.session.add(Attempt(exam=exam_, person=person, number=1, seed=1, status=status, started_at=opens,
                               deadline_at=opens, closed_at=closed if status != AttemptStatus.OPEN else None,
                               score=score, is_passed=None if score is None else score >= 60))

    sit(exam, make_person("130102", name="甲"), 82)
    sit(exam, make_person("130102", name="乙"), 71, AttemptStatus.EXPIRED)
    sit(exam, make_person("130102", name="丙"), 40)
    sit(exam, make_person("130102", name="丁"), None, AttemptStatus.OPEN)  # still sitting: not counted
    sit(exam, make_person("130102", name="戊"), 90, closed=datetime(2020, 12, 1))  # before the period
    sit(heads_exam, make_person("130102", name="己"), 30)  # another category
    exam_rollups.rebuild()  # attempts written around the exam engine: recounted
    own, rows = region_progress(plan, "caregiver", regions["130100"], TODAY)
    by_code = {row.region.code: row for row in rows}
    assert (by_code["130102"].exams_passed, by_code["130102"].exams_taken) == (2, 3)
    assert by_code["130102"].exam_pass_percent == 66
    assert by_code["130104"].exam_pass_percent is None
    assert (own.exams_passed, own.exams_taken) == (2, 3)


def test_cached_counts_are_served_until_they_expire_and_not_at_all_with_the_cache_off(
        app, plan, make_person, certify, regions):
    from lms.extensions import cache

    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    seconds = app.config["QUOTA_CACHE_SECONDS"]
    try:
        app.config["QUOTA_CACHE_SECONDS"] = 300
        certify(make_person("130102", name="甲"), date(2021, 6, 1))
        own, _rows = region_progress(plan, "caregiver", regions["130100"], TODAY)
        certify(make_person("130102", name="乙"), date(2021, 6, 2))
        cached, _rows = region_progress(plan, "caregiver", regions["130100"], TODAY)
        assert own.persons.done == cached.persons.done == 1  # read from the cache
        app.config["QUOTA_CACHE_SECONDS"] = 0
        fresh, _rows = region_progress(plan, "caregiver", regions["130100"], TODAY)
        assert fresh.persons.done == 2
    finally:
        cache.clear()
        cache.init_app(app, config={"CACHE_TYPE": "NullCache"})
        app.config["QUOTA_CACHE_SECONDS"] = seconds


def test_an_ended_plan_is_met_or_not_met_not_behind_its_pace():
    ended = dict(fraction=1.0, today=date(2022, 12, 31), deadline=date(2022, 12, 31), has_ended=True)
    assert Measure(target=1000, done=1000, recent=0, **ended).status == "met"
    assert Measure(target=1000, done=999, recent=0, **ended).status == "not_met"


def test_people_on_a_running_class_are_in_training(plan, make_person, make_institution, certify, regions):
    from lms.training.models import ClassStatus
    from lms.training.services import classes
    from tests.training import factories

    home = make_institution("130102")
    on_class, certified = make_person("130102", name="张秀兰"), make_person("130102", name="李桂兰")
    cls = factories.approved_class(home, [on_class, certified])
    certify(certified, date(2022, 6, 1))

    def in_training() -> int:
        own, _rows = region_progress(plan, "caregiver", regions["130100"], date(2022, 6, 30))
        return own.in_training

    assert in_training() == 0  # approved, not yet running
    classes.start_class(cls, by=None)
    assert cls.status == ClassStatus.RUNNING
    assert in_training() == 1  # the certified one is no longer "in training"
    classes.close_class(cls, by=None)
    assert in_training() == 0  # the class is over: no longer in training through it
