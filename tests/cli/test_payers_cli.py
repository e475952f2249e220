"""`flask payers import` merges a Stedi payer list and our CSV into the catalog file, which
the next start of the app reads."""

from __future__ import annotations

from pathlib import Path

from payers.catalog import load_catalog
from service import create_app
from tests.cli.test_cli import flask, last_line
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "payers"


def test_importing_a_csv_then_a_stedi_list_fills_the_catalog(db_url: str, tmp_path: Path):
    catalog = tmp_path / "catalog.json"

    csv = flask("payers", "import", str(FIXTURES / "payer_list.csv"), "--format", "csv",
                "--catalog", str(catalog), db=db_url)
    stedi = flask("payers", "import", str(FIXTURES / "stedi_payer_list.json"),
                  "--format", "stedi", "--catalog", str(catalog), db=db_url)

    assert last_line(csv) == f"2 added, 0 updated, 0 skipped (no eligibility checks); " \
                             f"2 payers in {catalog}"
    assert last_line(stedi).startswith("2 added, 1 updated, 1 skipped")
    assert load_catalog(catalog)["tidewater"].aliases == {"stedi": "TIDE01", "claimmd": "TDW99"}


def test_a_list_in_the_wrong_format_is_refused_and_nothing_is_written(db_url: str,
                                                                         tmp_path: Path):
    catalog = tmp_path / "catalog.json"

    result = flask("payers", "import", str(FIXTURES / "payer_list.csv"), "--format", "stedi",
                   "--catalog", str(catalog), db=db_url, check=False)

    assert result.returncode != 0 and "is not valid JSON" in result.stderr
    assert not catalog.exists()


def test_routes_may_name_imported_payers_once_the_app_restarts(db_url: str, tmp_path: Path):
    catalog = tmp_path / "catalog.json"
    flask("payers", "import", str(FIXTURES / "payer_list.csv"), "--format", "csv",
          "--catalog", str(catalog), db=db_url)
    directory = tmp_path / "payers.yaml"
    directory.write_text("payers:\n  - {id: harbor-av, payer: harbor, adapter: claimmd, "
                         "clearinghouse: availity, api_key: k, url: https://cm.example/e}\n")

    app = create_app({"database_url": db_url, "payers_file": directory,
                      "payer_catalog_file": catalog})
    try:
        registry = app.extensions["coverwatch"].payers
        assert registry.entry("harbor").payer_id == "HARBOR"
        assert [p.name for p in registry.payers()] == ["Harbor Lights Behavioral Test"]
    finally:
        app.extensions["coverwatch"].dispose()
