"""Progress arithmetic: expected progress on a straight line, gap, forecast
and status. Plain functions of numbers and dates, so they are easy to check.

Status thresholds (configurable, ``QUOTA_ON_TRACK_RATIO`` and
``QUOTA_AT_RISK_RATIO``), comparing what is done with what a straight line
from the period's start to its deadline expects by today:
- on track: done ≥ 95 % of expected, or the target is met;
- at risk: done ≥ 80 % of expected, or the forecast (pace of the last 90
  days) still reaches the target by the deadline;
- behind: otherwise.
Once the deadline has passed the period is over: a target is then met or
not met, with no pace to judge.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

PACE_WINDOW_DAYS = 90


def expected_fraction(start: date, deadline: date, today: date) -> float:
    """Share of the period elapsed by ``today`` (0 before it starts, 1 after)."""
    if today <= start:
        return 0.0
    if today >= deadline:
        return 1.0
    return (today - start).days / (deadline - start).days


def forecast_date(target: int, done: int, recent: int, today: date,
                  window_days: int = PACE_WINDOW_DAYS) -> date | None:
    """When the target is reached at the pace of the last ``window_days``
    (``recent`` completions in that window); None when nothing happened in it."""
    if done >= target:
        return today
    if recent <= 0:
        return None
    return today + timedelta(days=ceil((target - done) * window_days / recent))


@dataclass(frozen=True)
class Measure:
    """Progress of one number (persons or person-times) against its target."""

    target: int | None
    done: int
    recent: int  # completions in the last PACE_WINDOW_DAYS
    fraction: float  # expected share of the period elapsed
    today: date
    deadline: date
    on_track_ratio: float = 0.95
    at_risk_ratio: float = 0.80
    has_ended: bool = False  # the deadline has passed: the period's figures are final

    @property
    def percent(self) -> float | None:
        return None if not self.target else round(self.done * 100 / self.target, 1)

    @property
    def expected(self) -> int | None:
        return None if self.target is None else round(self.target * self.fraction)

    @property
    def expected_percent(self) -> float:
        return round(self.fraction * 100, 1)

    @property
    def gap(self) -> int | None:
        """How far behind the straight line (positive) or ahead (negative)."""
        return None if self.expected is None else self.expected - self.done

    @property
    def forecast(self) -> date | None:
        return None if self.target is None else forecast_date(self.target, self.done, self.recent, self.today)

    @property
    def status(self) -> str:
        if self.target is None:
            return "no_target"
        if self.has_ended:
            return "met" if self.done >= self.target else "not_met"
        if self.done >= self.target or self.done >= self.on_track_ratio * self.expected:
            return "on_track"
        forecast = self.forecast
        if self.done >= self.at_risk_ratio * self.expected or (forecast and forecast <= self.deadline):
            return "at_risk"
        return "behind"
