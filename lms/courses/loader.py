"""Loading course folders from content/courses/."""

from dataclasses import dataclass, field
from pathlib import Path

from lms.courses.content import CourseProblems, read_course
from lms.courses.services import import_course
from lms.extensions import db


@dataclass
class CourseImportReport:
    outcomes: dict[str, str] = field(default_factory=dict)  # slug → created/updated/unchanged
    problems: list[str] = field(default_factory=list)  # "path:line: what is wrong"


def import_course_folders(root: Path) -> CourseImportReport:
    """Import every course folder under ``root``. A course with any problem is
    skipped whole (inside a savepoint), and its problems are reported; the
    other courses are imported."""
    report = CourseImportReport()
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        try:
            spec = read_course(folder)
        except CourseProblems as error:
            report.problems.extend(str(problem) for problem in error.problems)
            continue
        with db.session.begin_nested():
            report.outcomes[spec.slug] = import_course(spec)
    return report
