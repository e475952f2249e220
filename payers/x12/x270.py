"""270 eligibility inquiry builder (005010X279A1): plain dataclasses in, X12 text out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from payers.x12.build import (
    Envelope,
    Repeated,
    Segment,
    TransactionSet,
    X12BuildError,
    require,
    seg,
    upper,
    write_interchange,
)
from payers.x12.parties import (
    Dependent,
    Gender,
    InformationReceiver,
    InformationSource,
    PersonName,
    Relationship,
    Subscriber,
    as_subscriber,
    dependent_segments,
    has_dependent_level,
    opening,
    originator,
    subscriber_segments,
)

__all__ = [
    "GUIDE",
    "Dependent",
    "EligibilityInquiry",
    "EligibilityRequest",
    "Gender",
    "InformationReceiver",
    "InformationSource",
    "PersonName",
    "Relationship",
    "Subscriber",
    "build_270",
]

GUIDE = "005010X279A1"
MAX_SERVICE_TYPES = 99


@dataclass(frozen=True, kw_only=True)
class EligibilityInquiry:
    """One patient's question: which service types, on which date or date range."""

    subscriber: Subscriber
    dependent: Dependent | None = None
    trace_number: str
    service_types: tuple[str, ...] = ("30",)
    service_date: date | None = None
    service_end_date: date | None = None


@dataclass(frozen=True, kw_only=True)
class EligibilityRequest:
    """One 270 transaction set: a payer, a receiver and one or more inquiries (a batch)."""

    control_number: int
    reference: str
    source: InformationSource
    receiver: InformationReceiver
    trace_originator: str
    inquiries: tuple[EligibilityInquiry, ...]


def build_270(
    *, envelope: Envelope, requests: Sequence[EligibilityRequest], line_breaks: bool = False
) -> str:
    """An interchange holding one 270 per request; trace numbers must be unique across it."""
    traces: set[str] = set()
    sets = [
        TransactionSet(control_number=request.control_number,
                       segments=_body(request, envelope, traces))
        for request in requests
    ]
    return write_interchange(envelope=envelope, functional_id="HS", set_id="270", guide=GUIDE,
                             transactions=sets, line_breaks=line_breaks)


def _body(request: EligibilityRequest, envelope: Envelope, traces: set[str]) -> list[Segment]:
    if not request.inquiries:
        raise X12BuildError("a 270 needs at least one inquiry")
    segments = opening(structure="0022", reference=request.reference,
                       stamp=envelope.timestamp, payer=request.source, payer_entity="PR",
                       payer_field="source", provider=request.receiver,
                       provider_field="receiver")
    trn03 = originator(request.trace_originator)
    hl = 3
    for inquiry in request.inquiries:
        trace = require(inquiry.trace_number, "trace_number")
        if trace in traces:
            raise X12BuildError("trace_number must be unique per inquiry")
        traces.add(trace)
        segments += _inquiry(inquiry, hl, seg("TRN", "1", trace, trn03))
        hl += 2 if has_dependent_level(inquiry.dependent) else 1
    return segments


def _inquiry(inquiry: EligibilityInquiry, hl: int, trn: Segment) -> list[Segment]:
    subscriber, dependent = inquiry.subscriber, inquiry.dependent
    questions = _questions(inquiry)
    if dependent is not None and not has_dependent_level(dependent):
        return [seg("HL", str(hl), "2", "22", "0"), trn,
                *subscriber_segments(as_subscriber(dependent), "dependent"), *questions]
    if dependent is None:
        return [seg("HL", str(hl), "2", "22", "0"), trn,
                *subscriber_segments(subscriber, "subscriber"), *questions]
    return [
        seg("HL", str(hl), "2", "22", "1"),
        *subscriber_segments(subscriber, "subscriber"),
        seg("HL", str(hl + 1), str(hl), "23", "0"), trn,
        *dependent_segments(dependent, "03"),
        *questions,
    ]


def _questions(inquiry: EligibilityInquiry) -> list[Segment]:
    """DTP*291 (2100C/D) and the EQ (2110C/D) that follow the patient's name loop."""
    codes = tuple(upper(require(code, "service_types")) for code in inquiry.service_types)
    if not codes or len(codes) > MAX_SERVICE_TYPES:
        raise X12BuildError(f"service_types needs 1 to {MAX_SERVICE_TYPES} codes")
    if any(len(code) > 2 or not code.isascii() or not code.isalnum() for code in codes):
        raise X12BuildError("service_types must be 1-2 character codes")
    return [*_service_dates(inquiry), seg("EQ", Repeated(codes))]


def _service_dates(inquiry: EligibilityInquiry) -> list[Segment]:
    start, end = inquiry.service_date, inquiry.service_end_date
    if start is None:
        if end is not None:
            raise X12BuildError("service_end_date needs service_date")
        return []
    if end is None or end == start:
        return [seg("DTP", "291", "D8", start.strftime("%Y%m%d"))]
    if end < start:
        raise X12BuildError("service_end_date is before service_date")
    return [seg("DTP", "291", "RD8", f"{start:%Y%m%d}-{end:%Y%m%d}")]
