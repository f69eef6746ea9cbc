"""Setting a competition up: its rules, rounds, stations (copied from a
marking scheme), units' allowances, and publishing it."""

import json
from dataclasses import dataclass
from datetime import date

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.auth.models import User
from lms.competitions.models import (
    Aspect,
    Competition,
    CompetitionLevel,
    CompetitionRound,
    CompetitionStatus,
    Station,
    UnitAllowance,
)
from lms.competitions.schemes import SchemeSpec
from lms.competitions.services.errors import CompetitionError
from lms.core import audit
from lms.core.content import content_dir
from lms.core.time import utcnow
from lms.extensions import db
from lms.regions.models import Institution, Region


@dataclass
class CompetitionRules:
    """What the organiser sets for a competition."""

    name: str
    level: str
    item: str
    starts_on: date
    ends_on: date
    theory_weight: int
    practical_weight: int
    prize_counts: tuple[int, ...] = (3, 7, 10)
    prize_shares: tuple[int, ...] = ()
    merit: bool = True
    team_best_n: int = 3
    drop_extremes_from: int = 5
    disagreement_hundredths: int = 100
    rules: str = ""


def prize_names() -> tuple[tuple[str, ...], str]:
    """The prize names (一等奖, 二等奖 …) and the merit award's, from
    content/competitions/prizes.yaml: what is printed never depends on the
    language of the page that published the results."""
    data = yaml.safe_load((content_dir() / "competitions" / "prizes.yaml").read_text(encoding="utf-8"))
    return tuple(str(name) for name in data["names"]), str(data["merit"])


def _check_rules(rules: CompetitionRules) -> None:
    if not rules.name.strip():
        raise CompetitionError(_l("The competition needs a name."))
    if rules.level not in set(CompetitionLevel):
        raise CompetitionError(_l("Choose a city or province competition."))
    if rules.ends_on < rules.starts_on:
        raise CompetitionError(_l("The last day cannot be before the first."))
    if not (0 <= rules.theory_weight <= 100 and rules.theory_weight + rules.practical_weight == 100):
        raise CompetitionError(_l("The theory and practical weights must add up to 100."))
    if bool(rules.prize_counts) == bool(rules.prize_shares):
        raise CompetitionError(_l("Give the prizes either as counts or as shares, not both."))
    if any(n < 0 for n in (*rules.prize_counts, *rules.prize_shares)) or sum(rules.prize_shares) > 100:
        raise CompetitionError(_l("Prize counts cannot be negative and shares cannot exceed 100%."))
    if len(rules.prize_counts or rules.prize_shares) > len(prize_names()[0]):
        raise CompetitionError(_l("There can be at most %(count)d prize lines.", count=len(prize_names()[0])))
    if rules.drop_extremes_from in (1, 2):
        raise CompetitionError(_l("Dropping the highest and lowest marks needs at least 3 judges (0: never)."))
    if rules.team_best_n < 1 or rules.drop_extremes_from < 0 or rules.disagreement_hundredths < 0:
        raise CompetitionError(_l("The team rule and judging settings must be positive numbers."))


def _apply(competition: Competition, rules: CompetitionRules) -> None:
    competition.name, competition.level, competition.item = rules.name.strip(), rules.level, rules.item.strip()
    competition.starts_on, competition.ends_on = rules.starts_on, rules.ends_on
    competition.theory_weight, competition.practical_weight = rules.theory_weight, rules.practical_weight
    scheme = {"counts": list(rules.prize_counts)} if rules.prize_counts else {"shares": list(rules.prize_shares)}
    competition.prize_scheme_json = json.dumps(scheme | {"merit": rules.merit})
    competition.team_best_n, competition.drop_extremes_from = rules.team_best_n, rules.drop_extremes_from
    competition.disagreement_hundredths, competition.rules = rules.disagreement_hundredths, rules.rules.strip()


def _rules_values(competition: Competition) -> dict:
    return {"name": competition.name, "level": competition.level, "weights":
            f"{competition.theory_weight}/{competition.practical_weight}", "prizes": competition.prize_scheme_json,
            "team_best_n": competition.team_best_n, "drop_extremes_from": competition.drop_extremes_from,
            "disagreement_hundredths": competition.disagreement_hundredths}


def create_competition(*, region: Region, rules: CompetitionRules, by: User | None,
                       host: Institution | None = None) -> Competition:
    """A new competition (a draft) organised by civil affairs of ``region``."""
    _check_rules(rules)
    competition = Competition(region=region, host_institution=host, created_by_id=by.id if by else None)
    _apply(competition, rules)
    db.session.add(competition)
    db.session.flush()
    audit.record("competition.created", competition, actor=by, new=_rules_values(competition))
    return competition


def update_rules(competition: Competition, rules: CompetitionRules, *, by: User | None) -> None:
    """Change the rules. Weights, prizes and judging settings are fixed once
    any round has a station locked: results must not move under the judges."""
    _check_rules(rules)
    locked = db.session.scalar(select(func.count(Station.id)).join(CompetitionRound).where(
        CompetitionRound.competition_id == competition.id, Station.locked_at.is_not(None)))
    if locked:
        raise CompetitionError(_l("A station is locked: the rules can no longer change."))
    old = _rules_values(competition)
    _apply(competition, rules)
    db.session.flush()
    audit.record("competition.rules_changed", competition, actor=by, old=old, new=_rules_values(competition))


def _check_advancement(advance_top_n: int | None, advance_share: int | None) -> None:
    if advance_top_n is not None and advance_share is not None:
        raise CompetitionError(_l("Give either the number or the share who advance, not both."))
    if (advance_top_n is not None and advance_top_n < 1) or (
            advance_share is not None and not 0 < advance_share <= 100):
        raise CompetitionError(_l("The number or share who advance must be positive."))


