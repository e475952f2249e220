"""The simulated payer: reads a 270 and answers 271 text chosen by the patient's member id.

The table of member ids is in payers/sandbox.py's docstring. Replies echo the 270's BHT03,
TRN (as TRN01 2), payer, provider, names and ids, with a correct envelope and counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from payers.reply271 import Aaa, BenefitLine, Entity, Reply, write_271
from payers.sandbox_read import Read270, read_270
from payers.x12.errors import X12Error

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
        return Outcome(fault=fault, x271=write_271(reply_for(read, trace=other)))
    if fault is not None:
        return Outcome(fault=fault)
    return Outcome(x271=write_271(reply_for(read)))


def reply_for(read: Read270, *, trace: tuple[str, str] | None = None) -> Reply:
    """The 271 for ``read``: echoes, plus the scenario its member id selects."""
    echoed = trace or read.trace
    traces = (("2", *echoed),) if echoed else ()
    year = read.timestamp.year
    base = Reply(
        control_number=read.control_number, sender_id=read.receiver_id,
        receiver_id=read.sender_id, usage=read.usage, timestamp=read.timestamp,
        reference=read.reference, payer_name=read.payer_name, payer_id=read.payer_id,
        provider_name=read.provider_name, provider_npi=read.provider_npi,
        subscriber=read.subscriber, dependent=read.dependent,
        traces=(*traces, ("1", f"SBX{read.control_number:09d}", PAYER_TRACE_ORIGINATOR)),
        group_number="SBX-GROUP-100", plan_begin=date(year, 1, 1), plan_end=date(year, 12, 31))
    member = read.member_id.upper()
    if member == "ZZT0000042":
        return replace(base, subscriber=None, payer_rejections=(
            Aaa(reason="42", follow_up="P", valid_request=True),))
    if member in ("ZZT0000072", "ZZT0000073", "ZZT0000075"):
        return replace(base, group_number=None, plan_begin=None, plan_end=None,
                       patient_rejections=(Aaa(reason=member[-2:], follow_up="C"),))
    if member == "ZZT0000005":
        return replace(base, plan_begin=date(year - 1, 1, 1), plan_end=date(year - 1, 12, 31),
                       benefits=(BenefitLine(code="6", coverage_level="IND",
                                             service_types=("30",),
                                             plan_description="SANDBOX PPO"),))
    if member == "ZZT0000004" and read.payer_id.upper() != BHO_PAYER_ID:
        return replace(base, benefits=_carve_out())
    extra: tuple[BenefitLine, ...] = ()
    if member == "ZZT0000002":
        extra = _visit_limit()
    return replace(base, benefits=(*_active(auth=member == "ZZT0000003"), *extra))


def _plan() -> tuple[BenefitLine, ...]:
    return (
        BenefitLine(code="1", coverage_level="IND", service_types=("30",),
                    insurance_type="PR", plan_description="SANDBOX PPO"),
        BenefitLine(code="1", service_types=("1", "33", "35", "47", "86", "88", "98", "AL",
                                             "MH", "UC")),
    )


def _active(*, auth: bool) -> tuple[BenefitLine, ...]:
    messages = ("PRIOR AUTHORIZATION REQUIRED FOR OUTPATIENT PSYCHOTHERAPY",) if auth else ()

    def line(code: str, network: str, period: str, *, amount: Decimal | None = None,
             percent: Decimal | None = None, auth_required: bool | None = None,
             messages: tuple[str, ...] = ()) -> BenefitLine:
        return BenefitLine(code=code, coverage_level="IND", service_types=MH,
                           insurance_type="PR", network=network, time_period=period,
                           amount=amount, percent=percent, auth_required=auth_required,
                           messages=messages)

    return (
        *_plan(),
        line("B", "Y", "27", amount=Decimal(25), auth_required=auth,
             messages=messages),
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
    )


def _visit_limit() -> tuple[BenefitLine, ...]:
    return (
        BenefitLine(code="F", coverage_level="IND", service_types=MH, insurance_type="PR",
                    time_period="23", quantity_qualifier="VS", quantity=Decimal(20),
                    network="W"),
        BenefitLine(code="F", coverage_level="IND", service_types=MH, insurance_type="PR",
                    time_period="29", quantity_qualifier="VS", quantity=Decimal(8),
                    network="W"),
    )


def _carve_out() -> tuple[BenefitLine, ...]:
    return (
        *_plan(),
        BenefitLine(code="U", service_types=("MH", "A6", "CF", "A8", "AI"),
                    messages=(f"BEHAVIORAL HEALTH BENEFITS ADMINISTERED BY {BHO_NAME}",),
                    entity=Entity(entity_id="VN", name=BHO_NAME, payer_id=BHO_PAYER_ID,
                                  phone=BHO_PHONE)),
    )
