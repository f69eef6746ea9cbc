"""Excel export of the trainee progress table (the same rows as the page)."""

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook

from lms.core.time import as_local
from lms.courses.study import format_study_hours
from lms.extensions import db

MAX_ROWS = 100_000


def progress_workbook(stmt) -> bytes:
    """An .xlsx of the progress rows selected by ``stmt`` (write-only, so a
    large export does not hold every cell in memory)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Study progress"))
    sheet.append([_("Name"), _("ID number"), _("Course"), _("Lessons complete"), _("Lessons"),
                  _("Study hours"), _("Last study"), _("Course complete")])
    for person, course, total, done, seconds, last, completed_at in db.session.execute(stmt.limit(MAX_ROWS)):
        sheet.append([
            person.name, person.id_number_masked, course.title, done, total,
            float(format_study_hours(seconds)), as_local(last).strftime("%Y-%m-%d %H:%M") if last else "",
            as_local(completed_at).strftime("%Y-%m-%d") if completed_at else "",
        ])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
