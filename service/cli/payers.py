"""Flask commands for the payer catalog: `flask payers import FILE --format stedi|csv`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from payers.catalog_import import FORMATS, import_file
from payers.directory_fields import DirectoryError
from service.wiring import current_wiring

payers = AppGroup("payers", help="The payer catalog: payers and their ids at clearinghouses.")


@payers.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="stedi: a Stedi payer list (JSON); csv: the CSV of docs/payers.md")
@click.option("--catalog", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The catalog file to merge into (default: COVERWATCH_PAYER_CATALOG, or "
                   "payers-catalog.json beside the directory file)")
def import_payers(source: Path, fmt: str, catalog: Path | None) -> None:
    """Merge a clearinghouse's payer list into the catalog; restart to use it."""
    target = catalog or current_wiring().config.catalog_file
    try:
        report = import_file(source, fmt=fmt, catalog_file=target)
    except DirectoryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{report.added} added, {report.updated} updated, {report.skipped} skipped "
               f"(no eligibility checks); {report.total} payers in {target}")


def register(app: Any) -> None:
    app.cli.add_command(payers)
