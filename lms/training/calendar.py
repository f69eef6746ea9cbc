"""Calendar arithmetic for the schedule pages and the .ics export: which days
a week or month view shows, and sessions laid out by local day."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from icalendar import Calendar, Event

from lms.core.time import as_local, as_utc, local_zone, month_start
from lms.training.class_queries import CalendarEntry

VIEWS = ("week", "month")


@dataclass(frozen=True)
class Span:
    """The days a calendar page shows: ``first`` to ``last`` inclusive, the
    dates the previous and next buttons go to, and the period's own label date."""

    view: str
    anchor: date
    first: date
    last: date

    @property
    def previous(self) -> date:
        return self.first - timedelta(days=1) if self.view == "week" else (self.anchor.replace(day=1)
                                                                          - timedelta(days=1))

    @property
    def next(self) -> date:
        return self.last + timedelta(days=1) if self.view == "week" else month_start(self.anchor, 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """The span as aware datetimes [start, end) in the service's zone."""
        zone = local_zone()
        return (datetime.combine(self.first, time.min, zone),
                datetime.combine(self.last + timedelta(days=1), time.min, zone))

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def span(view: str, anchor: date) -> Span:
    """A week (Monday to Sunday) or a calendar month around ``anchor``."""
    if view == "month":
        first = anchor.replace(day=1)
        return Span("month", anchor, first, month_start(anchor, 1) - timedelta(days=1))
    monday = anchor - timedelta(days=anchor.weekday())
    return Span("week", anchor, monday, monday + timedelta(days=6))


def by_day(sessions: list[CalendarEntry]) -> dict[date, list[CalendarEntry]]:
    """Sessions grouped by their local start date, in time order."""
    days: dict[date, list[CalendarEntry]] = {}
    for session in sessions:
        days.setdefault(as_local(session.starts_at).date(), []).append(session)
    return days


def ics(sessions: list[CalendarEntry], *, name: str, host: str, hours_text) -> bytes:
    """An iCalendar file of the sessions (RFC 5545), for a phone's calendar.
    UIDs are stable, so importing a newer export updates the same events."""
    calendar = Calendar()
    calendar.add("prodid", "-//CareLMS//training schedule//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.id}@{host}")
        event.add("dtstamp", as_utc(session.starts_at))
        event.add("dtstart", as_utc(session.starts_at))
        event.add("dtend", as_utc(session.ends_at))
        event.add("summary", f"{session.class_name} · {session.topic}")
        event.add("location", session.venue)
        event.add("description", f"{session.instructor_name} · {hours_text(session.hours)}")
        calendar.add_component(event)
    return calendar.to_ical()
