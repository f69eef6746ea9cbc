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
