"""Excel export of the dashboard table: the same rows and columns as on screen."""

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook

from lms.quotas.queries import RegionProgress


def dashboard_workbook(title: str, own: RegionProgress, rows: list[RegionProgress], labels: dict) -> bytes:
    """An .xlsx with one line per region of the table, then the total line."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Progress")
    sheet.append([title])
    sheet.append([_("Region"), _("Code"), _("Target (persons)"), _("Certified (persons)"), _("Share done"),
                  _("Share expected"), _("Gap"), _("Forecast"), _("Status"), _("Target (person-times)"),
                  _("Completed (person-times)"), _("In training"), _("Exam pass rate"), _("Exam attempts")])
    for item in [*rows, own]:
        persons, times = item.persons, item.person_times
        sheet.append([
            item.region.name, item.region.code, persons.target, persons.done, persons.percent,
            persons.expected_percent, persons.gap, persons.forecast.isoformat() if persons.forecast else "",
            str(labels[persons.status]), times.target, times.done, item.in_training, item.exam_pass_percent,
            item.exams_taken,
        ])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
