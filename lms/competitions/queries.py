"""Reads for competitions: what a judge's sheet shows (numbers only), a
station's marks with disagreement flags, a round's exact standings, and the
published results with team ranking."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lms.auth.models import User
from lms.competitions import scoring
from lms.competitions.models import (
    Appeal,
    Aspect,
    AspectKind,
    Competition,
    CompetitionRound,
    CompetitionStatus,
    Contestant,
    Entry,
    Judge,
    Mark,
    Result,
    Station,
    StationJudge,
)
from lms.core.access import scope_clause
from lms.exams.models import Attempt
from lms.extensions import db
from lms.people.models import Person
from lms.regions.models import Region


def competitions_stmt(*, public: bool = False):
    """Competitions newest first: published ones for everybody, drafts too for
    civil affairs in the organising region."""
    stmt = select(Competition).order_by(Competition.starts_on.desc(), Competition.id.desc())
    if public:
        return stmt.where(Competition.status != CompetitionStatus.DRAFT)
    return stmt.join(Region, Region.id == Competition.region_id).where(scope_clause(region_path=Region.path))


def judge_of(competition_id: int, user_id: int) -> Judge | None:
    """The user's judge record in this competition, if any."""
    return db.session.scalar(select(Judge).where(Judge.competition_id == competition_id, Judge.user_id == user_id))


def judge_stations(user_id: int) -> list[Station]:
    """The stations a user judges, in open competitions, newest round first."""
    return list(db.session.scalars(
        select(Station).join(StationJudge, StationJudge.station_id == Station.id)
        .join(Judge, Judge.id == StationJudge.judge_id)
        .join(CompetitionRound, CompetitionRound.id == Station.round_id)
        .join(Competition, Competition.id == CompetitionRound.competition_id)
        .where(Judge.user_id == user_id, Competition.status != CompetitionStatus.DRAFT)
        .order_by(Competition.starts_on.desc(), CompetitionRound.position, Station.position)))


@dataclass(frozen=True)
class SheetContestant:
    """A contestant as a judge sees them: the number and start order, nothing else."""

    id: int
    number: str
    start_order: int


@dataclass
class JudgeSheet:
    """What one judge marks at one station: numbers only, and the judge's own marks."""

    station: Station
    judge: Judge
    contestants: list[SheetContestant]
    aspects: list[Aspect]
    marks: dict[tuple[int, int], int]  # (contestant id, aspect id) → value
    last_seq: int

    @property
    def done(self) -> int:
        return len(self.marks)

    @property
    def expected(self) -> int:
        return len(self.contestants) * len(self.aspects)


def judge_sheet(station: Station, judge: Judge) -> JudgeSheet:
    """The judge's sheet: drawn contestants in start order, without those from
    the judge's own unit (conflict of interest), and only the judge's marks."""
    stmt = (select(Contestant.id, Contestant.number, Contestant.start_order)
            .join(Entry, Entry.id == Contestant.entry_id)
            .where(Contestant.round_id == station.round_id, Contestant.number.is_not(None))
            .order_by(Contestant.start_order))
    if judge.unit_region_id is not None:
        stmt = stmt.where(Entry.unit_region_id != judge.unit_region_id)
    contestants = [SheetContestant(*row) for row in db.session.execute(stmt)]
    rows = db.session.execute(
        select(Mark.contestant_id, Mark.aspect_id, Mark.value, Mark.seq).join(Aspect, Aspect.id == Mark.aspect_id)
        .where(Aspect.station_id == station.id, Mark.judge_id == judge.id)).all()
    return JudgeSheet(station=station, judge=judge, contestants=contestants, aspects=list(station.aspects),
                      marks={(c, a): v for c, a, v, _ in rows}, last_seq=max((s for *_, s in rows), default=0))


@dataclass
class AspectMarks:
    """Every judge's mark of one aspect for one contestant, the aspect's exact
    score, and the judges whose marks are flagged as out of line."""

    aspect: Aspect
    by_judge: dict[int, int]
    score: Fraction | None
    flagged: set[int] = field(default_factory=set)


