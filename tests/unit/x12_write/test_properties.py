"""Property: any value with a delimiter or control character is refused with a typed error
that names the field; every other printable-ASCII value builds and reads back unchanged."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from payers.x12 import read_interchange
from payers.x12.build import X12BuildError
from payers.x12.x270 import PersonName, build_270
from payers.x12.x278 import build_278, read_278
from tests.unit.x12_write.samples import authorization, envelope, inquiry, request, subscriber

DELIMITERS = "*^:~"
CLEAN = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters=DELIMITERS),
    min_size=1, max_size=30,
).filter(lambda s: s.strip(" ") != "")
BAD = st.one_of(st.sampled_from(DELIMITERS),
                st.characters(min_codepoint=0, max_codepoint=0x1F), st.just("\x7f"))
REFUSAL = re.compile(
    r"^segment \d+ \((NM1|TRN|BHT)\): (NM1|TRN|BHT)\d\d contains a (delimiter|control) "
    r"character$")
FIELDS = ("last", "first", "middle", "suffix", "member_id", "trace", "reference", "payer_id")


def _build(values: dict[str, str]) -> str:
    name = PersonName(last=values["last"], first=values["first"], middle=values["middle"],
                      suffix=values["suffix"])
    who = replace(subscriber(), member_id=values["member_id"], name=name)
    sent = replace(request(inquiry(subscriber=who, trace_number=values["trace"])),
                   reference=values["reference"])
    sent = replace(sent, source=replace(sent.source, payer_id=values["payer_id"]))
    return build_270(envelope=envelope(), requests=[sent])


@given(st.fixed_dictionaries({f: CLEAN for f in FIELDS}))
def test_clean_printable_values_build_and_read_back_unchanged(values: dict[str, str]) -> None:
    (transaction,) = read_interchange(_build(values), strict=True).transactions
    rows = transaction.segments
    (nm1,) = [row for row in rows if row[:2] == ["NM1", "IL"]]
    (payer,) = [row for row in rows if row[:2] == ["NM1", "PR"]]
    (trn,) = [row for row in rows if row[0] == "TRN"]
    expected = {f: v.strip(" ") for f, v in values.items()}
    names = {f: expected[f].upper() for f in ("last", "first", "middle", "suffix")}
    assert (nm1[3], nm1[4], nm1[5], nm1[7]) == (
        names["last"], names["first"], names["middle"], names["suffix"])
    assert (nm1[9], trn[2], rows[1][3], payer[9]) == (
        expected["member_id"], expected["trace"], expected["reference"], expected["payer_id"])


@given(st.fixed_dictionaries({f: CLEAN for f in FIELDS}), st.sampled_from(FIELDS), BAD,
       st.integers(min_value=0, max_value=30))
def test_a_delimiter_or_control_character_anywhere_is_refused_naming_only_the_field(
    values: dict[str, str], field: str, bad: str, at: int
) -> None:
    original = values[field]
    values[field] = original[:at] + bad + original[at:]
    try:
        _build(values)
    except X12BuildError as error:
        assert REFUSAL.match(str(error)), str(error)
        assert error.position is not None and error.segment_id in ("NM1", "TRN", "BHT")
    else:
        raise AssertionError("a value with a delimiter or control character was written")


@given(CLEAN, CLEAN, st.integers(min_value=1, max_value=99_999))
def test_a_278_request_reads_back_its_reference_trace_and_quantity(
    reference: str, trace: str, quantity: int
) -> None:
    sent = authorization(reference=reference, trace_number=trace)
    sent = replace(sent, services=(replace(sent.services[0], quantity=quantity),))
    (transaction,) = read_interchange(build_278(envelope=envelope(), requests=[sent]),
                                      strict=True).transactions
    read = read_278(transaction)
    assert (read.reference, read.trace_numbers) == (reference.strip(" "), (trace.strip(" "),))
    assert read.events[0].services[0].quantities[0].quantity == quantity