def add_round(competition: Competition, *, name: str, advance_top_n: int | None = None,
              advance_share: int | None = None, by: User | None) -> CompetitionRound:
    """Add a round after the existing ones. A round that is not the last says
    how many advance (top N or top share)."""
    if not name.strip():
        raise CompetitionError(_l("The round needs a name."))
    _check_advancement(advance_top_n, advance_share)
    position = len(competition.rounds) + 1
    round_ = CompetitionRound(competition=competition, position=position, name=name.strip(),
                              advance_top_n=advance_top_n, advance_share=advance_share)
    db.session.add(round_)
    db.session.flush()
    audit.record("competition.round_added", round_, actor=by,
                 new={"name": round_.name, "position": position, "top_n": advance_top_n, "share": advance_share})
    return round_


def set_advancement(round_: CompetitionRound, *, advance_top_n: int | None, advance_share: int | None,
                    by: User | None) -> CompetitionRound:
    """Change how many of a round advance (top N, top share, or none). Allowed
    until the round's results are published (they say who advanced); a round
    followed by another must let someone through. Audited, old and new."""
    _check_advancement(advance_top_n, advance_share)
    if round_.results_published_at is not None:
        raise CompetitionError(_l("The round's results are published: who advances can no longer change."))
    if advance_top_n is None and advance_share is None and not round_.is_final:
        raise CompetitionError(_l("A round followed by another must say how many advance."))
    old = {"top_n": round_.advance_top_n, "share": round_.advance_share}
    round_.advance_top_n, round_.advance_share = advance_top_n, advance_share
    db.session.flush()
    audit.record("competition.round_advancement", round_, actor=by, old=old,
                 new={"top_n": advance_top_n, "share": advance_share})
    return round_


def add_station(round_: CompetitionRound, scheme: SchemeSpec, *, by: User | None) -> Station:
    """Add a station to a round, copying the scheme's aspects (so a later edit
    of the content file does not change how this round is marked)."""
    if round_.drawn_at is not None:
        raise CompetitionError(_l("The draw has been made: stations can no longer change."))
    if any(station.scheme_code == scheme.code for station in round_.stations):
        raise CompetitionError(_l("This station is already in the round."))
    station = Station(round=round_, position=len(round_.stations) + 1, scheme_code=scheme.code,
                      title=scheme.title, area=scheme.area, minutes=scheme.minutes, scenario=scheme.scenario,
                      source_hash=scheme.source_hash)
    db.session.add(station)
    for position, aspect in enumerate(scheme.aspects, start=1):
        db.session.add(Aspect(
            station=station, position=position, code=aspect.code, kind=aspect.kind, title=aspect.title,
            max_hundredths=aspect.max_hundredths,
            deductions_json=json.dumps([{"text": text, "hundredths": h} for text, h in aspect.deductions],
                                       ensure_ascii=False),
            descriptors_json=json.dumps(list(aspect.descriptors), ensure_ascii=False)))
    db.session.flush()
    audit.record("competition.station_added", station, actor=by,
                 new={"round": round_.id, "scheme": scheme.code, "hash": scheme.source_hash})
    return station


def set_allowance(competition: Competition, unit: Region, places: int, *, by: User | None) -> UnitAllowance:
    """How many contestants ``unit`` may enter (0 closes it)."""
    if places < 0:
        raise CompetitionError(_l("Places cannot be negative."))
    if not unit.path.startswith(competition.region.path) or unit.id == competition.region_id:
        raise CompetitionError(_l("Only units inside the competition's region can have places."))
    allowance = db.session.scalar(select(UnitAllowance).where(
        UnitAllowance.competition_id == competition.id, UnitAllowance.region_id == unit.id))
    old = allowance.places if allowance else None
    if allowance is None:
        allowance = UnitAllowance(competition=competition, region=unit, places=places)
        db.session.add(allowance)
    allowance.places = places
    db.session.flush()
    audit.record("competition.allowance_set", competition, actor=by,
                 old={"unit": unit.code, "places": old}, new={"unit": unit.code, "places": places})
    return allowance


def publish_competition(competition: Competition, *, by: User | None) -> None:
    """Open the competition: its page is public and units may enter contestants."""
    if competition.status != CompetitionStatus.DRAFT:
        raise CompetitionError(_l("Only a draft competition can be published."))
    if not competition.rounds or any(not round_.stations for round_ in competition.rounds):
        raise CompetitionError(_l("Every round needs at least one station before publishing."))
    competition.status, competition.published_at = CompetitionStatus.OPEN, utcnow()
    db.session.flush()
    audit.record("competition.published", competition, actor=by,
                 old={"status": CompetitionStatus.DRAFT}, new={"status": competition.status})


def link_theory_exam(round_: CompetitionRound, exam, *, by: User | None) -> None:
    """Take the round's theory scores from ``exam`` (an exam of an institution
    inside the competition's region: the host's, usually). Fixed once the
    round's results are published."""
    competition = round_.competition
    if round_.results_published_at is not None:
        raise CompetitionError(_l("The round's results are published: its theory exam can no longer change."))
    if not exam.institution.region.path.startswith(competition.region.path):
        raise CompetitionError(_l("Choose an exam set by an institution inside the competition's region."))
    old = round_.theory_exam_id
    round_.theory_exam_id = exam.id
    db.session.flush()
    audit.record("competition.theory_exam_linked", round_, actor=by,
                 old={"exam": old}, new={"exam": exam.id, "title": exam.title})