def _aspect_marks(aspect: Aspect, by_judge: dict[int, int], competition: Competition) -> AspectMarks:
    if not by_judge:
        return AspectMarks(aspect, by_judge, None)
    score = scoring.aspect_score(aspect.kind, list(by_judge.values()), aspect.max_hundredths,
                                 competition.drop_extremes_from)
    # Judgement grades are compared in grades; objective (measurement) marks should agree exactly.
    threshold = (Fraction(competition.disagreement_hundredths, 100) if aspect.kind == AspectKind.JUDGEMENT
                 else Fraction(0))
    return AspectMarks(aspect, by_judge, score, scoring.disagreeing_judges(by_judge, threshold))


def station_marks(station: Station) -> dict[int, list[AspectMarks]]:
    """For each contestant of the station's round (by id): every aspect with
    its judges' marks, exact score and flags. For the chief judge and the
    organisers; judges see it only once the station is locked."""
    marks: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for contestant_id, aspect_id, judge_id, value in db.session.execute(
            select(Mark.contestant_id, Mark.aspect_id, Mark.judge_id, Mark.value)
            .join(Aspect, Aspect.id == Mark.aspect_id).where(Aspect.station_id == station.id)):
        marks[(contestant_id, aspect_id)][judge_id] = value
    competition = station.round.competition
    contestant_ids = db.session.scalars(select(Contestant.id).where(
        Contestant.round_id == station.round_id, Contestant.number.is_not(None))
        .order_by(Contestant.start_order)).all()
    return {cid: [_aspect_marks(aspect, marks.get((cid, aspect.id), {}), competition) for aspect in station.aspects]
            for cid in contestant_ids}


def flagged_count(station: Station) -> int:
    """How many marks of the station are flagged for the chief judge."""
    return sum(len(a.flagged) for rows in station_marks(station).values() for a in rows)


@dataclass(frozen=True)
class Score:
    """A contestant's exact scores in a round, before the one rounding."""

    contestant: Contestant
    theory: Fraction
    practical: Fraction
    total: Fraction
    missing_theory: bool


def theory_scores(round_: CompetitionRound) -> dict[int, int]:
    """Person id → theory score (first sitting of the round's theory exam)."""
    if round_.theory_exam_id is None:
        return {}
    return dict(db.session.execute(select(Attempt.person_id, Attempt.score).where(
        Attempt.exam_id == round_.theory_exam_id, Attempt.number == 1, Attempt.score.is_not(None))).all())


def round_scores(round_: CompetitionRound) -> list[Score]:
    """Every drawn contestant's exact theory, practical and total scores.
    Practical = the sum of aspect scores over every station, scaled to 100.
    A contestant with no theory sitting scores 0 in theory (缺考)."""
    competition = round_.competition
    contestants = list(db.session.scalars(select(Contestant).where(
        Contestant.round_id == round_.id, Contestant.number.is_not(None)).order_by(Contestant.start_order)))
    practical: dict[int, Fraction] = defaultdict(Fraction)
    max_total = Fraction(0)
    for station in round_.stations:
        max_total += Fraction(sum(a.max_hundredths for a in station.aspects), 100)
        for contestant_id, rows in station_marks(station).items():
            practical[contestant_id] += sum((row.score or 0 for row in rows), Fraction(0))
    theory = theory_scores(round_)
    scores = []
    for contestant in contestants:
        person_id = contestant.entry.person_id
        t = Fraction(theory.get(person_id, 0))
        p = scoring.practical_score([practical[contestant.id]], max_total) if max_total else Fraction(0)
        total = scoring.total_score(t, p, competition.theory_weight, competition.practical_weight)
        scores.append(Score(contestant, t, p, total, person_id not in theory))
    return scores


@dataclass(frozen=True)
class ResultRow:
    """A published result with who it is (for the organisers and the board)."""

    result: Result
    number: str
    name: str
    unit: str


def published_results(round_: CompetitionRound) -> list[ResultRow]:
    """The round's published results in rank order (empty until published)."""
    rows = db.session.execute(
        select(Result, Contestant.number, Entry.person_id, Entry.unit_region_id)
        .join(Contestant, Contestant.id == Result.contestant_id)
        .join(Entry, Entry.id == Contestant.entry_id)
        .where(Result.round_id == round_.id).order_by(Result.rank, Contestant.number)).all()
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_([r[2] for r in rows])))}
    units = {u.id: u for u in db.session.scalars(select(Region).where(Region.id.in_({r[3] for r in rows})))}
    return [ResultRow(result, number, people[pid].name, units[uid].name) for result, number, pid, uid in rows]


