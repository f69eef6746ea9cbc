"""``flask users create-admin``: the first administrator accounts."""

import click
from flask.cli import AppGroup

from lms.auth import services
from lms.core.access import ADMIN_DUTIES
from lms.extensions import db

users_cli = AppGroup("users", help="Account commands.")


@users_cli.command("create-admin")
@click.argument("username")
@click.option("--duty", type=click.Choice(sorted(ADMIN_DUTIES)), default="system_admin",
              show_default=True, help="The one admin duty this account holds (三员分立).")
@click.option("--name", "display_name", default="", help="Full name shown in the UI.")
@click.password_option(help="Password (asked for when not given).")
def create_admin(username: str, duty: str, display_name: str, password: str) -> None:
    """Create an administrator account holding one admin duty.

    The account must set up its second factor at first sign-in.
    """
    try:
        user = services.create_user(username=username, display_name=display_name or username,
                                    password=password)
        services.assign_role(user, duty, by=None)
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"created {user.username} ({duty}); a second factor is set up at first sign-in")
