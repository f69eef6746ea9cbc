"""`flask exams …`: import and export question banks, close attempts past
their deadline (run it every minute from cron or a systemd timer)."""

from pathlib import Path

import click
from flask.cli import AppGroup

from lms.exams import bank_services
from lms.exams.attempts import close_expired_attempts
from lms.exams.bank_files import export_form, read_moodle_bank, read_yaml_bank
from lms.exams.formats.gift import to_gift
from lms.exams.formats.moodle_xml import to_moodle_xml
from lms.exams.queries import questions_stmt
from lms.extensions import db

exams_cli = AppGroup("exams", help="Question banks and exam housekeeping.")


@exams_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", help="Bank code for GIFT / Moodle XML (default: the file name).")
@click.option("--audience", default="caregiver", show_default=True)
@click.option("--area", default="basic_care", show_default=True, help="Area where the file gives none.")
@click.option("--level", type=int, default=None)
def import_command(file: Path, bank: str | None, audience: str, area: str, level: int | None) -> None:
    """Import a bank: CareLMS YAML, Moodle GIFT (.gift/.txt) or Moodle XML (.xml).
    A file with any problem imports nothing; each problem is printed as file:line."""
    if file.suffix in (".yaml", ".yml"):
        bank_file = read_yaml_bank(file)
    else:
        code = bank or file.stem
        bank_file = read_moodle_bank(file.name, file.read_bytes(), code=code, title=code, audience=audience,
                                     area=area, level=level, difficulty=2, code_prefix=code.upper()[:20])
    for line in bank_file.skipped:
        click.echo(f"left out: {line}")
    try:
        report = bank_services.import_bank(bank_file)
    except bank_services.BankImportError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"{bank_file.code}: {report.created} created, {report.updated} changed, "
               f"{report.unchanged} unchanged")


@exams_cli.command("export")
@click.argument("bank")
@click.option("--format", "fmt", type=click.Choice(["gift", "xml"]), default="gift", show_default=True)
def export_command(bank: str, fmt: str) -> None:
    """Print a bank as Moodle GIFT or Moodle XML."""
    questions = db.session.scalars(questions_stmt(bank=bank)).all()
    parsed = export_form(questions)
    click.echo(to_moodle_xml(parsed) if fmt == "xml" else to_gift(parsed))


@exams_cli.command("close-expired")
def close_expired_command() -> None:
    """Close every open attempt past its deadline with the answers saved so far."""
    closed = close_expired_attempts()
    db.session.commit()
    click.echo(f"{closed} attempts closed")
