"""Skill-competition models: events and their marking schemes (events.py),
entries, judges, marks, appeals and results (judging.py)."""

from lms.competitions.models.events import (
    Aspect,
    AspectKind,
    Competition,
    CompetitionLevel,
    CompetitionRound,
    CompetitionStatus,
    Station,
    UnitAllowance,
)
from lms.competitions.models.judging import (
    Appeal,
    AppealStatus,
    Contestant,
    Entry,
    Judge,
    Mark,
    Result,
    StationJudge,
)

__all__ = ["Appeal", "AppealStatus", "Aspect", "AspectKind", "Competition", "CompetitionLevel",
           "CompetitionRound", "CompetitionStatus", "Contestant", "Entry", "Judge", "Mark", "Result",
           "Station", "StationJudge", "UnitAllowance"]
