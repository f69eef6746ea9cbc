"""``flask content import``: load everything in content/ in dependency order.

Each feature owns the loader for its files; this command only calls them, in
one transaction, so that a bad file leaves the database as it was.
"""

from pathlib import Path

import click
import yaml
from flask.cli import AppGroup

from lms.core.content import content_dir
from lms.courses.loader import import_course_folders
from lms.exams.loader import import_exam_content
from lms.extensions import db
from lms.quotas.services import QuotaFileError, import_plans
from lms.regions.services import RegionFileError, import_regions
from lms.training.services.programmes import ProgrammeFileError, import_programmes

content_cli = AppGroup("content", help="Load content/ into the database.")


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@content_cli.command("import")
def import_command() -> None:
    """Load regions, programmes, quota plans, courses, question banks and
    practical sheets (idempotent: a second run changes
    nothing). A course with a problem is skipped whole and reported as
    path:line: problem; the command then exits with status 1."""
    root = content_dir()
    try:
        regions = import_regions(_yaml(root / "regions.yaml"))
        programmes = import_programmes(_yaml(root / "programs.yaml"))
        plans = import_plans(_yaml(root / "quotas.yaml"))
    except (RegionFileError, ProgrammeFileError, QuotaFileError, yaml.YAMLError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    courses = import_course_folders(root / "courses")
    exams = import_exam_content(root)
    db.session.commit()
    click.echo(f"regions: {regions.created} created, {regions.updated} updated")
    click.echo(f"programmes: {programmes[0]} created, {programmes[1]} updated")
    click.echo(f"quota plans: {plans[0]} created; {plans[1]} unit targets split from province figures")
    for slug, outcome in sorted(courses.outcomes.items()):
        click.echo(f"course {slug}: {outcome}")
    for code, outcome in sorted(exams.banks.items()):
        click.echo(f"question bank {code}: {outcome}")
    click.echo(f"practical sheets: {exams.sheets} written")
    for problem in courses.problems + exams.problems:
        click.echo(problem, err=True)
    if courses.problems or exams.problems:
        raise SystemExit(1)
