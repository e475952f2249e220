"""Builder of synthetic 278 responses (invented people): every decision as a payer sends it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from payers.x12.build import (
    Composite,
    Envelope,
    Segment,
    TransactionSet,
    Usage,
    seg,
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
    dependent_segments,
    opening,
    subscriber_segments,
)
from tests.support.people import Person


@dataclass(frozen=True, kw_only=True)
class Decision:
    """One patient event (2000E) with one service line (2000F)."""

    number: str | None = "ZZAUTH0001"
    action: str = "A1"
    quantity: int = 12
    unit: str = "VS"  # VS visits, FL units
    start: date = date(2026, 11, 1)
    end: date = date(2027, 3, 31)
    code: str = "90837"
    trace: str = "CWA0000031"
    dated: bool = True  # False leaves out the certified period (DTP), as a broken reply may


@dataclass(frozen=True, kw_only=True)
class Review:
    """One 278 response transaction set: whom it is about and its decisions."""

    subscriber: Subscriber
    dependent: Dependent | None = None
    decisions: tuple[Decision, ...] = field(default=(Decision(),))


def member(person: Person, member_id: str | None = None) -> Subscriber:
    """A synthetic person as the subscriber a payer names (NM1*IL, DMG)."""
    return Subscriber(member_id=member_id or person.member_id,
                      name=PersonName(last=person.last_name, first=person.first_name),
                      birth_date=date.fromisoformat(person.birth_date),
                      gender=Gender(person.gender))


def dependent(person: Person) -> Dependent:
    """A synthetic person as the dependent patient a payer names (NM1*QC, DMG)."""
    return Dependent(name=PersonName(last=person.last_name, first=person.first_name),
                     birth_date=date.fromisoformat(person.birth_date),
                     gender=Gender(person.gender), relationship=Relationship.CHILD)


def response_278(*reviews: Review) -> str:
    """An interchange holding one 278 response per review, in order."""
    envelope = Envelope(sender_id="ZZTESTPAYER", receiver_id="COVERWATCHTEST",
                        usage=Usage.TEST, timestamp=datetime(2026, 11, 2, 10, 15, tzinfo=UTC),
                        interchange_control_number=501, group_control_number=501)
    sets = [TransactionSet(control_number=n, segments=_body(review))
            for n, review in enumerate(reviews, start=1)]
    return write_interchange(envelope=envelope, functional_id="HI", set_id="278",
                             guide="005010X217", transactions=sets, line_breaks=True)


def _body(review: Review) -> list[Segment]:
    segments = opening(
        structure="0007", reference="CWAUTH0031", stamp=datetime(2026, 11, 2, tzinfo=UTC),
        payer=InformationSource(name="Zz Test Health Plan", payer_id="ZZPAYER01"),
        payer_entity="X3", payer_field="payer",
        provider=InformationReceiver(npi="1234567893", organization_name="Test Group"),
        provider_field="requester")
    # The opening is a request's (BHT02 13); a response says 11.
    segments[0] = seg("BHT", "0007", "11", "CWAUTH0031", "20261102", "1015")
    segments += [seg("HL", "3", "2", "22", "1"),
                 *subscriber_segments(review.subscriber, "subscriber")]
    patient = 3
    if review.dependent is not None:
        segments += [seg("HL", "4", "3", "23", "1"),
                     *dependent_segments(review.dependent, "QC")]
        patient = 4
    hl = patient
    for decision in review.decisions:
        event = hl + 1
        hl = event + 1
        segments += _decision(decision, event=event, parent=patient)
    return segments


def _decision(decision: Decision, *, event: int, parent: int) -> list[Segment]:
    period = f"{decision.start:%Y%m%d}-{decision.end:%Y%m%d}"
    hcr = seg("HCR", decision.action, decision.number)
    event_dates = [seg("DTP", "AAH", "RD8", period)] if decision.dated else []
    line_dates = [seg("DTP", "472", "RD8", period)] if decision.dated else []
    return [
        seg("HL", str(event), str(parent), "EV", "1"),
        seg("TRN", "2", decision.trace, "9COVERWTCH"),
        seg("UM", "HS", "I", "MH", Composite(("11", "B"))),
        hcr,
        *event_dates,
        seg("HSD", decision.unit, str(decision.quantity)),
        seg("HL", str(event + 1), str(event), "SS", "0"),
        seg("UM", "HS", "I"),
        hcr,
        *line_dates,
        seg("SV1", Composite(("HC", decision.code)), None, "UN", str(decision.quantity)),
    ]
