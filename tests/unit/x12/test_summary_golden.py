"""Golden files: the summary of each synthetic 271, and of each public corpus 271, equals its
checked-in expected JSON.

Regenerate deliberately (after reviewing the diff) with X12_REGENERATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from payers.x12 import X12Error, read_interchange
from payers.x12.__main__ import main
from payers.x12.summary import summarize
from payers.x12.x271 import read_271

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12"
CASES = sorted((FIXTURES / "271").glob("*.271"))
# The facts read since issue 21 (tiers, coverage levels, telehealth, the provider's network,
# other payers, whether mental health is reported) have golden files of their own: the
# figures' goldens, written before, stay byte for byte what they were, and a change to a
# figure cannot hide among added keys.
FACT_KEYS = ("telehealth", "provider_network", "other_coverage", "mh_benefits_reported")
LEVEL_KEYS = ("level", "family")


def split(summary: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A summary's JSON as (the figures as before issue 21, the facts added since)."""
    figures = dict(summary)
    facts: dict[str, Any] = {key: figures.pop(key) for key in FACT_KEYS}
    for network in ("in_network", "out_of_network"):
        share = figures[network] = dict(figures[network])
        facts[network] = {"tiers": share.pop("tiers")}
        for key in ("deductible", "out_of_pocket"):
            amounts = share[key] = dict(share[key])
            facts[network][key] = {level: amounts.pop(level) for level in LEVEL_KEYS}
    return figures, facts


def _summaries(path: Path, capsys: pytest.CaptureFixture[str]
               ) -> tuple[dict[str, Any], dict[str, Any]]:
    figures, facts = {}, {}
    for network in ("in", "out"):
        assert main(["summary", str(path), "--network", network]) == 0
        printed = json.loads(capsys.readouterr().out)
        pairs = [split(t) for t in printed["transactions"]]
        figures[network] = {**printed, "transactions": [f for f, _ in pairs]}
        facts[network] = [f for _, f in pairs]
    return figures, facts


def _golden(path: Path, actual: dict[str, Any]) -> Any:
    if os.environ.get("X12_REGENERATE_GOLDEN") == "1":
        path.write_text(json.dumps(actual, indent=2) + "\n")
    return json.loads(path.read_text())


def test_there_are_golden_files_for_every_synthetic_271():
    assert len(CASES) >= 18
    for folder in ("summary", "summary_facts"):
        expected = {p.stem for p in (FIXTURES / folder).glob("*.json")}
        assert expected == {p.stem for p in CASES}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_summary_of_each_synthetic_271_equals_its_golden_files(
    path: Path, capsys: pytest.CaptureFixture[str]
):
    figures, facts = _summaries(path, capsys)
    assert figures == _golden(FIXTURES / "summary" / f"{path.stem}.json", figures)
    assert facts == _golden(FIXTURES / "summary_facts" / f"{path.stem}.json", facts)


CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "x12-corpus"
CORPUS_GOLDEN = FIXTURES / "corpus_summaries.json"


def _corpus_summaries(path: Path) -> list[dict[str, object]]:
    """Both networks' summaries (the figures pinned before issue 21) of every patient of
    every 271 in a corpus file."""
    found = []
    for transaction in read_interchange(path.read_bytes()).transactions:
        if transaction.set_id != "271":
            continue
        response = read_271(transaction)
        for patient in response.patients() or [None]:
            found.append({network: split(summarize(response, patient=patient,
                                                   network=network).to_json_dict())[0]
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
