"""The class roster as an Excel workbook (.xlsx): the template staff fill in,
reading an upload into plain rows, and the export of a class's roster.

The columns, the example row and the notes come from content/training/roster.yaml,
so that the template and the import always agree. An upload is checked for
what it is before openpyxl sees it (an .xlsx is a zip with the workbook parts;
a renamed .xls or .csv is refused with a message, never a server error), and
it is read with ``data_only=False``: a formula is refused, never evaluated.
"""

import unicodedata
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import IO

import yaml
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lms.core.content import content_dir
from lms.core.masking import mask_phone
from lms.core.time import as_local
from lms.training.models import ClassEnrolment, EnrolmentStatus

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000  # data rows; DESIGN §6 times an import of this many
# Empty rows are skipped, but a sheet formatted down to row 1,048,576 would
# still be walked row by row: past this line the file is refused instead.
LAST_ROW_READ = MAX_ROWS + 20_000
# A zip of a few megabytes can unpack to gigabytes; a real roster of 5,000
# rows unpacks to about 1 MB.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx saved with a password
TEXT_COLUMNS = ("id_number", "phone")  # typed as text in the template: Excel keeps 15 digits of a number


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    note: str


@dataclass(frozen=True)
class RosterSpec:
    """content/training/roster.yaml, read."""

    sheet: str
    columns: tuple[Column, ...]
    example: tuple[str, ...]
    notes_sheet: str
    notes_header: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


@dataclass(frozen=True)
class RosterRow:
    """One filled row of an upload, values as text; ``row`` is Excel's row
    number. A value is None when its cell was refused (a ``Problem`` says why)."""

    row: int
    name: str | None
    id_number: str | None
    phone: str | None
    county: str | None


@dataclass(frozen=True)
class Problem:
    """Why an upload is refused: about one row (Excel's number), or the whole
    file (None); ``column`` (0-based, when known) orders a row's problems."""

    row: int | None
    message: str
    column: int = -1


class RosterFileError(ValueError):
    """The upload cannot be read as a roster; ``problems`` says why, by row."""

    def __init__(self, problems: list[Problem]):
        super().__init__("roster file refused")
        self.problems = problems


def roster_spec() -> RosterSpec:
    """The roster's columns and notes (content/training/roster.yaml)."""
    return _read_spec(content_dir() / "training" / "roster.yaml")


@lru_cache(maxsize=4)
def _read_spec(path: Path) -> RosterSpec:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    columns = tuple(Column(c["key"], c["header"], int(c.get("width", 15)), c.get("note", ""))
                    for c in data["columns"])
    if [c.key for c in columns] != ["name", "id_number", "phone", "county"]:
        raise ValueError(f"{path}: the columns must be name, id_number, phone, county in this order")
    return RosterSpec(sheet=data["sheet"], columns=columns, example=tuple(str(v) for v in data["example"]),
                      notes_sheet=data["notes_sheet"],
                      notes_header=tuple(data["notes_header"]), notes=tuple(data.get("notes", ())))


def _header_key(text: str) -> str:
    # Full-width and half-width brackets, stray spaces: the same header.
    return "".join(unicodedata.normalize("NFKC", text).split())


