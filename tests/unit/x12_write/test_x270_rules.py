"""270 builder rules: HL tree, counts, control and trace numbers, TR3 patient placement,
upper-case names, and typed refusals that name the field but never quote the value."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from payers.x12 import read_interchange
from payers.x12.build import X12BuildError
from payers.x12.delimiters import Delimiters
from payers.x12.x270 import (
    EligibilityRequest,
    InformationReceiver,
    PersonName,
    build_270,
)
from tests.unit.x12_write.samples import (
    CLINIC_NPI,
    GOLDEN,
    child,
    envelope,
    inquiry,
    request,
    subscriber,
)


def _rows(*requests: EligibilityRequest, **changes: object) -> list[list[list[str]]]:
    text = build_270(envelope=envelope(**changes), requests=requests)
    return [t.segments for t in read_interchange(text, strict=True).transactions]


def _refusal(*requests: EligibilityRequest, **changes: object) -> X12BuildError:
    with pytest.raises(X12BuildError) as raised:
        build_270(envelope=envelope(**changes), requests=requests)
    return raised.value


def test_every_golden_file_reads_back_strictly_so_se01_ge01_and_iea_agree() -> None:
    for path in GOLDEN.glob("*.x12"):
        interchange = read_interchange(path.read_bytes(), strict=True)
        for transaction in interchange.transactions:
            assert transaction.segments[-1][1] == str(len(transaction.segments))
        assert interchange.warnings == []


def test_hl_numbers_run_in_order_and_each_points_to_its_parent_in_a_mixed_batch() -> None:
    (rows,) = _rows(request(inquiry(1), inquiry(2, dependent=child()), inquiry(3)))
    levels = [row[1:5] for row in rows if row[0] == "HL"]
    assert levels == [["1", "", "20", "1"], ["2", "1", "21", "1"], ["3", "2", "22", "0"],
                      ["4", "2", "22", "1"], ["5", "4", "23", "0"], ["6", "2", "22", "0"]]


def test_the_trace_number_sits_at_the_patient_level_dependent_or_subscriber() -> None:
    (rows,) = _rows(request(inquiry(1), inquiry(2, dependent=child())))
    after_hl = {row[1]: rows[i + 1][0] for i, row in enumerate(rows) if row[0] == "HL"}
    assert after_hl == {"1": "NM1", "2": "NM1", "3": "TRN", "4": "NM1", "5": "TRN"}


def test_a_dependent_with_an_own_member_id_is_sent_as_the_subscriber_without_2000d() -> None:
    (rows,) = _rows(request(inquiry(dependent=child("ZZT000777"))))
    assert not any(row[0] == "HL" and row[3] == "23" for row in rows)
    (nm1,) = [row for row in rows if row[:2] == ["NM1", "IL"]]
    assert nm1[3:5] == ["TESTPATIENT", "SAM"] and nm1[8:] == ["MI", "ZZT000777"]
    assert ["DMG", "D8", "20140506", "M"] in rows and not any(row[0] == "INS" for row in rows)


def test_names_are_upper_cased_and_member_ids_kept_as_given() -> None:
    lower = replace(subscriber(), member_id="zzT000001",
                    name=PersonName(last="o'testpatient-smith", first="ann marie"))
    (rows,) = _rows(request(inquiry(subscriber=lower)))
    (nm1,) = [row for row in rows if row[:2] == ["NM1", "IL"]]
    assert nm1[3:5] == ["O'TESTPATIENT-SMITH", "ANN MARIE"] and nm1[9] == "zzT000001"


def test_several_service_types_use_the_repetition_separator() -> None:
    (rows,) = _rows(request(inquiry(service_types=("30", "mh", "A6"))))
    assert ["EQ", "30^MH^A6"] in rows


def test_isa_is_fixed_width_and_carries_the_caller_control_number_and_time() -> None:
    text = build_270(envelope=envelope(interchange_control_number=42), requests=[request()])
    isa = text[:106]
    assert len(isa.split("*")) == 17 and isa.endswith(":~")
    assert isa.split("*")[9:11] == ["260302", "0930"] and isa.split("*")[13] == "000000042"
    assert Delimiters.from_isa(text) == Delimiters("*", "^", ":", "~")


@pytest.mark.parametrize("numbers", [(2, 2), (3, 1)])
def test_st02_control_numbers_that_repeat_or_go_back_are_refused(numbers: tuple[int, int]
                                                                 ) -> None:
    first, second = (request(inquiry(n), control_number=c) for n, c in zip((1, 2), numbers,
                                                                          strict=True))
    assert "ST02" in str(_refusal(first, second))


@pytest.mark.parametrize(("field", "value"), [
    ("interchange_control_number", 0), ("interchange_control_number", 1_000_000_000),
    ("group_control_number", 0), ("group_control_number", True),
])
def test_out_of_range_envelope_control_numbers_are_refused(field: str, value: object) -> None:
    assert _refusal(request(), **{field: value})


def test_a_trace_number_repeated_anywhere_in_the_interchange_is_refused() -> None:
    same = inquiry(2, trace_number="CW00000001")
    assert "trace_number must be unique" in str(_refusal(request(inquiry(1), same)))
    assert "trace_number must be unique" in str(
        _refusal(request(inquiry(1)), request(same, control_number=2)))


def test_a_naive_timestamp_is_refused_because_the_clock_must_be_explicit() -> None:
    error = _refusal(request(), timestamp=datetime(2026, 3, 2, 9, 30))  # noqa: DTZ001
    assert "timezone-aware" in str(error)


def test_a_value_with_a_delimiter_is_refused_naming_the_element_not_the_value() -> None:
    bad = replace(subscriber(), member_id="ZZT*SECRET9")
    error = _refusal(request(inquiry(subscriber=bad)))
    assert "SECRET9" not in str(error) and "ZZT" not in str(error)
    assert (error.segment_id, error.position) == ("NM1", 11)
    assert str(error) == "segment 11 (NM1): NM109 contains a delimiter character"


@pytest.mark.parametrize("last", ["TEST\tPATIENT", "TEST~", "TESTPATIENT\n", "TEST^X", "TÉST",
                                  "STRASSE\u00df"])
def test_control_characters_delimiters_and_non_ascii_in_names_are_refused(last: str) -> None:
    bad = replace(subscriber(), name=PersonName(last=last, first="ALEX"))
    error = _refusal(request(inquiry(subscriber=bad)))
    assert "NM103" in str(error) and last.strip() not in str(error)


def test_the_same_character_is_fine_when_it_is_not_one_of_the_chosen_delimiters() -> None:
    starred = replace(subscriber(), name=PersonName(last="TEST*PATIENT", first="ALEX"))
    custom = Delimiters("|", "^", ":", "~")
    (rows,) = _rows(request(inquiry(subscriber=starred)), delimiters=custom)
    assert [row[3] for row in rows if row[:2] == ["NM1", "IL"]] == ["TEST*PATIENT"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"service_types": ()}, "service_types"),
    ({"service_types": ("ABC",)}, "service_types"),
    ({"service_types": ("30",) * 100}, "service_types"),
    ({"service_date": None, "service_end_date": date(2026, 3, 1)}, "service_end_date"),
    ({"service_end_date": date(2026, 3, 9)}, "service_end_date"),
    ({"trace_number": "  "}, "trace_number"),
    ({"subscriber": replace(subscriber(), member_id="")}, "subscriber.member_id"),
    ({"subscriber": replace(subscriber(), birth_date=None)}, "subscriber.gender"),
    ({"dependent": replace(child(), name=PersonName(last=" "))}, "dependent.name.last"),
])
def test_incomplete_inquiries_are_refused_naming_the_field(changes: dict[str, object],
                                                           field: str) -> None:
    assert field in str(_refusal(request(inquiry(**changes))))


@pytest.mark.parametrize(("receiver", "message"), [
    (InformationReceiver(npi="1234567890", organization_name="X"), "check digit"),
    (InformationReceiver(npi="12345", organization_name="X"), "10 digits"),
    (InformationReceiver(npi=CLINIC_NPI), "exactly one"),
    (InformationReceiver(npi=CLINIC_NPI, organization_name="X", person=PersonName(last="Y")),
     "exactly one"),
])
def test_a_receiver_without_a_valid_npi_or_with_an_ambiguous_name_is_refused(
    receiver: InformationReceiver, message: str
) -> None:
    assert message in str(_refusal(request(receiver=receiver)))


def test_envelope_and_batch_shape_errors_are_refused() -> None:
    assert "ISA06 must be at most 15" in str(_refusal(request(), sender_id="A" * 16))
    assert "ISA05 must be 2" in str(_refusal(request(), sender_qualifier="Z"))
    clash = Delimiters("*", "*", ":", "~")
    assert "distinct" in str(_refusal(request(), delimiters=clash))
    assert "trace_originator" in str(_refusal(replace(request(), trace_originator="12345")))
    assert "at least one inquiry" in str(_refusal(replace(request(), inquiries=())))
    with pytest.raises(X12BuildError, match="at least one transaction"):
        build_270(envelope=envelope(), requests=[])


def test_line_breaks_are_only_added_when_asked_for() -> None:
    joined = build_270(envelope=envelope(), requests=[request()])
    broken = build_270(envelope=envelope(), requests=[request()], line_breaks=True)
    assert "\n" not in joined and broken == joined.replace("~", "~\n")
