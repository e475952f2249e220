"""Golden files: the summary of each synthetic 271, and of each public corpus 271, equals its
checked-in expected JSON.

Regenerate deliberately (after reviewing the diff) with X12_REGENERATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from payers.x12 import X12Error, read_interchange
from payers.x12.__main__ import main
from payers.x12.summary import summarize
from payers.x12.x271 import read_271

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


CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "x12-corpus"
CORPUS_GOLDEN = FIXTURES / "corpus_summaries.json"


def _corpus_summaries(path: Path) -> list[dict[str, object]]:
    """Both networks' summaries of every patient of every 271 in a corpus file."""
    found = []
    for transaction in read_interchange(path.read_bytes()).transactions:
        if transaction.set_id != "271":
            continue
        response = read_271(transaction)
        for patient in response.patients() or [None]:
            found.append({network: summarize(response, patient=patient,
                                             network=network).to_json_dict()
                          for network in ("in", "out")})
    return found


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"X12 corpus not found at {CORPUS}")
def test_summaries_of_every_public_corpus_271_equal_the_pinned_ones():
    actual = {}
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md"):
        try:
            found = _corpus_summaries(path)
        except X12Error:
            continue  # refused or unreadable files are the reader tests' business
        if found:
            actual[path.relative_to(CORPUS).as_posix()] = found
    if os.environ.get("X12_REGENERATE_GOLDEN") == "1":
        CORPUS_GOLDEN.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    pinned = json.loads(CORPUS_GOLDEN.read_text())
    assert actual.keys() == pinned.keys()
    for name, summaries in actual.items():
        assert summaries == pinned[name], name
