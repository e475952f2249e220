"""The simulated payer: reads a 270 and answers 271 text chosen by the patient's member id.

The table of member ids is in the docstring of __init__.py. Replies echo the 270's BHT03,
TRN (as TRN01 2), payer, provider, names and ids, with a correct envelope and counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from payers.adapters.sandbox.read import Person, Read270, read_270
from payers.adapters.sandbox.reply271 import clean, write_271
from payers.x12.build import Envelope, Usage
from payers.x12.errors import X12Error
from payers.x12.x271.loops import Benefit, Eligibility271
from payers.x12.x271.make import Made271, benefit, eb, entity, organization, person
from payers.x12.x271.parts import Name, Party

BHO_PAYER_ID = "SANDBOXBHO"  # the sandbox-bho directory entry's payer_id
BHO_NAME = "SANDBOX BEHAVIORAL HEALTH"
BHO_PHONE = "8005550142"
PAYER_TRACE_ORIGINATOR = "9SANDBOXPY"
MH = ("MH", "A6", "CF")
GARBAGE = "<html><body>Service temporarily rerouted</body></html>"


class Fault(StrEnum):
    """Ways the simulated payer misbehaves, for demos and the adapter contract tests."""

    DOWN = "down"  # nothing listening: the connection is refused
    SERVER_ERROR = "server-error"  # HTTP 500
    NO_ANSWER = "no-answer"  # never answers within the route's timeout
    GARBAGE = "garbage"  # HTTP 200 with a body that is no 271
    WRONG_TRACE = "wrong-trace"  # a well-formed 271 for another trace number
    ENVELOPE_ERROR = "envelope-error"  # CORE ErrorCode other than Success


FAULTS = {
    "ZZT0000500": Fault.DOWN, "ZZT0000502": Fault.SERVER_ERROR,
    "ZZT0000504": Fault.NO_ANSWER, "ZZT0000991": Fault.GARBAGE,
    "ZZT0000992": Fault.WRONG_TRACE, "ZZT0000993": Fault.ENVELOPE_ERROR,
}


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What the simulated payer does: a fault, or 271 text (both for WRONG_TRACE)."""

    fault: Fault | None = None
    x271: str | None = None


def simulate(x270: str) -> Outcome:
    """Answer one 270 interchange. A 270 the codec cannot read is answered with GARBAGE
    (a real payer would send a 999; the sandbox only has to be unmistakably unusable)."""
    try:
        read = read_270(x270)
    except X12Error:
        return Outcome(fault=Fault.GARBAGE, x271=GARBAGE)
    fault = FAULTS.get(read.member_id.upper())
    if fault is Fault.GARBAGE:
        return Outcome(fault=fault, x271=GARBAGE)
    if fault is Fault.WRONG_TRACE:
        other = ("SBX-OTHER-TRACE", PAYER_TRACE_ORIGINATOR)
        return Outcome(fault=fault, x271=write_reply(read, reply_for(read, trace=other)))
    if fault is not None:
        return Outcome(fault=fault)
    return Outcome(x271=write_reply(read, reply_for(read)))


def write_reply(read: Read270, answer: Eligibility271) -> str:
    """``answer`` as 271 text in an interchange back to the 270's sender."""
    return write_271(answer, envelope=Envelope(
        sender_id=read.receiver_id, receiver_id=read.sender_id, usage=Usage(read.usage),
        timestamp=read.timestamp, interchange_control_number=read.control_number,
        group_control_number=read.control_number))


def reply_for(read: Read270, *, trace: tuple[str, str] | None = None,
              copay: Decimal = Decimal(25)) -> Eligibility271:
    """The 271 for ``read``: echoes, plus the scenario its member id selects (``copay``:
    the in-network copay of an active plan)."""
    member = read.member_id.upper()
    if member == "ZZT0000042":
        return answer(read, trace=trace, payer_rejection=("42", "P"))
    if member in ("ZZT0000072", "ZZT0000073", "ZZT0000075"):
        return answer(read, trace=trace, rejection=(member[-2:], "C"))
    if member == "ZZT0000005":
        return answer(read, trace=trace, plan_year=read.timestamp.year - 1, benefits=[
            benefit(eb("6", coverage_level="IND", service_types=("30",),
                       plan_description="SANDBOX PPO"))])
    if member == "ZZT0000004" and read.payer_id.upper() != BHO_PAYER_ID:
        return answer(read, trace=trace, benefits=_carve_out())
    extra = _visit_limit() if member in ("ZZT0000002", "ZZT0000023") else []
    return answer(read, trace=trace, july_plan=member == "ZZT0000023",
                  eligibility_ends=member == "ZZT0000357",
                  benefits=[*_active(auth=member == "ZZT0000003", copay=copay), *extra])


