"""`flask certs …`: offline verification, key publication, a sample print."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from lms.certs import signing
from lms.certs.qr import parse_verification_text

certs_cli = AppGroup("certs", help="Certificates: verify scanned QR texts, show the public key, print samples.")


@certs_cli.command("verify")
@click.argument("text")
@click.option("--public-key", "key_file", type=click.Path(exists=True, dir_okay=False),
              help="PEM public key (default: this installation's key).")
def verify_command(text: str, key_file: str | None) -> None:
    """Check a scanned QR text offline: is its signature genuine for its number?

    Needs no database: only the public key. Exit 0 when genuine, 1 otherwise.
    Whether the certificate was since revoked is only known online.
    """
    try:
        number, signature = parse_verification_text(text)
    except ValueError as error:
        click.echo(f"NOT VALID: {error}")
        sys.exit(1)
    key = signing.load_public_key(Path(key_file).read_bytes()) if key_file else signing.public_key()
    if signing.verify_number(number, signature, key):
        click.echo(f"GENUINE: certificate number {number} was signed by key {signing.key_id(key)}")
        return
    click.echo(f"NOT VALID: the signature does not match certificate number {number}")
    sys.exit(1)


@certs_cli.command("public-key")
def public_key_command() -> None:
    """Print the public key that verifies certificates (PEM)."""
    click.echo(signing.public_key_pem(), nl=False)


@certs_cli.command("sample")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def sample_command(target: str) -> None:
    """Print one made-up certificate of each kind into TARGET (a PDF), to check
    the templates after a change to content/certs/. Needs no database."""
    from lms.certs.documents import render_data, sample_data

    render_data(sample_data(), target=target)
    click.echo(f"wrote {target}")
