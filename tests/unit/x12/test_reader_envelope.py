"""Delimiters, tokenizer and envelope: tolerance of layout, precise refusals, control checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from payers.x12 import (
    DEFAULT,
    Delimiters,
    X12EnvelopeError,
    X12Error,
    X12SyntaxError,
    X12Warning,
    iter_transactions,
    read_interchange,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12" / "271"
FULL = (FIXTURES / "mh_full_benefits.271").read_text()
COMPACT = FULL.replace("~\n", "~")


def test_default_delimiters_are_the_usual_four():
    assert DEFAULT == Delimiters("*", "^", ":", "~")


def test_delimiters_are_read_from_fixed_isa_positions():
    assert Delimiters.from_isa(COMPACT) == DEFAULT
    odd = COMPACT.replace("*", "|").replace("^", "}").replace(":", ">").replace("~", "\x1d")
    assert Delimiters.from_isa(odd) == Delimiters("|", "}", ">", "\x1d")


def test_4010_standards_identifier_u_means_no_repetition_separator():
    isa = COMPACT[:82] + "U" + COMPACT[83:]
    assert Delimiters.from_isa(isa).repetition is None


@pytest.mark.parametrize("text", ["", "hello world", "GS*HB*X~", "<xml/>", "\ufeff  \n"])
def test_input_that_is_not_x12_is_refused_as_such(text: str):
    with pytest.raises(X12SyntaxError, match="not X12") as refused:
        read_interchange(text)
    assert refused.value.position is None


@pytest.mark.parametrize("cut", [3, 50, 104, 105])
def test_input_truncated_inside_the_isa_is_refused_as_truncated(cut: int):
    with pytest.raises(X12SyntaxError, match="truncated") as refused:
        read_interchange(COMPACT[:cut])
    assert (refused.value.position, refused.value.segment_id) == (1, "ISA")


def test_non_fixed_width_isa_is_refused_naming_the_element():
    narrow = COMPACT.replace("*ACMEHEALTHTEST *", "*ACMEHEALTHTEST*", 1)
    with pytest.raises(X12SyntaxError) as refused:
        Delimiters.from_isa(narrow)
    assert str(refused.value) == ("segment 1 (ISA): ISA is not fixed width: element ISA06 has "
                                  "14 characters, expected 15")
    assert "ACME" not in str(refused.value)


@pytest.mark.parametrize("cut", [200, 1000, len(COMPACT) - 40, len(COMPACT) - 5])
def test_input_truncated_after_the_isa_is_refused_as_truncated(cut: int):
    with pytest.raises(X12EnvelopeError, match="truncated"):
        read_interchange(COMPACT[:cut])


@pytest.mark.parametrize("layout", [
    lambda t: t,
    lambda t: t.replace("~", "~\n"),
    lambda t: t.replace("~", "~\r\n"),
    lambda t: t.replace("~", "~\r"),
    lambda t: "\ufeff" + t.replace("~", "~\n    "),
    lambda t: t.replace("~", "~\t\n"),
], ids=["single-line", "lf", "crlf", "cr", "bom-indented", "tabs"])
def test_layout_whitespace_between_segments_does_not_change_what_is_read(layout):
    expected = read_interchange(COMPACT).transactions[0].segments
    actual = read_interchange(layout(COMPACT).encode()).transactions[0].segments
    assert actual == expected
    assert len(expected) == 123


def test_newline_as_segment_terminator_is_supported():
    text = COMPACT.replace("~", "\n")
    interchange = read_interchange(text)
    assert interchange.delimiters.segment == "\n"
    assert interchange.transactions[0].segments[-1] == ["SE", "123", "0001"]


def test_transaction_knows_its_headers_and_segment_positions():
    (transaction,) = list(iter_transactions(COMPACT))
    assert (transaction.set_id, transaction.control_number, transaction.implementation) == (
        "271", "0001", "005010X279A1")
    assert transaction.start == 3
    assert transaction.position(1) == 4
    assert transaction.group.functional_id == "HB"
    assert transaction.group.control_number == "101"
    assert transaction.interchange_header.control_number == "000000101"
    assert transaction.interchange_header.usage == "T"
    assert transaction.interchange_header.sender_id == "ACMEHEALTHTEST"
    assert transaction.delimiters == DEFAULT


def test_two_transactions_in_one_interchange_are_read_in_order():
    data = (FIXTURES / "two_transactions.271").read_text()
    interchange = read_interchange(data)
    (group,) = interchange.groups
    assert [t.control_number for t in group.transactions] == ["0001", "0002"]
    first, second = group.transactions
    assert second.start == first.start + len(first.segments)
    assert interchange.warnings == []


def _envelope_variant(old: str, new: str) -> str:
    assert old in COMPACT
    return COMPACT.replace(old, new)


@pytest.mark.parametrize(("old", "new", "code"), [
    ("SE*123*0001", "SE*122*0001", "SE01_COUNT"),
    ("SE*123*0001", "SE*123*0009", "ST02_SE02"),
    ("GE*1*101", "GE*2*101", "GE01_COUNT"),
    ("GE*1*101", "GE*1*102", "GS06_GE02"),
    ("IEA*1*000000101", "IEA*2*000000101", "IEA01_COUNT"),
    ("IEA*1*000000101", "IEA*1*000000999", "ISA13_IEA02"),
])
def test_control_and_count_mismatches_warn_and_strict_mode_refuses_them(old, new, code):
    data = _envelope_variant(old, new)
    interchange = read_interchange(data)
    assert [w.code for w in interchange.warnings] == [code]
    assert isinstance(interchange.warnings[0], X12Warning)
    assert interchange.warnings[0].position is not None
    with pytest.raises(X12EnvelopeError):
        read_interchange(data, strict=True)


def test_streaming_reader_reports_envelope_warnings_to_the_callers_list():
    warnings: list[X12Warning] = []
    data = _envelope_variant("GE*1*101", "GE*1*102")
    assert len(list(iter_transactions(data, warnings=warnings))) == 1
    assert [w.code for w in warnings] == ["GS06_GE02"]


def test_missing_se_is_refused_at_the_next_transaction_header():
    data = (FIXTURES / "two_transactions.271").read_text()
    broken = data.replace("SE*", "XX*", 1)
    with pytest.raises(X12EnvelopeError, match="no SE trailer") as refused:
        read_interchange(broken)
    assert refused.value.segment_id == "ST"


def test_missing_ge_is_refused_as_truncation():
    with pytest.raises(X12EnvelopeError, match="no GE trailer"):
        read_interchange(_envelope_variant("GE*1*101~", ""))


def test_segment_outside_any_envelope_is_refused_without_quoting_data():
    data = _envelope_variant("GE*1*101~", "GE*1*101~NM1*IL*1*DOE-TEST~")
    with pytest.raises(X12EnvelopeError) as refused:
        read_interchange(data)
    assert "DOE" not in str(refused.value)
    assert refused.value.position == 127


def test_error_message_names_segment_number_and_tag():
    error = X12Error("element EB03 is missing", position=14, segment_id="EB")
    assert str(error) == "segment 14 (EB): element EB03 is missing"
    assert isinstance(error, ValueError)


def test_bytes_that_are_not_utf8_are_still_read_as_latin1():
    data = COMPACT.replace("ACME TEST PPO GOLD", "ACME TEST PPO GÖLD").encode("latin-1")
    interchange = read_interchange(data)
    assert interchange.transactions[0].segments[20][5] == "ACME TEST PPO GÖLD"


def test_many_transactions_stream_one_at_a_time_with_consecutive_positions():
    from tests.unit.x12.reader_samples import HEAD, interchange

    data = interchange(*([*HEAD, "EB*1**30"] for _ in range(50)))
    transactions = list(iter_transactions(data))
    assert [t.control_number for t in transactions] == [f"{n:04d}" for n in range(1, 51)]
    assert [t.start for t in transactions] == [3 + 10 * n for n in range(50)]
    assert all(t.segments[-1][0] == "SE" and t.warnings == [] for t in transactions)


def test_segments_are_split_from_the_raw_segment_texts():
    (transaction,) = list(iter_transactions(COMPACT))
    assert transaction.raw_segments[0] == "ST*271*0001*005010X279A1"
    assert transaction.segments[0] == ["ST", "271", "0001", "005010X279A1"]
    assert len(transaction.segments) == len(transaction.raw_segments)
