"""278 services review (005010X217): outpatient request builder, and the reader re-exported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from payers.x12.build import (
    Composite,
    Envelope,
    Segment,
    TransactionSet,
    X12BuildError,
    require,
    seg,
    upper,
    write_interchange,
)
from payers.x12.codes.x278 import CertificationType
from payers.x12.parties import (
    Dependent,
    InformationReceiver,
    InformationSource,
    Subscriber,
    as_subscriber,
    dependent_segments,
    has_dependent_level,
    opening,
    originator,
    subscriber_segments,
)
from payers.x12.x278.read import read_278, read_278_text
from payers.x12.x278.types import (
    AuthorizationResponse,
    Certification,
    Decision,
    Member,
    Quantity,
    Review,
    ReviewDate,
    ServiceCode,
    ValidationError,
)

__all__ = [
    "GUIDE",
    "AuthorizationRequest",
    "AuthorizationResponse",
    "Certification",
    "Decision",
    "Member",
    "Quantity",
    "QuantityUnit",
    "Review",
    "ReviewDate",
    "ServiceCode",
    "ServiceLine",
    "ValidationError",
    "build_278",
    "read_278",
    "read_278_text",
]

GUIDE = "005010X217"
MAX_QUANTITY = 99_999


class QuantityUnit(StrEnum):
    """HSD01 for an outpatient request: whole sessions, or timed units (e.g. 15-minute H-codes)."""

    VISITS = "VS"
    UNITS = "FL"


@dataclass(frozen=True, kw_only=True)
class ServiceLine:
    """One requested procedure (loop 2000F) and how many visits or units of it."""

    procedure_code: str
    quantity: int
    unit: QuantityUnit
    modifiers: tuple[str, ...] = ()
    code_qualifier: str = "HC"


@dataclass(frozen=True, kw_only=True)
class AuthorizationRequest:
    """One 278 request for outpatient health services review (UM*HS)."""

    control_number: int
    reference: str
    payer: InformationSource
    requester: InformationReceiver
    subscriber: Subscriber
    dependent: Dependent | None = None
    trace_number: str
    trace_originator: str
    start_date: date
    end_date: date
    services: tuple[ServiceLine, ...]
    service_type: str = "MH"
    place_of_service: str = "11"
    diagnosis_codes: tuple[str, ...] = ()
    certification_type: CertificationType = CertificationType.INITIAL
    previous_authorization: str | None = None


def build_278(
    *, envelope: Envelope, requests: Sequence[AuthorizationRequest], line_breaks: bool = False
) -> str:
    """An interchange holding one 278 request per item of ``requests``."""
    sets = [
        TransactionSet(control_number=request.control_number, segments=_body(request, envelope))
        for request in requests
    ]
    return write_interchange(envelope=envelope, functional_id="HI", set_id="278", guide=GUIDE,
                             transactions=sets, line_breaks=line_breaks)


def _body(request: AuthorizationRequest, envelope: Envelope) -> list[Segment]:
    if not request.services:
        raise X12BuildError("a 278 request needs at least one service line")
    if request.end_date < request.start_date:
        raise X12BuildError("end_date is before start_date")
    segments = [
        *opening(structure="0007", reference=request.reference, stamp=envelope.timestamp,
                 payer=request.payer, payer_entity="X3", payer_field="payer",
                 provider=request.requester, provider_field="requester"),
        *_patient(request),
    ]
    event = 5 if has_dependent_level(request.dependent) else 4
    segments += _event(request, event)
    for offset, line in enumerate(request.services, start=1):
        segments += _service(request, line, hl=event + offset, parent=event)
    return segments


def _patient(request: AuthorizationRequest) -> list[Segment]:
    subscriber, dependent = request.subscriber, request.dependent
    if dependent is not None and not has_dependent_level(dependent):
        subscriber = as_subscriber(dependent)
    segments = [seg("HL", "3", "2", "22", "1"), *subscriber_segments(subscriber, "subscriber")]
    if dependent is not None and has_dependent_level(dependent):
        segments += [seg("HL", "4", "3", "23", "1"), *dependent_segments(dependent, "QC")]
    return segments


def _event(request: AuthorizationRequest, hl: int) -> list[Segment]:
    service_type = upper(require(request.service_type, "service_type"))
    place = require(request.place_of_service, "place_of_service")
    if len(place) != 2 or not place.isdigit():
        raise X12BuildError("place_of_service must be a 2-digit CMS place of service code")
    previous = request.previous_authorization
    return [
        seg("HL", str(hl), str(hl - 1), "EV", "1"),
        seg("TRN", "1", require(request.trace_number, "trace_number"),
            originator(request.trace_originator)),
        seg("UM", "HS", CertificationType(request.certification_type).value, service_type,
            Composite((place, "B"))),
        *([seg("REF", "BB", require(previous, "previous_authorization"))]
          if previous is not None else []),
        seg("DTP", "AAH", "RD8", _range(request)),
        *_diagnoses(request.diagnosis_codes),
    ]


def _service(request: AuthorizationRequest, line: ServiceLine, *, hl: int,
             parent: int) -> list[Segment]:
    code = upper(require(line.procedure_code, "procedure_code"))
    modifiers = tuple(upper(require(m, "modifiers")) for m in line.modifiers)
    if len(modifiers) > 4:
        raise X12BuildError("a service line takes at most 4 modifiers")
    if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or not (
        1 <= line.quantity <= MAX_QUANTITY
    ):
        raise X12BuildError(f"quantity must be a whole number from 1 to {MAX_QUANTITY}")
    unit = QuantityUnit(line.unit)
    return [
        seg("HL", str(hl), str(parent), "SS", "0"),
        seg("UM", "HS", CertificationType(request.certification_type).value),
        seg("DTP", "472", "RD8", _range(request)),
        seg("SV1", Composite((require(line.code_qualifier, "code_qualifier"), code, *modifiers)),
            None, "UN", str(line.quantity)),
        seg("HSD", unit.value, str(line.quantity)),
    ]


def _diagnoses(codes: tuple[str, ...]) -> list[Segment]:
    if not codes:
        return []
    if len(codes) > 12:
        raise X12BuildError("at most 12 diagnosis codes fit one HI segment")
    # ICD-10-CM travels without its decimal point.
    cleaned = [upper(require(code, "diagnosis_codes").replace(".", "")) for code in codes]
    return [seg("HI", *(
        Composite(("ABK" if index == 0 else "ABF", code)) for index, code in enumerate(cleaned)
    ))]


def _range(request: AuthorizationRequest) -> str:
    return f"{request.start_date:%Y%m%d}-{request.end_date:%Y%m%d}"
