"""Demo competitions: a finished 石家庄 city competition (theory exam sat,
five judges per station, stations locked, results published, award
certificates issued) and a provincial one in progress (drawn, partly marked),
so the feature can be seen on first start. Idempotent: looked up by name."""

import random
from datetime import date, timedelta

from sqlalchemy import select

from lms.auth import services as accounts
from lms.auth.models import User
from lms.competitions.models import Competition, CompetitionRound, Contestant, Judge
from lms.competitions.queries import judge_sheet
from lms.competitions.schemes import scheme_by_code
from lms.competitions.services import entries, events, judging, results
from lms.core.access import Role
from lms.core.time import local_today, utcnow
from lms.demo.exams import DEMO_BLUEPRINT
from lms.demo.identities import fake_id_number, fake_mobile, fake_name
from lms.exams import attempts
from lms.exams import services as exam_services
from lms.exams.models import AttemptItem
from lms.extensions import db
from lms.people import services as people
from lms.people.models import Category, Person
from lms.regions.models import Institution, Region
from lms.regions.queries import region_by_code

FINISHED = "2026年石家庄市养老护理职业技能大赛"
RUNNING = "2027年河北省养老护理职业技能大赛"
FINISHED_STATIONS = ("daily-feeding", "psych-new-resident")
RUNNING_STATIONS = ("basic-cpr-aed", "rehab-bed-wheelchair")
# 石家庄's counties that send contestants to the city competition, 3 each.
CITY_UNITS = ("130102", "130104", "130105", "130108")
# Units that send contestants to the provincial one, 2 each.
PROVINCE_UNITS = ("130100", "130200", "130600", "130400")
THEORY_BLUEPRINT_TITLE = "2026年石家庄市养老护理职业技能大赛理论考试"


def seed_competitions(host: Institution, password: str, seed: int = 20261204) -> list[tuple[str, str]]:
    """Create both demo competitions (when the schemes are in content/); returns logins to print."""
    if any(scheme_by_code(code) is None for code in FINISHED_STATIONS + RUNNING_STATIONS):
        return []
    rng = random.Random(seed)
    judges = [_judge(f"judge{n}", f"裁判员{n}", host, password) for n in range(1, 6)]
    chief = _judge("chiefjudge", "裁判长", host, password)
    if db.session.scalar(select(Competition.id).where(Competition.name == FINISHED)) is None:
        _finished(rng, host, judges, chief)
    if db.session.scalar(select(Competition.id).where(Competition.name == RUNNING)) is None:
        _running(rng, judges[:3], chief)
    return [("judge1 … judge5", "examiner: competition judges"), ("chiefjudge", "examiner: chief judge")]


def _judge(username: str, name: str, host: Institution, password: str) -> User:
    user = accounts.find_user(username)
    if user is None:
        user = accounts.create_user(username=username, display_name=name, password=password)
        accounts.assign_role(user, Role.EXAMINER, by=None, institution=host)
    return user


def _contestants(rng: random.Random, unit_codes: tuple[str, ...], each: int) -> dict[Region, list[Person]]:
    """New caregivers registered in each unit (a county, or a city's first county)."""
    made: dict[Region, list[Person]] = {}
    for code in unit_codes:
        unit = region_by_code(code)
        home = unit if not unit.children else unit.children[0]
        made[unit] = [people.register_person(
            name=fake_name(rng), id_number=fake_id_number(rng, home.code), phone=fake_mobile(rng), region=home,
            categories=[Category.CAREGIVER]) for _ in range(each)]
    return made


def _rules(name: str, level: str, starts_on: date, **changes) -> events.CompetitionRules:
    values = dict(name=name, level=level, item="养老护理", starts_on=starts_on, ends_on=starts_on + timedelta(days=1),
                  prize_counts=(1, 2, 3),
                  theory_weight=20, practical_weight=80, team_best_n=2,
                  rules="理论知识考试为闭卷笔试，满分100分；技能操作按赛站评分标准评分，每个赛站由5名裁判独立评分，"
                        "去掉一个最高分和一个最低分后取平均。总成绩＝理论成绩×20%＋技能操作成绩×80%。")
    values.update(changes)
    return events.CompetitionRules(**values)


def _competition(name: str, region: Region, level: str, starts_on: date, stations: tuple[str, ...],
                 units: list[Region], places: int, host: Institution | None = None) -> Competition:
    competition = events.create_competition(region=region, rules=_rules(name, level, starts_on), by=None, host=host)
    final = events.add_round(competition, name="决赛", by=None)
    for code in stations:
        events.add_station(final, scheme_by_code(code), by=None)
    for unit in units:
        events.set_allowance(competition, unit, places, by=None)
    events.publish_competition(competition, by=None)
    return competition


