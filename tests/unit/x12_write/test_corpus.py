"""Public 278, 999/997 and TA1 samples in ../shared/x12-corpus decode to known facts; the
broken ones are refused with a typed error. Skipped when the corpus folder is absent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payers.x12.ack import read_999_text, read_ta1_text
from payers.x12.errors import X12Error, X12StructureError, X12SyntaxError
from payers.x12.x278 import AuthorizationResponse, read_278_text
from tests.unit.x12_write.samples import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"x12 corpus not found at {CORPUS}")

OOP_278 = "oopfactory-x12/INS/_278/_5010/"
OOP_ACK = "oopfactory-x12/Acknowledgments/"


def _278(path: str) -> AuthorizationResponse:
    (only,) = read_278_text((CORPUS / path).read_bytes())
    return only


def test_tr3_example_3_1_2_is_certified_with_number_range_and_one_visit() -> None:
    auth = _278(OOP_278 + "Example_3_1_2_Response.txt")
    assert (auth.action, auth.certification_number) == ("A1", "AUTH0001")
    assert (auth.approved_quantity, auth.quantity_unit) == (Decimal(1), "VS")
    assert (auth.start_date, auth.end_date) == (date(2005, 5, 2), date(2005, 6, 2))
    assert auth.trace_numbers == ("111099",) and auth.reference == "A12345"


def test_tr3_example_3_2_2_has_a_modified_event_and_a_certified_service_line() -> None:
    auth = _278(OOP_278 + "Example_3_2_2_Response.txt")
    assert (auth.action, auth.action_description) == ("A6", "Modified")
    assert auth.certification_number == "AUTH0002"
    assert (auth.approved_quantity, auth.quantity_unit) == (Decimal(5), "DY")
    (event,) = auth.events
    (service,) = event.services
    assert service.decision is not None and service.decision.action == "A1"
    assert service.service is not None and service.service.code == "33510"
    assert [(d.qualifier, d.start) for d in service.dates] == [("472", date(2005, 5, 16))]
    assert auth.start_date == date(2005, 5, 16)


def test_tr3_example_3_3_2_is_pended_with_an_administrative_reference() -> None:
    auth = _278(OOP_278 + "Example_3_3_2_Response.txt")
    assert (auth.action, auth.tracking_number) == ("A4", "P20030216001")
    assert auth.events[0].decision is not None
    assert auth.events[0].decision.reason_code == "0U"
    assert auth.events[0].service_type == "A4" and auth.approved_quantity is None


@pytest.mark.parametrize("path", [OOP_278 + "Example_3_1_1_Request.txt",
                                  "edifabric-x12net/ServicesReview.txt"])
def test_a_referral_request_reads_as_a_request_with_one_requested_visit(path: str) -> None:
    request = _278(path)
    assert not request.is_response and request.action is None
    (event,) = request.events
    assert (event.request_category, event.service_type, event.place_of_service) == (
        "SC", "3", "11")
    assert [(q.qualifier, q.quantity) for q in event.quantities] == [("VS", Decimal(1))]


def test_an_imsweb_accepted_999_accepts_its_837() -> None:
    (ack,) = read_999_text((CORPUS / "imsweb-x12-parser/x12_999_accepted.txt").read_bytes())
    assert ack.outcome == "accepted" and ack.sets[0].set_id == "837"


def test_an_imsweb_rejected_999_names_the_unrecognized_segment() -> None:
    (ack,) = read_999_text((CORPUS / "imsweb-x12-parser/x12_999_rejected.txt").read_bytes())
    assert ack.outcome == "rejected" and (ack.included, ack.accepted_count) == (1, 0)
    (rejected,) = ack.sets
    assert (rejected.control_number, [e.code for e in rejected.errors]) == ("0028", ["5"])
    (segment,) = rejected.segments
    assert (segment.segment_id, segment.position) == ("NM", 17)
    assert segment.error is not None and segment.error.description == "Unrecognized segment ID"


@pytest.mark.parametrize("path", ["staedi/simple999.edi",
                                  OOP_ACK + "_999/DHS_Wisconsin_Sample.txt"])
def test_a_partial_999_accepts_one_837_and_rejects_two_with_their_codes(path: str) -> None:
    (ack,) = read_999_text((CORPUS / path).read_bytes())
    assert ack.outcome == "partially_accepted" and ack.accepted_count == 1
    assert [s.accepted for s in ack.sets] == [True, False, False]
    clm, ref = ack.sets[1].segments[0], ack.sets[2].segments[0]
    assert (clm.segment_id, clm.position, clm.error and clm.error.code) == ("CLM", 22, "8")
    assert [(e.position, e.reference_number, e.error.code) for e in clm.elements] == [
        (2, "782", "1")]
    assert (ref.segment_id, ref.error and ref.error.description) == (
        "REF", "Required segment missing")


def test_pyx12_999s_in_several_groups_are_each_accepted() -> None:
    acks = read_999_text((CORPUS / "pyx12/834_lui_id_5010.999.txt").read_bytes())
    assert [a.control_number for a in acks] == ["0001", "0002", "0003", "0004"]
    assert {a.outcome for a in acks} == {"accepted"}


def test_the_mulesoft_ack_is_a_997_that_accepts_the_270_group() -> None:
    (ack,) = read_999_text((CORPUS / "mulesoft-x12-270/ack.edi").read_bytes())
    assert (ack.kind, ack.functional_id, ack.group_control_number) == ("997", "HS", "1421")
    assert ack.outcome == "accepted" and ack.sets == ()


def test_the_staedi_invalid_999_is_refused_with_a_structure_error() -> None:
    with pytest.raises(X12StructureError, match="AK1 must follow ST"):
        read_999_text((CORPUS / "staedi/invalid999.edi").read_bytes())


def test_oopfactory_ta1_sample_reads_two_acceptances_tolerantly_and_is_refused_strictly() -> None:
    data = (CORPUS / OOP_ACK / "TechnicalAcknowledgment_Sample1.txt").read_bytes()
    acks = read_ta1_text(data)
    assert [(a.control_number, a.status.code, a.accepted) for a in acks] == [
        ("0659", "A", True), ("0660", "A", True)]
    assert acks[0].date == date(2011, 9, 22)
    with pytest.raises(X12Error):
        read_ta1_text(data, strict=True)


def test_jeffn825_ta1_is_a_rejection_for_an_invalid_sender_id() -> None:
    path = CORPUS / OOP_ACK / "TechnicalAcknowledgment_SampleFromJeffN825.txt"
    (ack,) = read_ta1_text(path.read_bytes())
    assert (ack.status.code, ack.accepted) == ("R", False)
    assert ack.note is not None and (ack.note.code, ack.note.description) == (
        "006", "Invalid interchange sender ID")
    with pytest.raises(X12StructureError, match="more than 5 elements"):
        read_ta1_text(path.read_bytes(), strict=True)


def test_the_uhin_ta1_with_a_non_fixed_width_isa_is_refused() -> None:
    with pytest.raises(X12SyntaxError, match="fixed width"):
        read_ta1_text((CORPUS / "uhin-x12-parser/TA1.edi").read_bytes())
