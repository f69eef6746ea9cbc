"""``flask audit verify``: check the audit log's hash chain."""

import click
from flask.cli import AppGroup

from lms.core.audit import verify_chain

audit_cli = AppGroup("audit", help="Audit log commands.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Walk the audit log and report the first entry that breaks the chain."""
    report = verify_chain()
    if report.ok:
        click.echo(f"audit log intact: {report.checked} entries checked")
        return
    click.echo(
        f"audit log BROKEN at entry {report.broken_id}: {report.reason} "
        f"({report.checked} entries read)", err=True,
    )
    raise SystemExit(1)
