"""271 reader: loops, AAA at every level, EB elements, attachments, and refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from payers.x12 import X12ElementError, X12StructureError, read_interchange
from payers.x12.x271 import read_271, read_271s
from tests.unit.x12.reader_samples import HEAD, interchange, response

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "x12" / "271"


def _fixture(name: str):
    (decoded,) = read_271s((FIXTURES / name).read_bytes())
    return decoded


def test_header_trace_and_changed_identifying_data_are_decoded():
    decoded = _fixture("mh_full_benefits.271")
    assert (decoded.purpose, decoded.reference, decoded.date) == (
        "11", "CW-TEST-0001", dt.date(2026, 3, 1))
    (subscriber,) = decoded.levels("C")
    assert [(t.trace_type, t.reference) for t in subscriber.traces] == [
        ("2", "CW-TRACE-0001"), ("1", "PAYER-TRACE-77")]
    party = subscriber.party
    assert party.name is not None and party.name.identifier == "TEST000001"
    assert party.member is not None and party.member.identifying_data_changed
    assert party.demographics is not None
    assert party.demographics.birth_date == dt.date(1980, 1, 1)
    assert party.reference("6P") == "GRP-TEST-42"
    assert party.address is not None and party.address.city == "TESTVILLE"


def test_every_eb_element_has_a_named_accessor():
    decoded = _fixture("mh_full_benefits.271")
    benefits = decoded.levels("C")[0].benefits
    copay = next(b for b in benefits if b.code == "B" and b.procedure is not None)
    assert copay.service_types == ["A6"]
    assert (copay.coverage_level, copay.insurance_type, copay.time_period) == ("IND", "PR", "27")
    assert copay.amount == Decimal("15")
    assert copay.authorization_required is True
    assert copay.network == "Y"
    assert (copay.procedure.qualifier, copay.procedure.code) == ("HC", "90837")
    assert copay.messages == ["COPAY FOR 60 MINUTE PSYCHOTHERAPY"]
    limit = next(b for b in benefits if b.code == "F" and b.time_period == "29")
    assert (limit.quantity_qualifier, limit.quantity) == ("VS", Decimal(18))
    assert limit.service_types == ["MH", "A6", "CF"]
    period = limit.date("292")
    assert period is not None
    assert (period.start, period.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    coinsurance = next(b for b in benefits if b.code == "A" and b.network == "N")
    assert coinsurance.percent == Decimal("0.4")
    assert coinsurance.code_description == "Co-Insurance"


def test_2120_loop_between_ls_and_le_belongs_to_its_benefit():
    decoded = _fixture("mh_carve_out.271")
    carve = next(b for b in decoded.levels("C")[0].benefits if b.code == "U")
    (entity,) = carve.entities
    assert entity.loop == "2120C"
    assert entity.name is not None
    assert (entity.name.entity_id, entity.name.identifier) == ("VN", "BHO01")
    assert entity.phone == "8005550199"
    assert entity.name.entity_description == "Vendor"


def test_dependent_loops_and_place_of_service_are_decoded():
    decoded = _fixture("dependent.271")
    (patient,) = decoded.patients()
    assert patient.dependent is not None
    assert patient.dependent.loop == "2000D"
    assert patient.dependent.party.member is not None
    assert patient.dependent.party.member.relationship == "19"
    eligibility = patient.dependent.party.date("356")
    assert eligibility is not None and eligibility.end is None
    scoped = patient.dependent.benefits[-1]
    assert scoped.loop == "2110D"
    assert scoped.places == [("ZZ", "11"), ("ZZ", "02")]


@pytest.mark.parametrize(("name", "expected"), [
    ("aaa_2000a_payer_unavailable.271", [("2000A", True, "42", "R")]),
    ("aaa_2100b_provider.271", [("2100B", False, "43", "C"), ("2100B", False, "51", "N")]),
    ("aaa_2100c_member.271", [("2100C", False, "72", "C"), ("2100C", False, "73", "C")]),
    ("aaa_2100d_dependent.271", [("2100D", False, "67", "C")]),
    ("aaa_2110c_benefit.271", [("2110C", False, "53", "C"), ("2110C", True, "42", "R")]),
])
def test_aaa_is_kept_with_the_loop_it_was_found_in(name, expected):
    found = [(r.loop, r.valid_request, r.reason, r.follow_up)
             for r in _fixture(name).rejections()]
    assert found == expected


def test_rejection_carries_reason_and_follow_up_descriptions():
    (rejection,) = _fixture("aaa_2000a_payer_unavailable.271").rejections()
    assert rejection.reason_description == "Unable to Respond at Current Time"
    assert rejection.follow_up_description == "Resubmission Allowed"


def test_unusual_delimiters_decode_like_the_usual_ones():
    decoded = _fixture("unusual_delimiters.271")
    benefits = decoded.levels("C")[0].benefits
    assert benefits[2].service_types == ["A6", "CF"]
    procedure = benefits[-1].procedure
    assert procedure is not None
    assert (procedure.code, procedure.modifiers) == ("90834", ["95"])


def test_to_dict_is_json_ready_with_decimal_strings_and_iso_dates():
    data = _fixture("mh_full_benefits.271").to_dict()
    subscriber = data["sources"][0]["children"][0]["children"][0]
    assert subscriber["party"]["dates"][0] == {
        "qualifier": "346", "start": "2026-01-01", "end": "2026-01-01", "is_range": False}
    copay = subscriber["benefits"][14]
    assert copay["amount"] == "25" and copay["code_description"] == "Co-Payment"
    assert copay["service_types"][0] == {"code": "MH", "description": "Mental Health"}


@pytest.mark.parametrize(("segment", "element"), [
    ("EB*B*IND*MH***27*2X5", "EB07"),
    ("EB*A*IND*MH***27**0.4.1", "EB08"),
    ("EB*F*IND*MH***23***VS*-", "EB10"),
])
def test_unreadable_amounts_are_refused_on_access_naming_the_element(segment, element):
    (benefit,) = response(segment).levels("C")[0].benefits
    with pytest.raises(X12ElementError, match=f"element {element} is not a decimal") as refused:
        benefit.to_dict()
    assert refused.value.position == 11


@pytest.mark.parametrize("value", ["20261301", "2026010", "2026-01-01", "YYYYMMDD"])
def test_unreadable_dates_are_refused_on_access_without_the_value(value: str):
    (subscriber,) = response(f"DTP*346*D8*{value}").levels("C")
    (date,) = subscriber.party.dates
    with pytest.raises(X12ElementError) as refused:
        _ = date.start
    assert value not in str(refused.value)
    assert refused.value.segment_id == "DTP"


@pytest.mark.parametrize(("body", "message"), [
    (["HSD*VS*20"], "HSD outside an EB benefit loop"),
    (["EB*1**30", "LS*2120", "NM1*P3*1*TEST"], "LS without a matching LE"),
    (["EB*1**30", "LE*2120"], "LE without a matching LS"),
    (["EB*1**30", "LS*2120", "EB*1**30"], "EB inside an LS/LE 2120 loop"),
    (["EB*1**30", "NM1*P3*1*TEST"], "NM1 after the loop's name"),
    (["EB*1**30", "DMG*D8*19800101"], "DMG is not allowed"),
    (["HL*4*3*99*0"], "not a 271 level"),
    (["EB*1**30", "e b*1"], "unreadable tag"),
])
def test_misplaced_segments_are_refused_with_their_position(body, message):
    data = interchange([*HEAD, *body])
    (transaction,) = read_interchange(data).transactions
    with pytest.raises(X12StructureError, match=message) as refused:
        read_271(transaction)
    assert refused.value.position is not None and refused.value.position > 3


def test_unknown_but_well_formed_segment_is_skipped_with_a_warning():
    decoded = response("EB*1**30", "ZZZ*1")
    assert [w.code for w in decoded.warnings] == ["UNEXPECTED_SEGMENT"]


def test_hl_naming_a_missing_parent_is_attached_to_the_enclosing_level_with_a_warning():
    head = [s.replace("HL*3*2*22*0", "HL*3*9*22*0") for s in HEAD]
    decoded = response("EB*1**30", head=head)
    assert [w.code for w in decoded.warnings] == ["HL_PARENT"]
    assert len(decoded.levels("C")) == 1


def test_a_non_271_transaction_is_refused_by_the_271_reader():
    data = interchange(HEAD).replace("ST*271", "ST*278")
    (transaction,) = read_interchange(data).transactions
    with pytest.raises(X12StructureError, match="not a 271"):
        read_271(transaction)