def answer(read: Read270, *, trace: tuple[str, str] | None = None,
           payer_rejection: tuple[str, str] | None = None,
           rejection: tuple[str, str] | None = None, plan_year: int | None = None,
           july_plan: bool = False, eligibility_ends: bool = False,
           benefits: list[Benefit] | None = None) -> Eligibility271:
    """A 271 echoing ``read`` (BHT03, TRN as TRN01 2 or ``trace``, payer, provider, people).

    ``payer_rejection`` (AAA03, AAA04) ends it at the payer; ``rejection`` is an AAA at the
    patient, which then has no plan dates or benefits. The plan runs through ``plan_year``
    (default: the year of the 270), or from 1 July to 30 June around the 270's date with
    ``july_plan``; ``eligibility_ends`` adds the member's eligibility end (DTP 357) on the
    plan's last day.
    """
    made = Made271(control_number=f"{read.control_number:04d}", reference=read.reference,
                   created=read.timestamp)
    source = made.level(organization("PR", clean(read.payer_name) or "PAYER", qualifier="PI",
                                     identifier=read.payer_id))
    if payer_rejection is not None or read.subscriber is None:
        if payer_rejection is not None:
            made.rejection(source.party, *payer_rejection, valid_request=True)
        return made.done()
    receiver = made.level(organization("1P", clean(read.provider_name) or "PROVIDER",
                                       qualifier="XX", identifier=read.provider_npi),
                          parent=source)
    echoed = trace or read.trace
    traces = [("2", *echoed)] if echoed else []
    traces.append(("1", f"SBX{read.control_number:09d}", PAYER_TRACE_ORIGINATOR))
    subscriber = made.level(_name("IL", read.subscriber), parent=receiver)
    patient = subscriber
    if read.dependent is None:
        for trace_type, reference, originator in traces:
            made.trace(subscriber, trace_type, reference, originator)
    if rejection is None:
        made.reference(subscriber.party, "6P", "SBX-GROUP-100")
    if read.dependent is not None:
        _born(made, subscriber.party, read.subscriber)
        patient = made.level(_name("03", read.dependent), parent=subscriber)
        for trace_type, reference, originator in traces:
            made.trace(patient, trace_type, reference, originator)
    if rejection is not None:
        made.rejection(patient.party, *rejection)
    _born(made, patient.party, read.dependent or read.subscriber)
    if rejection is not None:
        return made.done()
    year = plan_year or read.timestamp.year
    begin, end = date(year, 1, 1), date(year, 12, 31)
    if july_plan:
        year -= read.timestamp.month < 7
        begin, end = date(year, 7, 1), date(year + 1, 6, 30)
    made.date(patient.party, "346", begin)
    made.date(patient.party, "347", end)
    if eligibility_ends:
        made.date(patient.party, "357", end)
    made.benefits(patient, benefits or [])
    return made.done()


def _name(entity_id: str, who: Person) -> Name:
    return person(entity_id, clean(who.last) or "", first=clean(who.first) or "",
                  member_id=who.member_id or "")


def _born(made: Made271, party: Party, who: Person) -> None:
    if who.birth_date is not None:
        made.born(party, who.birth_date, who.gender or "")


def _plan() -> list[Benefit]:
    return [
        benefit(eb("1", coverage_level="IND", service_types=("30",), insurance_type="PR",
                   plan_description="SANDBOX PPO")),
        benefit(eb("1", service_types=("1", "33", "35", "47", "86", "88", "98", "AL", "MH",
                                       "UC"))),
    ]


def _active(*, auth: bool, copay: Decimal) -> list[Benefit]:
    messages = ("PRIOR AUTHORIZATION REQUIRED FOR OUTPATIENT PSYCHOTHERAPY",) if auth else ()

    def line(code: str, network: str, period: str, *, amount: Decimal | None = None,
             percent: Decimal | None = None, auth_required: bool | None = None,
             messages: tuple[str, ...] = ()) -> Benefit:
        return benefit(eb(code, coverage_level="IND", service_types=MH, insurance_type="PR",
                          network=network, time_period=period, amount=amount,
                          percent=percent, auth_required=auth_required), messages=messages)

    return [
        *_plan(),
        line("B", "Y", "27", amount=copay, auth_required=auth, messages=messages),
        line("A", "Y", "27", percent=Decimal("0.1"), auth_required=auth),
        line("B", "N", "27", amount=Decimal(50), auth_required=auth),
        line("A", "N", "27", percent=Decimal("0.4"), auth_required=auth),
        line("C", "Y", "23", amount=Decimal(500)),
        line("C", "Y", "29", amount=Decimal("125.50")),
        line("C", "N", "23", amount=Decimal(1500)),
        line("C", "N", "29", amount=Decimal(1500)),
        line("G", "Y", "23", amount=Decimal(3000)),
        line("G", "Y", "29", amount=Decimal(2200)),
        line("G", "N", "23", amount=Decimal(6000)),
        line("G", "N", "29", amount=Decimal(6000)),
    ]


def _visit_limit() -> list[Benefit]:
    return [
        benefit(eb("F", coverage_level="IND", service_types=MH, insurance_type="PR",
                   time_period=period, quantity_qualifier="VS", quantity=Decimal(visits),
                   network="W"))
        for period, visits in (("23", 20), ("29", 8))
    ]


def _carve_out() -> list[Benefit]:
    return [
        *_plan(),
        benefit(eb("U", service_types=("MH", "A6", "CF", "A8", "AI")),
                messages=(f"BEHAVIORAL HEALTH BENEFITS ADMINISTERED BY {BHO_NAME}",),
                entity=entity(organization("VN", BHO_NAME, qualifier="PI",
                                           identifier=BHO_PAYER_ID), phone=BHO_PHONE)),
    ]
