"""How the package prints stored values: labels for codes, local times,
dates, hours (one place, for the workbook and the PDF)."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.training.models import MINUTES_PER_HOUR, EnrolmentStatus

ENROLMENT_LABELS = {EnrolmentStatus.ENROLLED: _l("Holds a place"), EnrolmentStatus.WAITING: _l("Waiting list"),
                    EnrolmentStatus.WITHDRAWN: _l("Withdrawn")}
RESULT_LABELS = {"passed": _l("Passed"), "failed": _l("Failed"), "missing": _l("Not assessed"),
                 "none": _l("No assessment")}


def day(value: date | None) -> str:
    """A date as 2026-03-02; empty for None."""
    return value.isoformat() if value else ""


def hours(minutes: int) -> float:
    """Minutes as 学时 (45 minutes each), one decimal, as the class hours
    report shows them."""
    return round(minutes / MINUTES_PER_HOUR, 1)


def hours_text(minutes: int) -> str:
    """``hours`` as text, always with its decimal ("12.0")."""
    return f"{minutes / MINUTES_PER_HOUR:.1f}"


def yes_no(value: bool | None) -> str:
    """Yes or No; empty where there is nothing to say (None)."""
    return "" if value is None else (_("Yes") if value else _("No"))
