"""The examples of docs/payers.md work: its CSV imports and its directory loads over it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from payers.catalog_import import from_csv
from payers.directory import parse_directory

TEXT = (Path(__file__).resolve().parents[3] / "docs" / "payers.md").read_text(encoding="utf-8")


def test_the_documented_directory_loads_over_the_documented_csv() -> None:
    [csv_block] = re.findall(r"```csv\n(.*?)```", TEXT, re.S)
    [yaml_block] = re.findall(r"```yaml\n(.*?)```", TEXT, re.S)
    catalog = {payer.id: payer for payer in from_csv(csv_block).payers}

    entries = parse_directory(yaml.safe_load(yaml_block), source="payers.md", catalog=catalog)

    assert {route: e.payer_id for route, e in entries.items()} == {
        "tidewater-stedi": "TIDE01", "tidewater-claimmd": "TDW99",
        "harbor-availity": "HARBOR", "harbor-stedi-core": "HRB77"}
    assert entries["tidewater-stedi"].fallback == "tidewater-claimmd"
    assert entries["harbor-availity"].fallback == "harbor-stedi-core"
