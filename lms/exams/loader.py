"""Loading content/questions/ banks and content/practical/ sheets for
`flask content import`."""

from dataclasses import dataclass, field
from pathlib import Path

from lms.exams.bank_files import read_yaml_bank
from lms.exams.bank_services import BankImportError, import_bank
from lms.exams.practical import import_sheets
from lms.extensions import db


@dataclass
class ExamContentReport:
    banks: dict[str, str] = field(default_factory=dict)  # code → "12 created, 0 changed, 48 unchanged"
    sheets: int = 0
    problems: list[str] = field(default_factory=list)


def import_exam_content(root: Path) -> ExamContentReport:
    """Import every bank under ``root/questions`` and every sheet under
    ``root/practical``. A bank with any problem is skipped whole (inside a
    savepoint) and its problems reported; the others are imported."""
    report = ExamContentReport()
    folder = root / "questions"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        bank_file = read_yaml_bank(path)
        try:
            with db.session.begin_nested():
                outcome = import_bank(bank_file)
        except BankImportError as error:
            report.problems.extend(error.problems)
            continue
        report.banks[bank_file.code] = (f"{outcome.created} created, {outcome.updated} changed, "
                                        f"{outcome.unchanged} unchanged")
    report.sheets, sheet_problems = import_sheets(root / "practical")
    report.problems.extend(sheet_problems)
    return report
