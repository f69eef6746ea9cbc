"""Competition services end to end with hand-computed figures: entries and
allowances, the recorded draw, marks, lock, appeals, results, advancing and
award certificates."""

import json
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from lms.certs.models import Certificate, CertificateKind
from lms.competitions.models import Contestant, Mark, Result
from lms.competitions.queries import round_scores, station_marks
from lms.competitions.services import CompetitionError, entries, events, judging, results
from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.core.time import utcnow
from lms.exams.models import Attempt, AttemptStatus, Exam
from lms.extensions import db
from tests.competitions import factories


@pytest.fixture
def city(regions):
    """A 石家庄 city competition with places for 长安区 and 桥西区."""
    return factories.published_competition(regions["130100"], units=[regions["130102"], regions["130104"]])


@pytest.fixture
def judges(make_user):
    return [make_user(Role.EXAMINER) for _ in range(3)]


def _people(make_person, region_code, names):
    return [make_person(region_code, name=name) for name in names]


def test_a_person_is_entered_once_by_their_own_unit_within_its_places(city, regions, make_person):
    changan, qiaoxi = regions["130102"], regions["130104"]
    person = make_person("130102", name="张秀兰")
    entries.enter_contestant(city, person, changan, by=None)
    with pytest.raises(CompetitionError, match="已报名"):
        entries.enter_contestant(city, person, changan, by=None)
    with pytest.raises(CompetitionError, match="不在本单位登记"):
        entries.enter_contestant(city, make_person("130102", name="赵德明"), qiaoxi, by=None)
    events.set_allowance(city, qiaoxi, 1, by=None)
    entries.enter_contestant(city, make_person("130104", name="孙丽"), qiaoxi, by=None)
    with pytest.raises(CompetitionError, match="1 个名额已全部报满"):
        entries.enter_contestant(city, make_person("130104", name="周强"), qiaoxi, by=None)
    with pytest.raises(CompetitionError, match="没有名额"):
        entries.enter_contestant(city, make_person("130203", name="吴敏"), regions["130203"], by=None)


def test_the_draw_is_reproducible_from_its_seed_and_audited(city, regions, make_person, judges):
    people = _people(make_person, "130102", ["甲", "乙", "丙", "丁", "戊"])
    setup = factories.drawn_round(city, {regions["130102"]: people}, judges, seed="5f1c")
    drawn = {c.id: (c.start_order, c.number) for c in setup.contestants}
    again = entries.draw_order("5f1c", list(drawn))
    assert {cid: (start, f"A{number:03d}") for cid, (start, number) in again.items()} == drawn
    assert sorted(start for start, _ in drawn.values()) == [1, 2, 3, 4, 5]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "competition.drawn"))
    assert json.loads(entry.new_values)["seed"] == "5f1c"
    with pytest.raises(CompetitionError, match="已抽签"):
        entries.make_draw(setup.round, by=None)


def test_marks_refuse_values_the_aspect_does_not_allow_and_stale_saves(city, regions, make_person, judges):
    setup = factories.drawn_round(city, {regions["130102"]: _people(make_person, "130102", ["甲"])}, judges)
    station, contestant, judge = setup.stations[0], setup.contestants[0], setup.judges[0]
    m1, j1, _ = station.aspects
    save = dict(user_id=judge.user_id, station_id=station.id, contestant_id=contestant.id)
    with pytest.raises(CompetitionError, match="0 到 3"):
        judging.save_mark(**save, aspect_id=j1.id, value=4, seq=1)
    with pytest.raises(CompetitionError, match="所列扣分"):
        judging.save_mark(**save, aspect_id=m1.id, value=300, seq=1)
    # The judge's progress with the contestant comes with each save: a new mark adds one, nothing else does.
    first = judging.save_mark(**save, aspect_id=m1.id, value=200, seq=2)  # 4 minus the listed 2
    assert (first.outcome, first.done, first.expected) == ("saved", 1, 3)
    again = judging.save_mark(**save, aspect_id=m1.id, value=400, seq=5)
    assert (again.outcome, again.done, again.expected) == ("saved", 1, 3)
    late = judging.save_mark(**save, aspect_id=m1.id, value=0, seq=4)  # late, older request
    assert (late.outcome, late.done) == ("stale", 1)
    second = judging.save_mark(**save, aspect_id=j1.id, value=3, seq=6)
    assert (second.outcome, second.done, second.expected) == ("saved", 2, 3)
    assert db.session.scalar(select(Mark.value).where(Mark.aspect_id == m1.id)) == 400
    with pytest.raises(LookupError):
        judging.save_mark(**save | {"user_id": setup.judges[0].user_id + 999}, aspect_id=m1.id, value=0, seq=9)


