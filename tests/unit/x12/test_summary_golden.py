"""Golden files: the summary of each synthetic 271 equals its checked-in expected JSON.

Regenerate deliberately (after reviewing the diff) with X12_REGENERATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from payers.x12.__main__ import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12"
CASES = sorted((FIXTURES / "271").glob("*.271"))


def _summaries(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    result = {}
    for network in ("in", "out"):
        assert main(["summary", str(path), "--network", network]) == 0
        result[network] = json.loads(capsys.readouterr().out)
    return result


def test_there_is_a_golden_file_for_every_synthetic_271():
    assert len(CASES) >= 12
    expected = {p.stem for p in (FIXTURES / "summary").glob("*.json")}
    assert expected == {p.stem for p in CASES}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_summary_of_each_synthetic_271_equals_its_golden_file(
    path: Path, capsys: pytest.CaptureFixture[str]
):
    actual = _summaries(path, capsys)
    golden = FIXTURES / "summary" / f"{path.stem}.json"
    if os.environ.get("X12_REGENERATE_GOLDEN") == "1":
        golden.write_text(json.dumps(actual, indent=2) + "\n")
    assert actual == json.loads(golden.read_text())
