"""278: a built outpatient request reads back to its values; synthetic responses decode."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from payers.x12 import read_interchange
from payers.x12.build import X12BuildError
from payers.x12.codes.x278 import CertificationType
from payers.x12.errors import X12ElementError, X12StructureError
from payers.x12.x278 import (
    AuthorizationResponse,
    Member,
    QuantityUnit,
    ServiceLine,
    build_278,
    read_278,
    read_278_text,
)
from tests.support import x278
from tests.support.people import PEOPLE
from tests.support.x278 import Review, dependent, member, response_278
from tests.unit.x12_write.samples import FIXTURES, authorization, child, envelope

RESPONSES = FIXTURES / "278"


def _response(name: str) -> AuthorizationResponse:
    (only,) = read_278_text((RESPONSES / name).read_text())
    return only


@pytest.mark.parametrize("unit", list(QuantityUnit))
def test_a_built_request_read_back_by_the_envelope_reader_gives_the_same_values(
    unit: QuantityUnit
) -> None:
    sent = authorization(unit)
    interchange = read_interchange(build_278(envelope=envelope(), requests=[sent]), strict=True)
    (transaction,) = interchange.transactions
    read = read_278(transaction)
    (event,) = read.events
    (service,) = event.services
    line = sent.services[0]
    assert not read.is_response and read.reference == sent.reference
    assert read.control_number == f"{sent.control_number:04d}"
    assert event.trace_numbers == (sent.trace_number,)
    assert (event.request_category, event.certification_type) == ("HS", "I")
    assert (event.service_type, event.place_of_service) == ("MH", "11")
    assert (read.start_date, read.end_date) == (sent.start_date, sent.end_date)
    assert service.service is not None
    assert service.service.code == line.procedure_code
    assert service.service.modifiers == line.modifiers
    assert service.service.units == Decimal(line.quantity)
    assert [(q.qualifier, q.quantity) for q in service.quantities] == [
        (unit.value, Decimal(line.quantity))]
    names = {row[1]: row for row in transaction.segments if row[0] == "NM1"}
    assert names["IL"][3:5] == ["TESTPATIENT", "ALEXB"]
    assert names["IL"][9] == sent.subscriber.member_id
    assert names["1P"][9] == sent.requester.npi
    assert ["HI", "ABK:F411", "ABF:F329"] in transaction.segments


def test_a_dependent_without_own_id_gets_a_2000d_level_and_the_event_hangs_below_it() -> None:
    text = build_278(envelope=envelope(), requests=[authorization(dependent=child())])
    rows = read_interchange(text, strict=True).transactions[0].segments
    levels = [row[1:5] for row in rows if row[0] == "HL"]
    assert levels == [["1", "", "20", "1"], ["2", "1", "21", "1"], ["3", "2", "22", "1"],
                      ["4", "3", "23", "1"], ["5", "4", "EV", "1"], ["6", "5", "SS", "0"]]
    assert ["NM1", "QC", "1", "TESTPATIENT", "SAM", "", "", "JR"] in rows


def test_a_dependent_with_an_own_member_id_is_reviewed_as_the_subscriber() -> None:
    text = build_278(envelope=envelope(), requests=[authorization(dependent=child("ZZT000777"))])
    rows = read_interchange(text, strict=True).transactions[0].segments
    assert [row[3] for row in rows if row[0] == "HL"] == ["20", "21", "22", "EV", "SS"]
    (nm1,) = [row for row in rows if row[:2] == ["NM1", "IL"]]
    assert nm1[3:5] == ["TESTPATIENT", "SAM"] and nm1[9] == "ZZT000777"


def test_certified_in_visits_gives_the_number_the_dates_and_the_visit_count() -> None:
    auth = _response("certified_visits.x12")
    assert auth.is_response and auth.reference == "CWAUTH0031"
    assert (auth.action, auth.action_description) == ("A1", "Certified in total")
    assert auth.certification_number == "ZZAUTH0001"
    assert (auth.approved_quantity, auth.quantity_unit) == (Decimal(12), "VS")
    assert auth.quantity_unit_description == "Visits"
    assert (auth.start_date, auth.end_date) == (date(2026, 3, 1), date(2026, 5, 31))
    assert auth.tracking_number is None and auth.errors == ()
    service = auth.events[0].services[0]
    assert service.decision is not None and service.decision.action == "A1"
    assert service.service is not None and service.service.code == "90837"


def test_certified_in_15_minute_units_takes_the_quantity_from_the_service_line() -> None:
    auth = _response("certified_units.x12")
    assert (auth.action, auth.certification_number) == ("A1", "ZZAUTH0002")
    assert (auth.approved_quantity, auth.quantity_unit) == (Decimal(48), "FL")
    assert auth.quantity_unit_description == "Units"
    quantity = auth.events[0].services[0].quantities[0]
    assert (quantity.per_unit, quantity.period, quantity.periods) == ("WK", "34", Decimal(3))
    service = auth.events[0].services[0].service
    assert service is not None and (service.code, service.modifiers) == ("H0004", ("HO",))
    assert auth.end_date == date(2026, 6, 30)


def test_modified_gives_the_smaller_approval_and_effective_to_expiration_dates() -> None:
    auth = _response("modified.x12")
    assert (auth.action, auth.action_description) == ("A6", "Modified")
    assert auth.events[0].decision is not None
    assert auth.events[0].decision.reason_code == "0V"
    assert (auth.approved_quantity, auth.quantity_unit) == (Decimal(8), "VS")
    assert (auth.start_date, auth.end_date) == (date(2026, 3, 1), date(2026, 4, 15))
    assert auth.events[0].place_of_service == "02"
    service = auth.events[0].services[0].service
    assert service is not None and service.modifiers == ("95",)


def test_denied_has_no_certification_number_and_no_approved_quantity() -> None:
    auth = _response("denied.x12")
    assert (auth.action, auth.action_description) == ("A3", "Not certified")
    assert auth.certification_number is None and auth.approved_quantity is None
    assert auth.events[0].decision is not None and auth.events[0].decision.reason_code == "0N"


def test_a_rejection_by_aaa_names_each_loop_reason_and_follow_up() -> None:
    auth = _response("rejected_member.x12")
    assert auth.action is None
    assert [(e.loop, e.valid_request, e.reason_code, e.follow_up_code) for e in auth.errors] == [
        ("2010C", False, "72", "C"), ("2000E", False, "57", "C")]
    assert auth.errors[0].reason == "Invalid/Missing Subscriber/Insured ID"
    assert auth.errors[0].follow_up == "Please Correct and Resubmit"
    assert auth.events[0].errors == (auth.errors[1],)


def test_pended_gives_the_tracking_number_and_no_approval() -> None:
    auth = _response("pended.x12")
    assert (auth.action, auth.action_description) == ("A4", "Pended")
    assert auth.tracking_number == "ZZCASE778812"
    assert auth.approved_quantity is None and auth.certification_number is None


def test_the_json_form_holds_only_json_types() -> None:
    plain = _response("certified_visits.x12").to_json_dict()
    assert json.loads(json.dumps(plain)) == plain
    assert plain["approved_quantity"] == "12" and plain["start_date"] == "2026-03-01"


@pytest.mark.parametrize(("find", "replace", "error", "message"), [
    ("HCR*A1*ZZAUTH0001~\nDTP", "HCR*Q9*ZZAUTH0001~\nDTP", X12ElementError, "HCR01"),
    ("RD8*20260301-20260531~\nHI", "RD8*20260301-20260631~\nHI", X12ElementError, "DTP03"),
    ("RD8*20260301-20260531~\nHI", "RD8*20260531-20260301~\nHI", X12ElementError, "DTP03"),
    ("HSD*VS*12~\nHL", "HSD*VS*TWELVE~\nHL", X12ElementError, "HSD02"),
    ("HL*4*3*EV*1", "HL*4*3*XX*1", X12StructureError, "HL03"),
    ("HL*5*4*SS*0~", "HL*5*4*22*0~", X12StructureError, "after a patient event"),
])
def test_a_broken_response_is_refused_with_a_typed_error_naming_the_element(
    find: str, replace: str, error: type[Exception], message: str
) -> None:
    text = (RESPONSES / "certified_visits.x12").read_text()
    assert find in text
    with pytest.raises(error, match=message) as raised:
        read_278_text(text.replace(find, replace))
    assert "ZZAUTH0001" not in str(raised.value) and "TWELVE" not in str(raised.value)


def test_read_278_refuses_a_transaction_that_is_not_a_278() -> None:
    text = (FIXTURES / "golden" / "270_subscriber.x12").read_text()
    with pytest.raises(X12StructureError, match="not a 278"):
        read_278(read_interchange(text).transactions[0])


def test_without_hsd_the_approved_quantity_falls_back_to_the_service_line_units() -> None:
    text = (RESPONSES / "certified_visits.x12").read_text().replace("HSD*VS*12~\n", "")
    (auth,) = read_278_text(text.replace("SE*21*0001", "SE*19*0001"))
    assert (auth.approved_quantity, auth.quantity_unit) == (Decimal(12), "UN")
    assert auth.quantity_unit_description == "Units"


def test_an_extension_request_carries_the_previous_authorization_number() -> None:
    sent = authorization(certification_type=CertificationType.EXTENSION,
                         previous_authorization="ZZAUTH0001")
    (read,) = read_278_text(build_278(envelope=envelope(), requests=[sent]), strict=True)
    (event,) = read.events
    assert (event.certification_type, event.previous_authorization) == ("4", "ZZAUTH0001")
    assert event.services[0].certification_type == "4"


@pytest.mark.parametrize(("changes", "message"), [
    ({"end_date": date(2026, 2, 28)}, "end_date is before start_date"),
    ({"services": ()}, "at least one service line"),
    ({"place_of_service": "1"}, "place_of_service"),
    ({"trace_originator": "ABC"}, "trace_originator"),
    ({"previous_authorization": " "}, "previous_authorization"),
    ({"services": (ServiceLine(procedure_code="90837", quantity=0,
                               unit=QuantityUnit.VISITS),)}, "quantity"),
    ({"services": (ServiceLine(procedure_code="90837", quantity=2, unit=QuantityUnit.VISITS,
                               modifiers=("95", "HO", "GT", "U1", "U2")),)}, "4 modifiers"),
    ({"services": (ServiceLine(procedure_code="90837~", quantity=2,
                               unit=QuantityUnit.VISITS),)}, "SV101-2 contains a delimiter"),
])
def test_an_incomplete_or_unsafe_278_request_is_refused_naming_the_field(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(X12BuildError, match=message):
        build_278(envelope=envelope(), requests=[authorization(**changes)])


def test_a_response_names_its_subscriber_and_dependent_and_summarises_every_event() -> None:
    text = response_278(Review(
        subscriber=member(PEOPLE[1], "ZZT0000003"), dependent=dependent(PEOPLE[3]),
        decisions=(x278.Decision(number="ZZAUTH0001", quantity=12),
                   x278.Decision(number="ZZAUTH0002", quantity=8, unit="FL", code="H0004",
                                 start=date(2026, 12, 1), end=date(2027, 2, 28)))))
    (read,) = read_278_text(text, strict=True)
    assert read.subscriber == Member(last_name="THISTLECOMBE", first_name="MARVELLA",
                                     member_id="ZZT0000003", birth_date=date(1991, 11, 5))
    assert read.dependent == Member(last_name="FALCONGROVE", first_name="JUNIPER",
                                    birth_date=date(2012, 1, 30))
    assert [(c.certification_number, c.approved_quantity, c.quantity_unit, c.codes,
             c.start_date) for c in read.certifications] == [
        ("ZZAUTH0001", Decimal(12), "VS", ("90837",), date(2026, 11, 1)),
        ("ZZAUTH0002", Decimal(8), "FL", ("H0004",), date(2026, 12, 1))]
    # The summary fields stay the first event's.
    assert (read.certification_number, read.approved_quantity) == ("ZZAUTH0001", Decimal(12))


def test_every_transaction_set_of_a_file_is_read_with_its_own_member() -> None:
    text = response_278(Review(subscriber=member(PEOPLE[0])),
                        Review(subscriber=member(PEOPLE[2])))
    assert [r.subscriber.member_id for r in read_278_text(text, strict=True)
            if r.subscriber] == [PEOPLE[0].member_id, PEOPLE[2].member_id]