def team_standings(round_: CompetitionRound) -> list[scoring.TeamStanding]:
    """The unit team ranking from the round's published results."""
    rows = published_results(round_)
    ranked = [scoring.Ranked(scoring.Standing(key=row.result.contestant_id, total=row.result.total,
                                              practical=row.result.practical, theory=row.result.theory,
                                              unit=row.unit), row.result.rank, row.result.prize)
              for row in rows]
    return scoring.team_ranking(ranked, round_.competition.team_best_n)


def entries_by_unit(competition: Competition) -> dict[int, int]:
    """Unit region id → entries made."""
    return dict(db.session.execute(select(Entry.unit_region_id, func.count(Entry.id))
                                   .where(Entry.competition_id == competition.id)
                                   .group_by(Entry.unit_region_id)).all())


def round_is_complete(round_: CompetitionRound) -> bool:
    """Every station of the round is locked."""
    return bool(round_.stations) and all(station.is_locked for station in round_.stations)


def decimal_points(value: Fraction) -> Decimal:
    """The one rounding: to hundredths of a point."""
    return scoring.round_points(value)



# Reads for the judges' pages (judge_views.py): numbers and judge ids only,
# never who a contestant is.

def chief_stations(user_id: int) -> list[Station]:
    """The stations of published competitions where the user is the chief
    judge (the chief reviews and locks them without being assigned to mark)."""
    return list(db.session.scalars(
        select(Station).join(CompetitionRound, CompetitionRound.id == Station.round_id)
        .join(Competition, Competition.id == CompetitionRound.competition_id)
        .join(Judge, Judge.competition_id == Competition.id)
        .where(Judge.user_id == user_id, Judge.is_chief.is_(True), Competition.status != CompetitionStatus.DRAFT)
        .order_by(Competition.starts_on.desc(), CompetitionRound.position, Station.position)))


def station_judge_ids(station: Station) -> list[int]:
    """The judges assigned to the station in id order: 裁判1, 裁判2 … on the
    pages, so that marks are shown without judges' names."""
    return list(db.session.scalars(select(StationJudge.judge_id).where(StationJudge.station_id == station.id)
                                   .order_by(StationJudge.judge_id)))


def contestant_numbers(round_id: int) -> dict[int, str]:
    """Contestant id → number of the round's drawn contestants, in start order."""
    return dict(db.session.execute(select(Contestant.id, Contestant.number).where(
        Contestant.round_id == round_id, Contestant.number.is_not(None)).order_by(Contestant.start_order)).all())


def station_mark_ids(station: Station) -> dict[tuple[int, int, int], int]:
    """(contestant id, aspect id, judge id) → mark id, for appeal forms."""
    return {(c, a, j): m for m, c, a, j in db.session.execute(
        select(Mark.id, Mark.contestant_id, Mark.aspect_id, Mark.judge_id)
        .join(Aspect, Aspect.id == Mark.aspect_id).where(Aspect.station_id == station.id))}


@dataclass(frozen=True)
class AppealRow:
    """An appeal against a mark of a station, with what it is about (by
    contestant id, aspect and judge id) and who lodged and decided it."""

    appeal: Appeal
    contestant_id: int
    aspect_id: int
    judge_id: int
    lodged_by: str | None
    decided_by: str | None


def station_appeals(station: Station) -> list[AppealRow]:
    """The station's appeals, oldest first."""
    lodger, decider = aliased(User), aliased(User)
    rows = db.session.execute(
        select(Appeal, Mark.contestant_id, Mark.aspect_id, Mark.judge_id, lodger.display_name,
               decider.display_name)
        .join(Mark, Mark.id == Appeal.mark_id).join(Aspect, Aspect.id == Mark.aspect_id)
        .outerjoin(lodger, lodger.id == Appeal.lodged_by_id).outerjoin(decider, decider.id == Appeal.decided_by_id)
        .where(Aspect.station_id == station.id).order_by(Appeal.lodged_at, Appeal.id)).all()
    return [AppealRow(*row) for row in rows]
