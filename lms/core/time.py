"""Time helpers: everything stored is timezone-aware UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Read a stored timestamp as aware UTC (SQLite hands back naive datetimes)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_today() -> date:
    """Today's date where the service runs its business (BABEL_DEFAULT_TIMEZONE,
    Asia/Shanghai by default) — what "issued today" and "by the deadline" mean."""
    return datetime.now(local_zone()).date()


def local_zone() -> ZoneInfo:
    """The service's time zone (BABEL_DEFAULT_TIMEZONE, Asia/Shanghai by default)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def as_local(value: datetime | None) -> datetime | None:
    """A stored timestamp in the service's time zone, for exports and pages."""
    return as_utc(value).astimezone(local_zone()) if value is not None else None


def local_datetime(value: datetime | None, seconds: bool = False) -> str:
    """A stored (UTC) time as people read it, in the service's time zone;
    empty for None. Numbers only, so no locale data is needed: strftime is
    ~20× cheaper than Babel's formatter, which a calendar of 500 sessions
    calls a thousand times."""
    if not value:
        return ""
    return as_local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def local_clock(value: datetime | None) -> str:
    """The local time of day, e.g. 09:30; empty for None."""
    return as_local(value).strftime("%H:%M") if value else ""


def local_span(starts_at: datetime, ends_at: datetime) -> str:
    """A stretch within a day, e.g. 2026-03-02 09:00–11:30."""
    return f"{local_datetime(starts_at)}–{local_clock(ends_at)}"


def month_start(day: date, months: int = 0) -> date:
    """The first day of the month ``months`` after ``day``'s (before, when
    negative): ``month_start(d)`` is the first of d's month, ``month_start(d, 1)``
    of the next."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
