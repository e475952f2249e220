"""Builders of synthetic 270/278 inputs (invented people, no PHI) and the golden cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from payers.x12.build import Envelope, Usage
from payers.x12.x270 import (
    Dependent,
    EligibilityInquiry,
    EligibilityRequest,
    Gender,
    InformationReceiver,
    InformationSource,
    PersonName,
    Relationship,
    Subscriber,
    build_270,
)
from payers.x12.x278 import AuthorizationRequest, QuantityUnit, ServiceLine, build_278

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "x12"
GOLDEN = FIXTURES / "golden"
CORPUS = ROOT.parent / "shared" / "x12-corpus"
PYX12_MAPS = ROOT.parent / "shared" / "pyx12-maps-x279"

# A valid NPI check digit (Luhn with the 80840 prefix); 1234567893 is the classic example.
CLINIC_NPI = "1234567893"
THERAPIST_NPI = "1245319599"
ORIGINATOR = "9COVERWTCH"
EASTERN = timezone(timedelta(hours=-5))


def envelope(**changes: object) -> Envelope:
    base = Envelope(
        sender_id="COVERWATCHTEST", receiver_id="ZZTESTPAYER", usage=Usage.TEST,
        timestamp=datetime(2026, 3, 2, 9, 30, tzinfo=EASTERN),
        interchange_control_number=101, group_control_number=201,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def source() -> InformationSource:
    return InformationSource(name="Zz Test Health Plan", payer_id="ZZPAYER01")


def clinic() -> InformationReceiver:
    return InformationReceiver(npi=CLINIC_NPI, organization_name="Test Counseling Group")


def therapist() -> InformationReceiver:
    return InformationReceiver(
        npi=THERAPIST_NPI, person=PersonName(last="Testtherapist", first="Robin", middle="Q"))


def subscriber(number: int = 1) -> Subscriber:
    return Subscriber(
        member_id=f"ZZT{number:06d}",
        name=PersonName(last="Testpatient", first=f"Alex{'ABCDEFGHIJ'[number % 10]}"),
        birth_date=date(1980 + number, 1 + number % 12, 1 + number % 28), gender=Gender.FEMALE)


def child(member_id: str | None = None) -> Dependent:
    return Dependent(name=PersonName(last="Testpatient", first="Sam", suffix="Jr"),
                     birth_date=date(2014, 5, 6), gender=Gender.MALE,
                     relationship=Relationship.CHILD, member_id=member_id)


def inquiry(number: int = 1, /, **changes: object) -> EligibilityInquiry:
    base = EligibilityInquiry(subscriber=subscriber(number), trace_number=f"CW{number:08d}",
                              service_types=("30",), service_date=date(2026, 3, 10))
    return replace(base, **changes)  # type: ignore[arg-type]


def request(*inquiries: EligibilityInquiry, control_number: int = 1,
            receiver: InformationReceiver | None = None) -> EligibilityRequest:
    return EligibilityRequest(
        control_number=control_number, reference=f"CWREF{control_number:04d}", source=source(),
        receiver=receiver or clinic(), trace_originator=ORIGINATOR,
        inquiries=inquiries or (inquiry(),))


def authorization(unit: QuantityUnit = QuantityUnit.VISITS, /, **changes: object
                  ) -> AuthorizationRequest:
    line = (ServiceLine(procedure_code="90837", quantity=12, unit=unit)
            if unit is QuantityUnit.VISITS else
            ServiceLine(procedure_code="H0004", quantity=48, unit=unit, modifiers=("HO",)))
    base = AuthorizationRequest(
        control_number=31, reference="CWAUTH0031", payer=source(), requester=clinic(),
        subscriber=subscriber(), trace_number="CWA0000031", trace_originator=ORIGINATOR,
        start_date=date(2026, 3, 1), end_date=date(2026, 5, 31), services=(line,),
        diagnosis_codes=("F41.1", "F32.9"))
    return replace(base, **changes)  # type: ignore[arg-type]


def _270(*requests: EligibilityRequest) -> Callable[[], str]:
    return lambda: build_270(envelope=envelope(), requests=requests, line_breaks=True)


def _278(unit: QuantityUnit) -> Callable[[], str]:
    return lambda: build_278(envelope=envelope(), requests=[authorization(unit)],
                             line_breaks=True)


# Golden file name -> how it is built. Goldens are written one segment per line for review.
GOLDEN_270: dict[str, Callable[[], str]] = {
    "270_subscriber.x12": _270(request()),
    "270_dependent.x12": _270(request(inquiry(dependent=child()))),
    "270_person_receiver.x12": _270(request(receiver=therapist())),
    "270_multi_service_type.x12": _270(request(inquiry(service_types=("30", "MH", "A6", "CF")))),
    "270_date_range.x12": _270(request(inquiry(service_end_date=date(2026, 6, 30)))),
    "270_batch_subscribers.x12": _270(request(inquiry(1), inquiry(2), inquiry(3))),
    "270_several_transactions.x12": _270(
        request(inquiry(1), control_number=1), request(inquiry(2), control_number=2),
        request(inquiry(3, dependent=child()), control_number=5)),
}
GOLDEN_278: dict[str, Callable[[], str]] = {
    "278_request_visits.x12": _278(QuantityUnit.VISITS),
    "278_request_units.x12": _278(QuantityUnit.UNITS),
}
