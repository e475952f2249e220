"""``python -m payers.x12``: parse and summary print JSON; unreadable files exit 2 quietly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from payers.x12.__main__ import main

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "x12" / "271"
CORPUS = REPO.parent / "shared" / "x12-corpus"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out else {}), err


def test_parse_prints_the_decoded_271_with_envelope_and_warnings(capsys):
    status, data, err = _run(capsys, "parse", str(FIXTURES / "two_transactions.271"))
    assert (status, err) == (0, "")
    assert data["interchange"]["control_number"] == "000000112"
    assert data["delimiters"] == {"element": "*", "repetition": "^", "component": ":",
                                  "segment": "~"}
    (group,) = data["groups"]
    assert [t["control_number"] for t in group["transactions"]] == ["0001", "0002"]
    second = group["transactions"][1]["sources"][0]["children"][0]["children"][0]
    assert second["party"]["rejections"][0]["reason"] == "75"


def test_summary_prints_one_object_per_transaction(capsys):
    status, data, _ = _run(capsys, "summary", str(FIXTURES / "two_transactions.271"),
                           "--network", "out")
    assert status == 0
    assert data["network"] == "out"
    first, second = data["transactions"]
    assert first["out_of_network"]["coinsurance"] == "0.25"
    assert first["in_network"]["copay"] == "30.00"
    assert second["active"] is None
    assert second["rejections"][0]["code"] == "75"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"X12 corpus not found at {CORPUS}")
def test_parse_falls_back_to_segments_or_another_reader_for_other_sets(capsys):
    status, data, _ = _run(capsys, "parse", str(CORPUS / "mulesoft-x12-270" / "ack.edi"))
    assert status == 0
    (transaction,) = data["groups"][0]["transactions"]
    assert transaction["set_id"] == "997"
    assert transaction["segments"][0][:2] == ["ST", "997"]


def test_unreadable_file_exits_2_with_one_line_and_no_traceback(tmp_path: Path, capsys):
    broken = tmp_path / "broken.271"
    broken.write_text((FIXTURES / "mh_full_benefits.271").read_text()[:900])
    status, data, err = _run(capsys, "summary", str(broken))
    assert (status, data) == (2, {})
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "truncated" in err


def test_missing_file_exits_2(tmp_path: Path, capsys):
    status, _, err = _run(capsys, "parse", str(tmp_path / "absent.271"))
    assert status == 2 and "cannot read" in err


def test_module_runs_as_a_program():
    done = subprocess.run(
        [sys.executable, "-m", "payers.x12", "summary", str(FIXTURES / "mh_carve_out.271")],
        capture_output=True, text=True, cwd=REPO, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    carve_out = json.loads(done.stdout)["transactions"][0]["carve_out"]
    assert carve_out == {"name": "BRIGHTPATH BEHAVIORAL TEST", "payer_id": "BHO01",
                         "phone": "8005550199"}