def test_a_judge_from_the_contestants_unit_is_kept_from_marking_them(city, regions, make_person, judges):
    people = {regions["130102"]: [make_person("130102", name="甲")], regions["130104"]: [make_person("130104")]}
    setup = factories.drawn_round(city, people, judges, judge_units={judges[0].id: regions["130102"]})
    own = next(c for c in setup.contestants if c.entry.unit_region_id == regions["130102"].id)
    with pytest.raises(CompetitionError, match="本单位的选手"):
        judging.save_mark(user_id=judges[0].id, station_id=setup.stations[0].id, contestant_id=own.id,
                          aspect_id=setup.stations[0].aspects[0].id, value=400, seq=1)
    # Lock needs every mark except the excluded ones: 2 contestants × 3 aspects × 3 judges − 3.
    assert judging.missing_marks(setup.stations[0]) == 15


def test_hand_computed_scores_weights_and_one_rounding(city, regions, make_person, judges, make_institution):
    """Judges 3, 2, 2 on the 6-point judgement aspect: 14/3 points; full 4 and
    90 elsewhere: practical 98.6666…; theory 81 (20 %) → total 16.2 + 78.9333… = 95.13."""
    people = _people(make_person, "130102", ["甲"])
    setup = factories.drawn_round(city, {regions["130102"]: people}, judges)
    contestant = setup.contestants[0]
    grades = {judges[0].id: 3, judges[1].id: 2, judges[2].id: 2}
    factories.mark_all(setup, {(contestant.id, "j1"): lambda judge: grades[judge.user_id]})
    exam = Exam(title="竞赛理论考试", institution=make_institution("130102"), audience="caregiver",
                blueprint_json="[]", duration_minutes=90, opens_at=utcnow() - timedelta(hours=2),
                closes_at=utcnow() + timedelta(hours=1))
    db.session.add(exam)
    db.session.flush()
    db.session.add(Attempt(exam_id=exam.id, person_id=people[0].id, number=1, seed=1, score=81,
                           status=AttemptStatus.SUBMITTED, deadline_at=utcnow()))
    setup.round.theory_exam_id = exam.id
    [score] = round_scores(setup.round)
    assert score.practical == 4 + Fraction(14, 3) + 90  # out of 100 points: already on the 100 scale
    assert score.total == Fraction(81 * 20, 100) + Fraction(296, 3) * Fraction(80, 100)
    assert (score.theory, str(results.scoring.round_points(score.practical))) == (81, "98.67")
    assert results.scoring.round_points(score.total) == Decimal("95.13")
    row = station_marks(setup.stations[0])[contestant.id][1]
    assert row.by_judge == {judge.id: grades[judge.user_id] for judge in setup.judges} and row.flagged == set()


def test_ties_are_broken_by_practical_and_prizes_follow_the_scheme(city, regions, make_person, judges):
    """Five contestants; prizes 1/1/1 + merit. Two are equal on every score:
    they share rank 2 and both take 二等奖; the third prize shrinks to none."""
    events.update_rules(city, factories.rules(prize_counts=(1, 1, 1)), by=None)
    people = _people(make_person, "130102", ["甲", "乙", "丙", "丁", "戊"])
    setup = factories.drawn_round(city, {regions["130102"]: people}, judges)
    by_name = {c.entry.person.name: c for c in setup.contestants}
    m2 = {"甲": 9000, "乙": 8500, "丙": 8500, "丁": 8000, "戊": 0}
    factories.mark_all(setup, {(by_name[n].id, "m2"): v for n, v in m2.items()})
    chief = judging.appoint_judge(city, judges[0], unit=None, is_chief=True, by=None)
    judging.lock_station(setup.stations[0], by=chief.user)
    published = results.publish_results(setup.round, by=None)
    table = {r.contestant.entry.person.name: (str(r.total), r.rank, r.prize) for r in published}
    assert table == {"甲": ("80.00", 1, "一等奖"), "乙": ("76.00", 2, "二等奖"), "丙": ("76.00", 2, "二等奖"),
                     "丁": ("72.00", 4, "优胜奖"), "戊": ("8.00", 5, "优胜奖")}
    assert city.status == "finished"


