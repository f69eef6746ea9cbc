"""``flask competitions …``: check the marking schemes in content/."""

import click
from flask.cli import AppGroup

from lms.competitions.schemes import load_schemes

competitions_cli = AppGroup("competitions", help="Skill competitions.")


@competitions_cli.command("check-schemes")
def check_schemes() -> None:
    """Read every station scheme in content/competitions/stations and list
    every problem as path:line: what is wrong (exit 1 when any)."""
    schemes, problems = load_schemes()
    for scheme in schemes:
        click.echo(f"{scheme.code}: {scheme.title} ({len(scheme.aspects)} aspects, {scheme.minutes} min)")
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