def _enter_and_draw(competition: Competition, contestants: dict, judges: list[User], chief: User,
                    seed: str) -> None:
    for unit, persons in contestants.items():
        for person in persons:
            entries.enter_contestant(competition, person, unit, by=None)
    round_ = competition.rounds[0]
    for user in judges:
        judge = judging.appoint_judge(competition, user, unit=None, by=None)
        for station in round_.stations:
            judging.assign_to_station(station, judge, by=None)
    judging.appoint_judge(competition, chief, unit=None, is_chief=True, by=None)
    entries.make_draw(round_, by=None, seed=seed)


def _mark(rng: random.Random, competition: Competition, *, skill: dict[int, float], share: float = 1.0) -> None:
    """Judges mark like people: mostly full points or a listed deduction,
    grades around the contestant's skill, a little disagreement."""
    round_ = competition.rounds[0]
    for station in round_.stations:
        for judge in db.session.scalars(select(Judge).where(
                Judge.competition_id == competition.id, Judge.is_chief.is_(False))):
            sheet = judge_sheet(station, judge)
            for contestant in sheet.contestants[:max(1, int(len(sheet.contestants) * share))]:
                level = skill[contestant.id]
                for aspect in station.aspects:
                    if aspect.kind == "judgement":
                        value = max(0, min(3, round(level * 3 + rng.choice((-1, 0, 0, 0, 1)) * 0.6)))
                    elif rng.random() < level:
                        value = aspect.max_hundredths
                    else:
                        options = sorted(aspect.allowed_values())
                        value = rng.choice(options[:-1] or options)
                    judging.save_mark(user_id=judge.user_id, station_id=station.id, contestant_id=contestant.id,
                                      aspect_id=aspect.id, value=value, seq=1)


def _theory_exam(rng: random.Random, competition: Competition, host: Institution, skill: dict[int, float]) -> None:
    """The theory round on the exam engine: each contestant sat it, answering
    about as well as their skill; papers graded by the exam engine."""
    start = utcnow() - timedelta(days=40)
    try:
        exam = exam_services.create_exam(
            title=THEORY_BLUEPRINT_TITLE, institution=host, programme=None, audience="caregiver", level=4,
            blueprint=DEMO_BLUEPRINT, duration_minutes=90, pass_mark=60, attempts_allowed=1, opens_at=start,
            closes_at=start + timedelta(hours=3), by=None)
    except exam_services.BlueprintError:
        return  # the question banks are not loaded: the competition runs without a theory part
    round_ = competition.rounds[0]
    contestants = round_and_people(round_)
    exam_services.add_candidates(exam, [person for _, person in contestants])
    for contestant_id, person in contestants:
        attempt = attempts.start_attempt(exam, person, now=start + timedelta(minutes=5))
        for item in db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)):
            item.given = item.version.answer if rng.random() < 0.55 + 0.4 * skill[contestant_id] else ""
        db.session.flush()
        attempts.close_attempt(attempt, now=start + timedelta(minutes=80))
    round_.theory_exam_id = exam.id


def round_and_people(round_: CompetitionRound) -> list[tuple[int, Person]]:
    """(contestant id, person) of a round's drawn contestants."""
    return [(c.id, c.entry.person) for c in db.session.scalars(
        select(Contestant).where(Contestant.round_id == round_.id).order_by(Contestant.start_order))]


def _finished(rng: random.Random, host: Institution, judges: list[User], chief: User) -> None:
    city = region_by_code("130100")
    units = [region_by_code(code) for code in CITY_UNITS]
    competition = _competition(FINISHED, city, "city", date(2026, 10, 20), FINISHED_STATIONS, units, 3, host=host)
    _enter_and_draw(competition, _contestants(rng, CITY_UNITS, 3), judges, chief, seed="demo-city-2026")
    skill = {cid: rng.uniform(0.55, 0.95) for cid, _ in round_and_people(competition.rounds[0])}
    _theory_exam(rng, competition, host, skill)
    _mark(rng, competition, skill=skill)
    for station in competition.rounds[0].stations:
        judging.lock_station(station, by=chief, note="评分完整，已复核")
    results.publish_results(competition.rounds[0], by=None)
    results.issue_awards(competition.rounds[0], by=None)


def _running(rng: random.Random, judges: list[User], chief: User) -> None:
    province = region_by_code("130000")
    units = [region_by_code(code) for code in PROVINCE_UNITS]
    starts = local_today() + timedelta(days=3)
    competition = _competition(RUNNING, province, "province", starts, RUNNING_STATIONS, units, 4)
    _enter_and_draw(competition, _contestants(rng, PROVINCE_UNITS, 2), judges, chief, seed="demo-province-2027")
    skill = {cid: rng.uniform(0.5, 0.95) for cid, _ in round_and_people(competition.rounds[0])}
    _mark(rng, competition, skill=skill, share=0.5)
