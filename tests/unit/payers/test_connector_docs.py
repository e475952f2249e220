"""Every complete directory example in docs/connectors.md loads as the directory would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from payers.directory import parse_directory

DOC = Path(__file__).resolve().parents[3] / "docs" / "connectors.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_page_shows_an_entry_for_each_connector() -> None:
    adapters = {entry["adapter"] for block in BLOCKS
                for entry in yaml.safe_load(_document(block))["payers"]}

    assert adapters == {"stedi", "core-soap", "availity", "claimmd", "core-mime"}


@pytest.mark.parametrize("block", [b for b in BLOCKS if "<" not in b])
def test_each_example_is_a_valid_directory(block: str) -> None:
    entries = parse_directory(yaml.safe_load(_document(block)), source="connectors.md")

    assert entries and all(e.url and e.url.startswith("https://") for e in entries.values())


def _document(block: str) -> str:
    return block if block.startswith("payers:") else "payers:\n" + block
