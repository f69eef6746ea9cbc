"""The subsidy package as an Excel workbook: one sheet per part, every row
of the evidence (study intervals, attendance scans) in full.

Written write-only (rows streamed, not held as cell objects): the evidence
sheets of a class of 100 run to tens of thousands of rows. Times are the
service's local time as text ("2026-03-03 09:01:12"), so that no spreadsheet
shifts them by a time zone; hours are 学时 with one decimal.
"""

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lms.certs.forms import STATUS_LABELS
from lms.core.time import local_datetime, local_span
from lms.subsidies.labels import (
    ENROLMENT_LABELS,
    RESULT_LABELS,
    day,
    hours,
    yes_no,
)
from lms.subsidies.lines import SubsidyPackage
from lms.training.forms import SCAN_LABELS

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


class _Sheets:
    """Adds sheets with a bold header row and set column widths."""

    def __init__(self, book: Workbook):
        self.book = book

    def add(self, title: str, headers: list[tuple[str, int]]):
        sheet = self.book.create_sheet(title)
        for index, (_header, width) in enumerate(headers):
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([self._bold(sheet, header) for header, _width in headers])
        return sheet

    @staticmethod
    def _bold(sheet, value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = BOLD
        return cell


def subsidy_workbook(package: SubsidyPackage) -> bytes:
    """The .xlsx of ``package``; its sheets in the order a reviewer reads them."""
    book = Workbook(write_only=True)
    sheets = _Sheets(book)
    _class_sheet(sheets, package)
    _roster_sheet(sheets, package)
    _hours_sheet(sheets, package)
    _study_sheet(sheets, package)
    _attendance_sheet(sheets, package)
    _assessment_sheet(sheets, package)
    _certificate_sheet(sheets, package)
    _notice_sheet(sheets, package)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _class_sheet(sheets: _Sheets, package: SubsidyPackage) -> None:
    facts = package.facts
    sheet = sheets.add(_("Class details"), [(_("Item"), 18), (_("Details"), 80)])
    fee = _("Subsidised (free for trainees)") if facts.is_subsidised else _("%(n)s yuan", n=facts.fee_yuan)
    rows = [
        (_("Class"), facts.name),
        (_("Institution"), facts.institution),
        (_("Programme"), f"{facts.programme} ({facts.programme_code})"),
        (_("Level"), facts.level_label),
        (_("Dates"), f"{day(facts.starts_on)} – {day(facts.ends_on)}"),
        (_("Venue"), facts.venue),
        (_("Places"), facts.capacity),
        (_("Fee"), fee),
        (_("Programme hours"), facts.programme_hours),
        (_("Planned online hours"), facts.online_hours),
        (_("Planned classroom hours"), facts.classroom_hours),
        (_("Theory exam"), day(facts.theory_exam_on)),
        (_("Practical assessment"), day(facts.practical_exam_on)),
    ]
    rows += [(_("Instructor"), f"{name} · {kind} {number}") for name, kind, number in facts.instructors]
    rows += [
        (_("Approved at"), local_datetime(facts.approved_at)),
        (_("Approved by"), facts.approved_by),
        (_("Commitment"), facts.commitment_text),
        (_("Committed by"), facts.committed_by),
        (_("Committed at"), local_datetime(facts.committed_at)),
        (_("Closed at"), local_datetime(facts.closed_at)),
    ]
    for label, value in rows:
        cell = WriteOnlyCell(sheet, value=value)
        cell.alignment = WRAP
        sheet.append([label, cell])


def _roster_sheet(sheets: _Sheets, package: SubsidyPackage) -> None:
    sheet = sheets.add(_("Trainee roster"), [(_("Name"), 12), (_("ID number"), 22), (_("Mobile"), 15), (_("Status"), 10)])
    for trainee in package.roster:
        sheet.append([trainee.name, trainee.id_masked, trainee.phone_masked,
                      str(ENROLMENT_LABELS.get(trainee.status, trainee.status))])


def _hours_sheet(sheets: _Sheets, package: SubsidyPackage) -> None:
    sheet = sheets.add(_("Hours summary"), [(_("Name"), 12), (_("ID number"), 22), (_("Online hours"), 12),
                                    (_("Classroom hours"), 12), (_("Earlier hours"), 12), (_("Total hours"), 12),
                                    (_("Share of the programme's hours"), 14), (_("Meets the threshold"), 12)])
    for line in package.hours:
        record = line.hours
        share = WriteOnlyCell(sheet, value=round(record.share, 3))
        share.number_format = "0.0%"
        sheet.append([line.name, line.id_masked, hours(record.online), hours(record.classroom), hours(record.prior),
                      hours(record.total), share, yes_no(record.is_met)])


def _study_sheet(sheets: _Sheets, package: SubsidyPackage) -> None:
    sheet = sheets.add(_("Online study records"), [(_("Name"), 12), (_("Course · lesson"), 44), (_("Started"), 20),
                                           (_("Last heartbeat"), 20), (_("Heartbeats"), 10),
                                           (_("Credited minutes"), 12)])
    for line in package.intervals:
        sheet.append([line.name, f"{line.course} · {line.lesson}", local_datetime(line.started_at, seconds=True),
                      local_datetime(line.last_beat_at, seconds=True), line.heartbeats, round(line.credited_seconds / 60, 1)])


def _attendance_sheet(sheets: _Sheets, package: SubsidyPackage) -> None:
    sheet = sheets.add(_("Attendance records"), [(_("Name"), 12), (_("Session"), 24), (_("Topic"), 28),
                                         (_("Sign-in or sign-out"), 10), (_("Time"), 20), (_("How"), 12),
                                         (_("Recorded by"), 12), (_("Reason"), 40)])
    for line in package.attendance:
        session = local_span(line.session_starts_at, line.session_ends_at)
        sheet.append([line.name, session, line.topic, str(SCAN_LABELS.get(line.kind, line.kind)), local_datetime(line.at, seconds=True),
                      _("Marked by hand") if line.is_manual else _("Scanned"), line.recorded_by, line.reason])


def _assessment_sheet(sheets: _Sheets, package: SubsidyPackage) -> None:
    sheet = sheets.add(_("Assessment results"), [(_("Name"), 12), (_("Theory score"), 12), (_("Theory passed"), 12),
                                         (_("Practical score"), 12), (_("Practical passed"), 12),
                                         (_("Assessment result"), 12)])
    for line in package.assessments:
        practical = None if line.practical_score_tenths is None else line.practical_score_tenths / 10
        result = line.result(package.theory_required, package.practical_required)
        sheet.append([line.name, line.theory_score, yes_no(line.theory_passed), practical,
                      yes_no(line.practical_passed), str(RESULT_LABELS[result])])


def _certificate_sheet(sheets: _Sheets, package: SubsidyPackage) -> None:
    sheet = sheets.add(_("Certificates"), [(_("Name"), 12), (_("Certificate number"), 26), (_("Issue date"), 12),
                                           (_("Status"), 16)])
    for line in package.certificates:
        sheet.append([line.name, line.number or "", day(line.issue_date),
                      str(STATUS_LABELS.get(line.status, line.status))])


def _notice_sheet(sheets: _Sheets, package: SubsidyPackage) -> None:
    sheet = sheets.add(_("Public notice list"), [(_("No."), 6), (_("Name"), 12), (_("ID number"), 22),
                                            (_("Programme"), 40), (_("Hours"), 8), (_("Assessment result"), 12),
                                            (_("Certificate number"), 26)])
    for line in package.notice:
        sheet.append([line.position, line.name, line.id_masked, line.programme, hours(line.total_minutes),
                      str(RESULT_LABELS[line.result]), line.certificate_number])
