"""What the competition pages show, worked out once for the organiser's page,
the public pages and the export: prize lines in words, which round the board
shows, how far judging has got, and points with two decimals."""

from dataclasses import dataclass
from decimal import Decimal

from lms.competitions.models import Competition, CompetitionRound
from lms.competitions.services.results import prize_names


@dataclass(frozen=True)
class PrizeLine:
    """One prize of the scheme: its name and its number of places, or its
    percent share of the ranked contestants."""

    name: str
    size: int
    is_share: bool


def prize_lines(competition: Competition) -> tuple[list[PrizeLine], str | None]:
    """The scheme's prizes, best first, and the merit award's name (None
    when everyone else gets nothing). Names come from the prize content file."""
    scheme = competition.prize_scheme
    names, merit = prize_names()
    shares = bool(scheme.get("shares"))
    sizes = scheme.get("shares") if shares else scheme.get("counts") or []
    lines = [PrizeLine(name, size, shares) for name, size in zip(names, sizes, strict=False)]
    return lines, merit if scheme.get("merit") else None


def board_round(competition: Competition) -> CompetitionRound | None:
    """The round whose results the board shows: the final round once
    published, otherwise the latest round with published results."""
    published = [round_ for round_ in competition.rounds if round_.results_published_at is not None]
    return published[-1] if published else None


def round_in_progress(competition: Competition) -> CompetitionRound | None:
    """The first round whose results are not yet published."""
    return next((round_ for round_ in competition.rounds if round_.results_published_at is None), None)


def locked_count(round_: CompetitionRound) -> tuple[int, int]:
    """(stations locked by the chief judge, stations) of a round."""
    return sum(1 for station in round_.stations if station.is_locked), len(round_.stations)


def judge_label(judge) -> str:
    """A judge as organisers pick one: the name, and the username that tells
    two judges of the same name apart."""
    return f"{judge.user.display_name}（{judge.user.username}）"


def points(value) -> str:
    """A published figure with exactly two decimals ("95.50"); no float on the way."""
    if value is None:
        return ""
    return f"{Decimal(value):.2f}"
