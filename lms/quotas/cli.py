"""`flask quotas …`: recount the dashboard's kept counts."""

import click
from flask.cli import AppGroup

from lms.extensions import db
from lms.quotas import exam_rollups, learners, rollups
from lms.quotas.queries import plan_by_code

quotas_cli = AppGroup("quotas", help="Quota dashboard: rebuild its kept counts from the certificates, exam attempts and enrolments.")


@quotas_cli.command("rebuild")
@click.option("--plan", "code", help="Only this plan (its code); default: every plan.")
def rebuild_command(code: str | None) -> None:
    """Recount the rollups from the raw certificate, exam attempt and enrolment rows, in one transaction.

    Needed after certificates were written around the certificate services
    (a bulk load, a hand-made SQL fix); harmless at any time: concurrent
    certificate writes wait for it and then add their changes on top.
    """
    plan = None
    if code:
        plan = plan_by_code(code)
        if plan is None:
            raise click.UsageError(f"no plan with code {code!r}")
    report = rollups.rebuild(plan)
    attempts = exam_rollups.rebuild()
    in_training = learners.rebuild()
    db.session.commit()
    if not report.plans:
        click.echo("no plans: nothing to count")
    for plan_code, (rows, certificates, persons) in report.plans.items():
        click.echo(f"{plan_code}: {certificates} certificates, {persons} persons, {rows} rows")
    click.echo(f"exam results: {attempts} closed attempts")
    click.echo(f"in training: {in_training} people (counted once per category)")
