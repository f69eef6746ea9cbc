"""Competition scoring: from judges' marks to totals, ranks, prizes and team results.

Pure functions and plain data: no database, no Flask. Every value is exact
(``fractions.Fraction``) until the one rounding at the end.

Marks and units
    A station has aspects. On a *measurement* aspect each judge enters the points
    awarded in hundredths of a point (an int: 0, the maximum, or the maximum minus
    one listed deduction). On a *judgement* aspect each judge enters a grade 0-3;
    the aspect scores mean grade / 3 x its maximum.

One aspect, one contestant
    The judges' marks are averaged. When there are at least ``drop_extremes_from``
    marks (5 by default; 0 switches dropping off), one highest and one lowest mark
    are dropped first. A measurement aspect scores mean / 100 points; a judgement
    aspect scores mean / 3 x maximum points.

Disagreement
    A judge is flagged when their mark differs from the median of all the judges'
    marks by more than a threshold (exactly the threshold is not flagged): the
    median is what the panel agrees on, so one judge out of line is flagged
    alone (3, 3, 0 flags the 0, not the two 3s); of two judges, both are. The
    threshold is in the aspect's marks: grades for judgement, hundredths for
    measurement. With fewer than two judges nobody is flagged.

Totals
    Practical score = sum of aspect scores / sum of aspect maxima x 100 (four stations
    of 100 points each: divide by 400). Total = theory x theory weight % + practical x
    practical weight %; the two weights are whole percents adding up to 100 (e.g.
    20/80, 30/70). Only the published figures are rounded: to 2 decimals, half up,
    once, from the exact value - never a sum of rounded parts.

Ranking
    Contestants are ordered by total, then practical, then theory (all as published,
    rounded). Contestants equal on all three share a rank and the next rank is
    skipped (1, 2, 2, 4). Equal contestants are listed by key, for a stable order.

Prizes
    Prize lines are counts (e.g. 3, 7, 10) or shares, in percent, of the ranked
    contestants (line count = floor(n x share / 100)). Each line ends at a fixed
    cumulative boundary (3, 7, 10 -> after places 3, 10 and 20). A contestant takes
    the first prize whose boundary is at least their rank. So everyone tied with the
    last contestant inside a line takes the higher prize, and the next line shrinks
    by as many places, down to zero, never below; a line's boundary never moves, so
    the lines after keep theirs. A tie across the last line: all tied take the last
    prize. Everyone ranked below the last boundary gets the merit award (e.g. 优胜奖)
    when the scheme names one, otherwise no prize.

Advancement
    The top N, or floor(n x share / 100) of n ranked contestants (at least one), go
    through, together with everyone tied with the last of them.

Teams
    A unit's team score is the sum of its best N contestants' published totals (all of
    them if it has fewer; ``counted`` says how many). Units are ranked by that sum,
    equal sums sharing a rank as above. Contestants without a unit are left out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

MEASUREMENT = "measurement"
JUDGEMENT = "judgement"
TOP_GRADE = 3

Exact = Fraction | Decimal | int


def _exact(value: Exact, name: str) -> Fraction:
    """``value`` as a Fraction; floats (and bools) are refused, being inexact."""
    if isinstance(value, bool) or not isinstance(value, Fraction | Decimal | int):
        raise TypeError(f"{name} must be an int, Fraction or Decimal, not {value!r}")
    return Fraction(value)


def round_points(value: Exact) -> Decimal:
    """The one rounding: to 2 decimals, half up (away from zero), computed exactly."""
    exact = _exact(value, "value")
    hundredths = math.floor(abs(exact) * 100 + Fraction(1, 2))
    return Decimal(hundredths if exact >= 0 else -hundredths).scaleb(-2)


def aggregate(marks: Sequence[int], drop_extremes_from: int = 5) -> Fraction:
    """Mean of the judges' marks, first dropping one highest and one lowest mark
    when there are at least ``drop_extremes_from`` of them (0 or less: never)."""
    if not marks:
        raise ValueError("no marks to aggregate")
    if 0 < drop_extremes_from < 3:
        raise ValueError("dropping the highest and lowest mark needs at least 3 marks")
    kept = sorted(marks)
    if drop_extremes_from > 0 and len(kept) >= drop_extremes_from:
        kept = kept[1:-1]
    return Fraction(sum(kept), len(kept))


def aspect_score(kind: str, marks: Sequence[int], max_hundredths: int,
                 drop_extremes_from: int = 5) -> Fraction:
    """An aspect's score in points, exact. Measurement marks are hundredths of a
    point (0..max_hundredths); judgement marks are grades 0..3."""
    if kind not in (MEASUREMENT, JUDGEMENT):
        raise ValueError(f"unknown aspect kind {kind!r}")
    if isinstance(max_hundredths, bool) or not isinstance(max_hundredths, int) or max_hundredths <= 0:
        raise ValueError(f"aspect maximum must be a positive whole number of hundredths, not {max_hundredths!r}")
    top = TOP_GRADE if kind == JUDGEMENT else max_hundredths
    for place, mark in enumerate(marks, start=1):
        if isinstance(mark, bool) or not isinstance(mark, int) or not 0 <= mark <= top:
            raise ValueError(f"mark {place} ({mark!r}) is not a {kind} mark from 0 to {top}")
    mean = aggregate(marks, drop_extremes_from)
    if kind == JUDGEMENT:
        return mean / TOP_GRADE * max_hundredths / 100
    return mean / 100


def disagreeing_judges(marks_by_judge: Mapping[int, int], threshold: Exact) -> set[int]:
    """Judges whose mark differs from the median of all the judges' marks by
    more than ``threshold`` (in the aspect's marks: grades or hundredths)."""
    limit = _exact(threshold, "threshold")
    if limit < 0:
        raise ValueError("threshold must not be negative")
    if len(marks_by_judge) < 2:
        return set()
    ordered = sorted(marks_by_judge.values())
    middle = len(ordered) // 2
    median = (Fraction(ordered[middle]) if len(ordered) % 2
              else Fraction(ordered[middle - 1] + ordered[middle], 2))
    return {judge for judge, mark in marks_by_judge.items() if abs(mark - median) > limit}


def practical_score(aspect_scores: Iterable[Fraction], max_points_total: Fraction | int) -> Fraction:
    """The practical score out of 100: the aspect scores' sum over their maxima's sum."""
    maximum = _exact(max_points_total, "max_points_total")
    if maximum <= 0:
        raise ValueError("max_points_total must be positive")
    return sum((_exact(score, "aspect score") for score in aspect_scores), Fraction(0)) / maximum * 100


def total_score(theory: Exact, practical: Fraction, theory_weight: int, practical_weight: int) -> Fraction:
    """Theory and practical weighted by whole percents that add up to 100."""
    weights = (theory_weight, practical_weight)
    if any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in weights) or sum(weights) != 100:
        raise ValueError(f"weights must be whole percents adding up to 100, not {theory_weight}/{practical_weight}")
    return (_exact(theory, "theory") * theory_weight + _exact(practical, "practical") * practical_weight) / 100


