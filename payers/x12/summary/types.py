"""Result types of the mental-health summary, with their JSON shape."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Network = Literal["in", "out"]
Level = Literal["individual", "family"]
ProviderStatus = Literal["in", "out", "unknown"]
_CENT = Decimal("0.01")


@dataclass(slots=True)
class Amounts:
    """Total and remaining of a deductible or out-of-pocket maximum, with the coverage level
    they are for and, when the figures are an individual's, the family's beside them."""

    total: Decimal | None = None
    remaining: Decimal | None = None
    level: Level | None = None
    family: Amounts | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {**self.figures(), "level": self.level,
                "family": self.family.figures() if self.family is not None else None}

    def figures(self) -> dict[str, Any]:
        return {"total": _money(self.total), "remaining": _money(self.remaining)}


@dataclass(slots=True)
class Tier:
    """The figures of a benefit tier other than the standard one (a row the payer labels
    with a message such as "HIGHEST BENEFIT")."""

    label: str
    copay: Decimal | None = None
    coinsurance: Decimal | None = None
    deductible: Amounts = field(default_factory=Amounts)
    out_of_pocket: Amounts = field(default_factory=Amounts)

    def to_json_dict(self) -> dict[str, Any]:
        return {"label": self.label, "copay": _money(self.copay),
                "coinsurance": _rate(self.coinsurance),
                "deductible": self.deductible.figures(),
                "out_of_pocket": self.out_of_pocket.figures()}


@dataclass(slots=True)
class CostShare:
    """What the patient pays in one network (standard tier), and the other tiers."""

    copay: Decimal | None = None
    coinsurance: Decimal | None = None
    deductible: Amounts = field(default_factory=Amounts)
    out_of_pocket: Amounts = field(default_factory=Amounts)
    tiers: list[Tier] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return {"copay": _money(self.copay), "coinsurance": _rate(self.coinsurance),
                "deductible": self.deductible.to_json_dict(),
                "out_of_pocket": self.out_of_pocket.to_json_dict(),
                "tiers": [t.to_json_dict() for t in self.tiers]}


@dataclass(slots=True)
class Telehealth:
    """Cost shares the payer gives for telehealth places of service (02, 10) apart from the
    office, in the requested network."""

    copay: Decimal | None
    coinsurance: Decimal | None
    places: list[str]

    def to_json_dict(self) -> dict[str, Any]:
        return {"copay": _money(self.copay), "coinsurance": _rate(self.coinsurance),
                "places": list(self.places)}


@dataclass(slots=True)
class ProviderNetwork:
    """What the payer says about the network status of the provider asked about."""

    status: ProviderStatus = "unknown"
    evidence: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {"status": self.status, "evidence": self.evidence}


@dataclass(slots=True)
class OtherCoverage:
    """Another payer named in the reply (EB*R and its 2120 loop): coordination of benefits."""

    payer_name: str | None
    payer_id: str | None
    member_id: str | None
    hint: str | None

    def to_json_dict(self) -> dict[str, Any]:
        return {"payer_name": self.payer_name, "payer_id": self.payer_id,
                "member_id": self.member_id, "hint": self.hint}


@dataclass(slots=True)
class VisitLimit:
    total: Decimal | None = None
    remaining: Decimal | None = None
    period: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {"total": _count(self.total), "remaining": _count(self.remaining),
                "period": self.period}


@dataclass(slots=True)
class CarveOut:
    name: str | None
    payer_id: str | None
    phone: str | None

    def to_json_dict(self) -> dict[str, Any]:
        return {"name": self.name, "payer_id": self.payer_id, "phone": self.phone}


@dataclass(slots=True)
class RejectionSummary:
    code: str
    description: str | None
    follow_up: str
    loop: str
    retryable: bool
    # The vendor's own words beside the AAA (a clearinghouse's description and resolution
    # steps); an X12 AAA carries none, and the key is then left out.
    text: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "code": self.code, "description": self.description, "follow_up": self.follow_up,
            "loop": self.loop, "retryable": self.retryable}
        if self.text:
            found["text"] = self.text
        return found


@dataclass(slots=True)
class PlanInfo:
    name: str | None = None
    group_number: str | None = None
    begin: dt.date | None = None
    end: dt.date | None = None
    eligibility_end: dt.date | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {"name": self.name, "group_number": self.group_number,
                "begin": self.begin.isoformat() if self.begin else None,
                "end": self.end.isoformat() if self.end else None,
                "eligibility_end": (self.eligibility_end.isoformat()
                                    if self.eligibility_end else None)}


@dataclass(slots=True)
class Summary:
    """The mental-health answer for one patient and one network status."""

    network: Network
    active: bool | None
    plan: PlanInfo
    in_network: CostShare
    out_of_network: CostShare
    visit_limit: VisitLimit
    auth_required: bool | None
    carve_out: CarveOut | None
    messages: list[str]
    rejections: list[RejectionSummary]
    telehealth: Telehealth | None = None
    provider_network: ProviderNetwork = field(default_factory=ProviderNetwork)
    other_coverage: list[OtherCoverage] = field(default_factory=list)
    mh_benefits_reported: bool | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict: amounts as decimal strings, dates ISO, visits as integers."""
        return {
            "active": self.active, "plan": self.plan.to_json_dict(),
            "in_network": self.in_network.to_json_dict(),
            "out_of_network": self.out_of_network.to_json_dict(),
            "visit_limit": self.visit_limit.to_json_dict(),
            "auth_required": self.auth_required,
            "carve_out": self.carve_out.to_json_dict() if self.carve_out else None,
            "messages": list(self.messages),
            "rejections": [r.to_json_dict() for r in self.rejections],
            "telehealth": self.telehealth.to_json_dict() if self.telehealth else None,
            "provider_network": self.provider_network.to_json_dict(),
            "other_coverage": [o.to_json_dict() for o in self.other_coverage],
            "mh_benefits_reported": self.mh_benefits_reported,
        }


def _money(value: Decimal | None) -> str | None:
    return str(value.quantize(_CENT)) if value is not None else None


def _rate(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _count(value: Decimal | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else str(value)
