"""``flask regions import``: load the region tree from content/regions.yaml."""

from pathlib import Path

import click
import yaml
from flask.cli import AppGroup

from lms.core.content import content_dir
from lms.extensions import db
from lms.regions.services import RegionFileError, import_regions

regions_cli = AppGroup("regions", help="Region tree commands.")


@regions_cli.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path | None) -> None:
    """Create or update regions from PATH (default: content/regions.yaml)."""
    path = path or content_dir() / "regions.yaml"
    try:
        summary = import_regions(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (RegionFileError, yaml.YAMLError) as error:
        db.session.rollback()
        raise click.ClickException(f"{path}: {error}") from None
    db.session.commit()
    click.echo(f"regions: {summary.created} created, {summary.updated} updated ({path.name})")