@dataclass(frozen=True)
class Standing:
    """One contestant's published (rounded) figures."""

    key: Hashable
    total: Decimal
    practical: Decimal
    theory: Decimal
    unit: str | None = None


@dataclass(frozen=True)
class Ranked:
    """A standing with its rank and, once awarded, its prize name."""

    standing: Standing
    rank: int
    prize: str | None = None


def _competition_ranks(scores: Sequence[tuple]) -> list[int]:
    """Ranks "1, 2, 2, 4" for scores already in order, best first."""
    ranks: list[int] = []
    for place, score in enumerate(scores, start=1):
        ranks.append(ranks[-1] if ranks and score == scores[place - 2] else place)
    return ranks


def rank(standings: Iterable[Standing]) -> list[Ranked]:
    """Rank by total, then practical, then theory, best first; equals share a rank."""
    ordered = sorted(standings, key=lambda s: (-s.total, -s.practical, -s.theory, str(s.key)))
    if len({s.key for s in ordered}) != len(ordered):
        raise ValueError("each standing needs its own key")
    ranks = _competition_ranks([(s.total, s.practical, s.theory) for s in ordered])
    return [Ranked(standing, place) for standing, place in zip(ordered, ranks, strict=True)]


@dataclass(frozen=True)
class PrizeScheme:
    """Prize names, best first, with either a count or a percent share per prize;
    ``merit`` names the award for every other ranked contestant (None: nothing)."""

    names: tuple[str, ...]
    counts: tuple[int, ...] | None = None
    shares: tuple[int, ...] | None = None
    merit: str | None = None

    def __post_init__(self) -> None:
        sizes = self.counts if self.shares is None else self.shares
        if (self.counts is None) == (self.shares is None):
            raise ValueError("a prize scheme needs either counts or shares, not both")
        if not self.names or len(sizes) != len(self.names):
            raise ValueError("a prize scheme needs one count or share per prize name")
        if any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in sizes):
            raise ValueError("prize counts and shares must be whole numbers, not negative")
        if self.shares is not None and sum(self.shares) > 100:
            raise ValueError("prize shares must not add up to more than 100 percent")

    def boundaries(self, contestants: int) -> list[int]:
        """The cumulative place after which each prize line ends."""
        sizes = self.counts if self.counts is not None else [contestants * s // 100 for s in self.shares]
        cumulative, total = [], 0
        for size in sizes:
            total += size
            cumulative.append(total)
        return cumulative


def award_prizes(ranked: list[Ranked], scheme: PrizeScheme) -> list[Ranked]:
    """Each contestant takes the first prize whose cumulative boundary is at least
    their rank, else the scheme's merit award (see the module docstring)."""
    lines = list(zip(scheme.boundaries(len(ranked)), scheme.names, strict=True))
    return [replace(entry, prize=next((name for boundary, name in lines if entry.rank <= boundary),
                                      scheme.merit))
            for entry in ranked]


def advancing(ranked: list[Ranked], *, top_n: int | None = None, top_share: int | None = None) -> list[Ranked]:
    """The top ``top_n`` or ``top_share`` percent (at least one) go through, with
    everyone tied with the last of them."""
    if (top_n is None) == (top_share is None):
        raise ValueError("give either top_n or top_share")
    if (top_n if top_n is not None else top_share) < 0:
        raise ValueError("the number advancing must not be negative")
    cut = top_n if top_n is not None else max(1, len(ranked) * top_share // 100)
    return [entry for entry in ranked if entry.rank <= cut]


@dataclass(frozen=True)
class TeamStanding:
    """A unit's team result: the sum of its best totals and how many were counted."""

    unit: str
    total: Decimal
    counted: int
    rank: int


def team_ranking(ranked: list[Ranked], best_n: int) -> list[TeamStanding]:
    """Units ranked by the sum of their best ``best_n`` published totals."""
    if best_n < 1:
        raise ValueError("best_n must be at least 1")
    totals: dict[str, list[Decimal]] = defaultdict(list)
    for entry in ranked:
        if entry.standing.unit is not None:
            totals[entry.standing.unit].append(entry.standing.total)
    teams = sorted(((unit, sorted(scores, reverse=True)[:best_n]) for unit, scores in totals.items()),
                   key=lambda team: (-sum(team[1]), team[0]))
    ranks = _competition_ranks([sum(best) for _unit, best in teams])
    return [TeamStanding(unit, sum(best, Decimal("0.00")), len(best), place)
            for (unit, best), place in zip(teams, ranks, strict=True)]