def template_workbook() -> bytes:
    """The roster template: the header, one example row, and a notes sheet
    that explains each column (in the language of content/, Chinese)."""
    spec = roster_spec()
    book = Workbook()
    sheet = book.active
    sheet.title = spec.sheet
    sheet.append(spec.headers)
    sheet.append(list(spec.example))
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.cell(row=1, column=index).fill = PatternFill("solid", fgColor="DDEBF7")
        if column.key in TEXT_COLUMNS:
            # Text format for the whole column, so that a typed or pasted
            # number keeps all 18 digits.
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(spec.notes_sheet)
    notes.append(list(spec.notes_header))
    for column in spec.columns:
        notes.append([column.header, column.note])
    notes.append([])
    for number, line in enumerate(spec.notes, start=1):
        notes.append([number, line.format(max_rows=MAX_ROWS, max_mb=MAX_FILE_BYTES // (1024 * 1024))])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 90
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in notes[1]:
        cell.font = Font(bold=True)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class RosterUpload:
    """An upload read: its filled rows, and what was refused cell by cell
    (formulas, ID numbers Excel stored as numbers)."""

    rows: list[RosterRow]
    problems: list[Problem]


def read_upload(stream: IO[bytes]) -> bytes:
    """The uploaded bytes, refused past MAX_FILE_BYTES without reading the rest."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise RosterFileError([Problem(None, _("The file is larger than %(mb)s MB: split the roster into "
                                               "several files.", mb=MAX_FILE_BYTES // (1024 * 1024)))])
    return data


def _refuse_unless_xlsx(data: bytes) -> None:
    if data.startswith(OLE_MAGIC):
        raise RosterFileError([Problem(None, _(
            "This is an old Excel 97–2003 workbook (.xls) or a workbook with a password. In Excel, "
            "remove any password and use “Save as” → “Excel Workbook (*.xlsx)”, then upload that file."))])
    not_xlsx = RosterFileError([Problem(None, _(
        "The file is not an Excel workbook (.xlsx). CSV, .xls, WPS and other files are not read: open it "
        "in Excel, use “Save as” → “Excel Workbook (*.xlsx)”, then upload that file."))])
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_xlsx from None
    if not all(part in names for part in XLSX_PARTS):
        raise not_xlsx
    if unpacked > MAX_UNPACKED_BYTES:
        raise RosterFileError([Problem(None, _("The workbook is too large once unpacked: keep only the "
                                               "roster sheet and upload it again."))])


def read_roster(data: bytes) -> RosterUpload:
    """Read the first sheet of an .xlsx upload into rows (empty rows skipped).

    Raises ``RosterFileError`` when the file is not an .xlsx workbook, its
    header is not the template's, it has no rows or more than MAX_ROWS."""
    _refuse_unless_xlsx(data)
    spec = roster_spec()
    try:
        # data_only=False: a formula stays a formula (refused below), never evaluated.
        book = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises whatever its parser meets in a damaged file
        raise _damaged() from None
    try:
        return _read_rows(book.worksheets[0], spec)
    except RosterFileError:
        raise
    except Exception:  # a damaged sheet shows only while its rows are read
        raise _damaged() from None
    finally:
        book.close()


def _damaged() -> RosterFileError:
    return RosterFileError([Problem(None, _("The workbook cannot be read: it may be damaged. Save it again "
                                            "in Excel and upload the new file."))])


def _read_rows(sheet, spec: RosterSpec) -> RosterUpload:
    # Some writers record a wrong sheet size (e.g. "A1"); read what is there.
    sheet.reset_dimensions()
    width = len(spec.columns)
    header: list[str] | None = None
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    for number, cells in enumerate(sheet.iter_rows(min_row=1, max_col=width), start=1):
        if number > LAST_ROW_READ:
            raise RosterFileError([Problem(None, _(
                "The sheet goes on past row %(n)s: delete the empty rows below the roster and upload it "
                "again.", n=LAST_ROW_READ))])
        if all(cell.value is None or str(cell.value).strip() == "" for cell in cells):
            continue
        if header is None:
            header = [_header_key(str(cell.value or "")) for cell in cells]
            if header != [_header_key(h) for h in spec.headers]:
                raise RosterFileError([Problem(number, _(
                    "The first row must be the template's header: %(columns)s. Download the template and "
                    "copy the roster into it.", columns=" | ".join(spec.headers)))])
            continue
        if len(rows) == MAX_ROWS:
            raise RosterFileError([Problem(None, _("The file has more than %(n)s trainees: split it into "
                                                   "several files.", n=MAX_ROWS))])
        values = {}
        for index, (column, cell) in enumerate(zip(spec.columns, cells, strict=True)):
            values[column.key], problem = _cell_text(cell, column)
            if problem:
                problems.append(Problem(number, problem, index))
        rows.append(RosterRow(row=number, **values))
    if header is None:
        raise RosterFileError([Problem(None, _("The file is empty: fill in the template and upload it."))])
    if not rows:
        raise RosterFileError([Problem(None, _("The file has the header but no trainees."))])
    return RosterUpload(rows=rows, problems=problems)


def _cell_text(cell, column: Column) -> tuple[str | None, str | None]:
    """The cell as text, or None and why it is refused."""
    value = cell.value
    if value is None:
        return "", None
    if cell.data_type == "f":
        return None, _("Cell %(cell)s (%(column)s) holds a formula: type the value itself.",
                     cell=cell.coordinate, column=column.header)
    if isinstance(value, float) and column.key == "id_number":
        # Excel keeps 15 significant digits: an 18-digit number typed into a
        # number cell has already lost its last digits.
        return None, _("Cell %(cell)s (%(column)s) is stored as a number, which loses digits: format the "
                     "column as text and type the number again.", cell=cell.coordinate, column=column.header)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a mobile number typed into a number cell
    return str(value).strip(), None


def roster_workbook(rows: list[ClassEnrolment]) -> bytes:
    """A class's roster as .xlsx, in the page's order: names, masked ID and
    mobile numbers, place or waiting list, and when the place was given
    (the service's local time)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Roster"))
    sheet.append([_("Name"), _("ID number"), _("Mobile"), _("Status"), _("Enrolled at")])
    for row in rows:
        enrolled_at = as_local(row.enrolled_at)
        sheet.append([row.person.name, row.person.id_number_masked, mask_phone(row.person.phone),
                      _("Place") if row.status == EnrolmentStatus.ENROLLED else _("Waiting list"),
                      enrolled_at.strftime("%Y-%m-%d %H:%M") if enrolled_at else ""])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
