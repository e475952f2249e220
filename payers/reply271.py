"""A 271 writer: plain dataclasses in, X12 text out, through the codec's own writer.

The simulated payer answers with it, and the clearinghouse JSON reply is mapped through it
so that every adapter's answer is decoded by the same 271 reader into the same structure.
Free text from outside (names, messages) goes through ``clean`` first: X12 has no escape
character, so delimiters and non-ASCII characters are replaced rather than refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from payers.x12.build import (
    Envelope,
    Repeated,
    Segment,
    TransactionSet,
    Usage,
    seg,
    write_interchange,
)
from payers.x12.x270 import GUIDE

_DELIMITERS = set("*~:^|>")


@dataclass(frozen=True, kw_only=True)
class Entity:
    """A 2120 benefit-related entity (e.g. the behavioral health organization)."""

    entity_id: str  # NM101: VN vendor, PR payer, X3 utilization management...
    name: str
    payer_id: str | None = None  # NM109 with NM108 PI
    phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class BenefitLine:
    """One EB segment with its MSG lines and optional 2120 loop."""

    code: str
    coverage_level: str | None = None
    service_types: tuple[str, ...] = ()
    insurance_type: str | None = None
    plan_description: str | None = None
    time_period: str | None = None
    amount: Decimal | None = None
    percent: Decimal | None = None
    quantity_qualifier: str | None = None
    quantity: Decimal | None = None
    auth_required: bool | None = None
    network: str | None = None  # Y, N, W, U
    messages: tuple[str, ...] = ()
    entity: Entity | None = None


@dataclass(frozen=True, kw_only=True)
class Person:
    last: str
    first: str | None = None
    member_id: str | None = None
    birth_date: date | None = None
    gender: str | None = None


@dataclass(frozen=True, kw_only=True)
class Aaa:
    reason: str  # AAA03
    follow_up: str  # AAA04
    valid_request: bool = False


@dataclass(frozen=True, kw_only=True)
class Reply:
    """Everything one 271 says; the envelope goes from the payer back to the provider."""

    control_number: int
    sender_id: str
    receiver_id: str
    usage: str
    timestamp: datetime
    reference: str  # BHT03, echoing the 270's
    payer_name: str
    payer_id: str
    provider_name: str | None = None
    provider_npi: str | None = None
    payer_rejections: tuple[Aaa, ...] = ()  # 2100A: when set, the reply ends there
    subscriber: Person | None = None
    dependent: Person | None = None
    traces: tuple[tuple[str, str, str], ...] = ()  # TRN01, TRN02, TRN03 at the patient
    patient_rejections: tuple[Aaa, ...] = ()
    group_number: str | None = None
    plan_begin: date | None = None
    plan_end: date | None = None
    benefits: tuple[BenefitLine, ...] = ()


def clean(text: str | None) -> str | None:
    """Printable ASCII without delimiters, at most 80 characters; None when nothing is left."""
    if text is None:
        return None
    kept = "".join(c if " " <= c <= "~" and c not in _DELIMITERS else " " for c in text)
    kept = " ".join(kept.split())[:80].strip()
    return kept or None


def write_271(reply: Reply) -> str:
    envelope = Envelope(
        sender_id=reply.sender_id, receiver_id=reply.receiver_id, usage=Usage(reply.usage),
        timestamp=reply.timestamp, interchange_control_number=reply.control_number,
        group_control_number=reply.control_number)
    return write_interchange(
        envelope=envelope, functional_id="HB", set_id="271", guide=GUIDE,
        transactions=[TransactionSet(control_number=reply.control_number,
                                     segments=_body(reply))])


def _body(reply: Reply) -> list[Segment]:
    stamp = reply.timestamp
    ends_at_payer = bool(reply.payer_rejections) or reply.subscriber is None
    segments = [
        seg("BHT", "0022", "11", reply.reference, stamp.strftime("%Y%m%d"),
            stamp.strftime("%H%M")),
        seg("HL", "1", None, "20", "0" if ends_at_payer else "1"),
        seg("NM1", "PR", "2", clean(reply.payer_name) or "PAYER", None, None, None, None, "PI",
            reply.payer_id),
        *_aaa(reply.payer_rejections),
    ]
    if ends_at_payer or reply.subscriber is None:
        return segments
    segments += [
        seg("HL", "2", "1", "21", "1"),
        seg("NM1", "1P", "2", clean(reply.provider_name) or "PROVIDER", None, None, None, None,
            "XX" if reply.provider_npi else None, reply.provider_npi),
        seg("HL", "3", "2", "22", "1" if reply.dependent else "0"),
    ]
    traces = [seg("TRN", *trace) for trace in reply.traces]
    # 2100 order per the TR3: NM1, REF, AAA, DMG, DTP; then the 2110 EB loops.
    refs = [seg("REF", "6P", reply.group_number)] if reply.group_number else []
    rejections = _aaa(reply.patient_rejections)
    if reply.dependent is None:
        segments += [*traces, *_person("IL", reply.subscriber, [*refs, *rejections])]
    else:
        segments += [*_person("IL", reply.subscriber, refs), seg("HL", "4", "3", "23", "0"),
                     *traces, *_person("03", reply.dependent, rejections)]
    if reply.patient_rejections:
        return segments
    if reply.plan_begin:
        segments.append(seg("DTP", "346", "D8", reply.plan_begin.strftime("%Y%m%d")))
    if reply.plan_end:
        segments.append(seg("DTP", "347", "D8", reply.plan_end.strftime("%Y%m%d")))
    for benefit in reply.benefits:
        segments += _benefit(benefit)
    return segments


def _person(entity: str, person: Person, between: list[Segment]) -> list[Segment]:
    member = (None, None) if not person.member_id else ("MI", person.member_id)
    segments = [seg("NM1", entity, "1", clean(person.last), clean(person.first),
                    None, None, None, *member), *between]
    if person.birth_date is not None:
        segments.append(seg("DMG", "D8", person.birth_date.strftime("%Y%m%d"), person.gender))
    return segments


def _aaa(rejections: Sequence[Aaa]) -> list[Segment]:
    return [seg("AAA", "Y" if r.valid_request else "N", None, r.reason, r.follow_up)
            for r in rejections]


def _benefit(b: BenefitLine) -> list[Segment]:
    auth = None if b.auth_required is None else ("Y" if b.auth_required else "N")
    segments = [seg(
        "EB", b.code, b.coverage_level, Repeated(b.service_types) if b.service_types else None,
        b.insurance_type, clean(b.plan_description), b.time_period, _decimal(b.amount),
        _decimal(b.percent), b.quantity_qualifier, _decimal(b.quantity), auth, b.network)]
    segments += [seg("MSG", text) for text in (clean(m) for m in b.messages) if text]
    if b.entity is not None:
        e = b.entity
        segments += [
            seg("LS", "2120"),
            seg("NM1", e.entity_id, "2", clean(e.name) or "UNKNOWN", None, None, None, None,
                "PI" if e.payer_id else None, e.payer_id),
            *([seg("PER", "IC", None, "TE", e.phone)] if e.phone else []),
            seg("LE", "2120"),
        ]
    return segments


def _decimal(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
