"""999/997 and TA1 readers: accepted, partially accepted or rejected, and why."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from payers.x12 import read_interchange
from payers.x12.ack import read_999, read_999_text, read_ta1, read_ta1_text
from payers.x12.errors import X12Error, X12StructureError
from tests.unit.x12_write.samples import FIXTURES

ACKS = FIXTURES / "ack"


def _text(name: str) -> str:
    return (ACKS / name).read_text()


def test_an_accepted_999_reports_the_group_and_the_set_as_accepted() -> None:
    (ack,) = read_999_text(_text("999_accepted.x12"))
    assert (ack.kind, ack.outcome, ack.status.code) == ("999", "accepted", "A")
    assert (ack.functional_id, ack.group_control_number, ack.version) == (
        "HS", "201", "005010X279A1")
    assert (ack.included, ack.received, ack.accepted_count) == (1, 1, 1)
    (only,) = ack.sets
    assert (only.set_id, only.control_number, only.accepted) == ("270", "0001", True)
    assert ack.explanation == ("Functional group: Accepted.", "Transaction 270 0001: Accepted.")


def test_a_rejected_999_explains_segment_and_element_without_quoting_the_bad_value() -> None:
    (ack,) = read_999_text(_text("999_rejected.x12"))
    assert (ack.outcome, ack.status.description) == ("rejected", "Rejected")
    (only,) = ack.sets
    assert not only.accepted
    assert [(e.code, e.description) for e in only.errors] == [
        ("5", "One or more segments in error")]
    (segment,) = only.segments
    assert (segment.segment_id, segment.position, segment.loop) == ("NM1", 8, "2100C")
    assert segment.error is not None and segment.error.code == "8"
    (element,) = segment.elements
    assert (element.position, element.reference_number, element.error.code) == (9, "67", "6")
    assert element.error.description == "Invalid character in data element"
    assert element.bad_value == "ZZT00000#"
    assert "  Segment NM1 at position 8 in loop 2100C: Segment has data element errors." in (
        ack.explanation)
    assert "    Element NM109: Invalid character in data element." in ack.explanation
    assert all("ZZT00000#" not in line for line in ack.explanation)


def test_a_partially_accepted_999_separates_the_accepted_and_the_rejected_set() -> None:
    (ack,) = read_999_text(_text("999_partial.x12"))
    assert ack.outcome == "partially_accepted" and ack.accepted_count == 1
    accepted, rejected = ack.sets
    assert accepted.accepted and not rejected.accepted
    assert [e.code for e in rejected.errors] == ["5", "I5"]
    eq, dtp = rejected.segments
    assert (eq.elements[0].position, eq.elements[0].component, eq.elements[0].repetition) == (
        1, 0, 2)
    assert dtp.elements[0].error.description == "Invalid date"
    assert dtp.elements[0].bad_value is None


def test_acknowledgments_are_plain_dataclasses_and_have_a_json_form() -> None:
    (ack,) = read_999_text(_text("999_partial.x12"))
    assert dataclasses.asdict(ack)["sets"][1]["segments"][0]["segment_id"] == "EQ"
    plain = ack.to_json_dict()
    assert json.loads(json.dumps(plain)) == plain
    (ta1,) = read_ta1_text(_text("ta1_rejected.x12"))
    assert ta1.to_json_dict()["date"] == "2026-03-02"


@pytest.mark.parametrize(("find", "replace", "message"), [
    ("AK1*HS*201*005010X279A1~\n", "", "AK1 must follow ST"),
    ("IK5*R*5~", "IK5*Q*5~", "IK501"),
    ("IK5*R*5~\n", "", "IK5 must close each AK2"),
    ("AK9*R*1*1*0~\n", "", "AK9 must close"),
    ("IK3*NM1*8*2100C*8~\nCTX*SITUATIONAL TRIGGER*NM1*8*2100C*9~\n", "", "must follow"),
    ("AK2*270*0001*005010X279A1~", "AK2*270*0001*005010X279A1*X*Y~", "at most AK203"),
    ("AK1*HS*", "AK1*HS   *", "AK101"),
    ("AK9*R*1*1*0", "AK9*R*ONE*1*0", "AK902"),
])
def test_a_malformed_999_is_refused_with_a_typed_error(find: str, replace: str,
                                                        message: str) -> None:
    text = _text("999_rejected.x12")
    assert find in text
    broken = text.replace(find, replace)
    with pytest.raises(X12Error, match=message):
        read_999_text(broken)


def test_read_999_refuses_a_transaction_that_is_not_an_acknowledgment() -> None:
    text = (FIXTURES / "golden" / "270_subscriber.x12").read_text()
    with pytest.raises(X12StructureError, match="not a 999"):
        read_999(read_interchange(text).transactions[0])


def test_a_rejected_ta1_gives_its_control_number_date_and_note() -> None:
    (ta1,) = read_ta1_text(_text("ta1_rejected.x12"))
    assert (ta1.control_number, ta1.date, ta1.time) == ("000000101", date(2026, 3, 2), "0930")
    assert (ta1.status.code, ta1.accepted) == ("R", False)
    assert ta1.note is not None and ta1.note.code == "025"
    assert ta1.note.description == "Duplicate interchange control number"


def test_ta1_acceptance_with_errors_noted_still_counts_as_accepted() -> None:
    accepted, noted = read_ta1_text(_text("ta1_accepted.x12"))
    assert accepted.accepted and accepted.note is not None and accepted.note.code == "000"
    assert noted.accepted and noted.status.code == "E"
    assert noted.note is not None and noted.note.description == (
        "Invalid number of included groups value")


@pytest.mark.parametrize("segment", [
    ["TA1", "000000101", "260302", "0930", "Q", "000"],
    ["TA1", "000000101", "260230", "0930", "R", "025"],
    ["TA1", "000000101", "260302", "2460", "R", "025"],
    ["TA1", "0000001X1", "260302", "0930", "R", "025"],
    ["TA1", "000000101", "260302", "0930", "R"],
    ["TA1", "000000101", "260302", "0930", "R", "25"],
    ["TA1", "000000101", "260302", "0930"],
])
def test_a_malformed_ta1_is_refused_with_a_typed_error(segment: list[str]) -> None:
    with pytest.raises(X12Error):
        read_ta1(segment)


def test_strict_ta1_refuses_what_tolerant_mode_accepts_with_warnings() -> None:
    loose = ["TA1", "0659", "20110922", "0512", "A"]
    ack = read_ta1(loose)
    assert ack.date == date(2011, 9, 22) and ack.note is None and len(ack.warnings) == 2
    with pytest.raises(X12Error):
        read_ta1(loose, strict=True)
    extra = ["TA1", "000000101", "260302", "0930", "R", "006", "+"]
    assert read_ta1(extra).warnings == (
        "TA1 has more than 5 elements; the extra ones were ignored",)
    with pytest.raises(X12StructureError, match="more than 5"):
        read_ta1(extra, strict=True)