def test_results_wait_for_every_lock_and_a_locked_mark_changes_only_by_appeal(city, regions, make_person, judges):
    setup = factories.drawn_round(city, {regions["130102"]: _people(make_person, "130102", ["甲", "乙"])},
                                  judges, chief_user=judges[0])
    station = setup.stations[0]
    with pytest.raises(CompetitionError, match="还缺"):
        judging.lock_station(station, by=judges[0])
    factories.mark_all(setup)
    with pytest.raises(CompetitionError, match="只有裁判长"):
        judging.lock_station(station, by=judges[1])
    with pytest.raises(CompetitionError, match="必须由裁判长锁定"):
        results.publish_results(setup.round, by=None)
    judging.lock_station(station, by=judges[0])
    contestant, aspect = setup.contestants[0], station.aspects[2]
    with pytest.raises(CompetitionError, match="锁定"):
        judging.save_mark(user_id=judges[1].id, station_id=station.id, contestant_id=contestant.id,
                          aspect_id=aspect.id, value=8000, seq=9)
    mark = db.session.scalar(select(Mark).where(Mark.contestant_id == contestant.id, Mark.aspect_id == aspect.id,
                                                Mark.judge_id == setup.judges[1].id))
    appeal = judging.lodge_appeal(mark, reason="漏记一个步骤", by=None)
    with pytest.raises(CompetitionError, match="不是该评分项允许"):
        judging.decide_appeal(appeal, upheld=True, new_value=8700, note="复核录像", by=judges[0])
    judging.decide_appeal(appeal, upheld=True, new_value=8000, note="复核录像确认漏做一步", by=judges[0])
    assert mark.value == 8000 and appeal.status == "upheld" and appeal.decided_by_id == judges[0].id
    decided = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "competition.appeal_decided"))
    assert json.loads(decided.old_values)["value"] == 9000 and json.loads(decided.new_values)["value"] == 8000
    results.publish_results(setup.round, by=None)
    with pytest.raises(CompetitionError, match="已公布"):
        judging.lodge_appeal(mark, reason="再次申诉", by=None)


def test_the_top_share_advance_to_the_next_round(regions, make_person, judges):
    city = factories.published_competition(regions["130100"], units=[regions["130102"]], rounds=2)
    people = _people(make_person, "130102", ["甲", "乙", "丙", "丁"])
    setup = factories.drawn_round(city, {regions["130102"]: people}, judges, chief_user=judges[0])
    by_name = {c.entry.person.name: c for c in setup.contestants}
    factories.mark_all(setup, {(by_name[n].id, "m2"): v for n, v in
                               {"甲": 9000, "乙": 8500, "丙": 8000, "丁": 0}.items()})
    judging.lock_station(setup.stations[0], by=judges[0])
    results.publish_results(setup.round, by=None)
    final = city.rounds[1]
    advanced = db.session.scalars(select(Contestant).where(Contestant.round_id == final.id)).all()
    assert sorted(c.entry.person.name for c in advanced) == ["乙", "甲"]
    assert all(r.prize is None for r in db.session.scalars(select(Result).where(Result.round_id == setup.round.id)))
    assert city.status == "open"


def test_award_certificates_are_issued_once_to_prize_holders(city, regions, make_person, judges):
    setup = factories.drawn_round(city, {regions["130102"]: _people(make_person, "130102", ["甲", "乙"])},
                                  judges, chief_user=judges[0])
    factories.mark_all(setup)
    judging.lock_station(setup.stations[0], by=judges[0])
    with pytest.raises(CompetitionError, match="成绩公布后"):
        results.issue_awards(setup.round, by=None)
    results.publish_results(setup.round, by=None)
    assert results.issue_awards(setup.round, by=None) == 2
    assert results.issue_awards(setup.round, by=None) == 0
    certs = db.session.scalars(select(Certificate).where(Certificate.kind == CertificateKind.AWARD)).all()
    assert {c.award for c in certs} == {"一等奖"} and {c.programme_name for c in certs} == {city.name}
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
