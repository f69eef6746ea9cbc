"""Building competitions for tests: a small scheme in code, a published
competition with one or two rounds, entries, judges and a draw."""

from dataclasses import dataclass
from datetime import date

from lms.competitions.models import Competition, CompetitionRound, Contestant, Entry, Judge, Station
from lms.competitions.schemes import AspectSpec, SchemeSpec
from lms.competitions.services import entries, events, judging
from lms.extensions import db

# A station of three aspects (4 + 6 + 90 = 100 points): one measurement with
# a listed deduction, one judgement, one big measurement to make totals differ.
ASPECTS = (
    AspectSpec(code="m1", kind="measurement", title="核对老人信息并解释操作目的", max_hundredths=400,
               deductions=(("未核对床号", 200),), descriptors=()),
    AspectSpec(code="j1", kind="judgement", title="沟通的耐心与尊重", max_hundredths=600, deductions=(),
               descriptors=("未沟通", "沟通生硬", "沟通恰当", "沟通耐心、尊重老人意愿")),
    AspectSpec(code="m2", kind="measurement", title="操作步骤正确完整", max_hundredths=9000,
               deductions=(("遗漏一个步骤", 1000), ("顺序错误", 500)), descriptors=()),
)


def scheme(code: str = "test-station", title: str = "协助老年人进食", area: str = "daily_care") -> SchemeSpec:
    """A scheme built in code (the shipped ones live in content/competitions/stations)."""
    return SchemeSpec(code=code, title=title, area=area, level=4, minutes=20,
                      scenario="王奶奶，82岁，脑卒中后右侧肢体活动不便，需协助进食。", aspects=ASPECTS,
                      references=(), source_hash=code.ljust(64, "0"))


def rules(**changes) -> events.CompetitionRules:
    values = dict(name="2026年石家庄市养老护理职业技能大赛", level="city", item="养老护理",
                  starts_on=date(2026, 10, 20), ends_on=date(2026, 10, 22), theory_weight=20,
                  practical_weight=80)
    values.update(changes)
    return events.CompetitionRules(**values)


@dataclass
class Setup:
    """A published competition ready for marking: drawn contestants and judges on its station(s)."""

    competition: Competition
    round: CompetitionRound
    stations: list[Station]
    entries: list[Entry]
    contestants: list[Contestant]
    judges: list[Judge]
    chief: Judge | None


def published_competition(region, *, units, stations=1, rounds=1, by=None, **rule_changes) -> Competition:
    """A published competition of ``region`` with ``rounds`` rounds (the first
    advancing the top 50 %), ``stations`` stations each, and 10 places for each unit."""
    competition = events.create_competition(region=region, rules=rules(**rule_changes), by=by)
    for position in range(1, rounds + 1):
        last = position == rounds
        round_ = events.add_round(competition, name="决赛" if last else "初赛",
                                  advance_share=None if last else 50, by=by)
        for number in range(1, stations + 1):
            events.add_station(round_, scheme(code=f"station-{number}", title=f"操作{number}"), by=by)
    for unit in units:
        events.set_allowance(competition, unit, 10, by=by)
    events.publish_competition(competition, by=by)
    return competition


def drawn_round(competition: Competition, people_by_unit: dict, judge_users: list, *, chief_user=None,
                judge_units: dict | None = None, by=None, seed: str = "test-seed") -> Setup:
    """Enter the people (unit → people), appoint and assign the judges to every
    station of the first round, and draw it."""
    made = [entries.enter_contestant(competition, person, unit, by=by)
            for unit, people in people_by_unit.items() for person in people]
    round_ = competition.rounds[0]
    judge_units = judge_units or {}
    judges = []
    for user in judge_users:
        judge = judging.appoint_judge(competition, user, unit=judge_units.get(user.id), by=by)
        judges.append(judge)
        for station in round_.stations:
            judging.assign_to_station(station, judge, by=by)
    chief = judging.appoint_judge(competition, chief_user, unit=None, is_chief=True, by=by) if chief_user else None
    contestants = entries.make_draw(round_, by=by, seed=seed)
    db.session.flush()
    return Setup(competition, round_, list(round_.stations), made, contestants, judges, chief)


def mark_all(setup: Setup, values: dict | None = None, station: Station | None = None) -> None:
    """Every judge marks every aspect of every contestant they may mark:
    ``values[(contestant id, aspect code)]`` if given, else full marks."""
    from lms.competitions.queries import judge_sheet

    values = values or {}
    for st in [station] if station else setup.stations:
        for judge in setup.judges:
            sheet = judge_sheet(st, judge)
            for contestant in sheet.contestants:
                for aspect in st.aspects:
                    full = 3 if aspect.kind == "judgement" else aspect.max_hundredths
                    value = values.get((contestant.id, aspect.code), full)
                    if callable(value):
                        value = value(judge)
                    judging.save_mark(user_id=judge.user_id, station_id=st.id, contestant_id=contestant.id,
                                      aspect_id=aspect.id, value=value, seq=1)
