"""A check's mental-health summary as CoverageEligibilityResponse insurance items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from service.fhir.benefit_facts import fact_items
from service.fhir.codes import (
    BENEFIT_CODE_SYSTEM,
    BENEFIT_TYPE_SYSTEM,
    MENTAL_HEALTH_TYPES,
    NETWORK_SYSTEM,
    SERVICE_TYPE_NAMES,
    SERVICE_TYPE_SYSTEM,
    UNIT_SYSTEM,
    coding,
    concept,
)

NETWORKS = (("in", "in_network"), ("out", "out_of_network"))
# Each benefit's type: HL7's benefit-type code where it has one, and X12's EB01 code.
TYPES = {
    "copay": ("copay", "B", "Co-Payment"),
    "coinsurance": ("copay-percent", "A", "Co-Insurance"),
    "deductible": ("deductible", "C", "Deductible"),
    "out_of_pocket": (None, "G", "Out of Pocket (Stop Loss)"),
    "visit_limit": ("visit", "F", "Limitations"),
}


def category(service_types: str) -> dict[str, Any]:
    """The service type that names the items: the first asked, in the summary's order."""
    asked = service_types.split(",")
    code = next((t for t in MENTAL_HEALTH_TYPES if t in asked), asked[0])
    return concept(SERVICE_TYPE_SYSTEM, code, SERVICE_TYPE_NAMES.get(code))


def items(summary: dict[str, Any], *, service_types: str, network: str,
          provider_npi: str | None = None) -> list[dict[str, Any]]:
    """One item per network (and coverage level) the payer gave figures for; the visit limit
    and whether an authorization is required belong to the coverage's own network
    (`network`), which is the one the summary read them for. A deductible or out-of-pocket
    maximum the payer gave for the family only (or the family's beside the individual's)
    goes to an item whose unit is `family`. Then the items of the other facts: tiers,
    telehealth, the provider's network (benefit_facts.py)."""
    return [*_figure_items(summary, service_types=service_types, network=network),
            *fact_items(summary, category=category(service_types), network=network,
                        provider_npi=provider_npi, benefits=_shares)]


def _shares(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """A tier's or telehealth's copay, coinsurance, deductible and out-of-pocket maximum."""
    return [*_money("copay", figures.get("copay")), *_percent(figures.get("coinsurance")),
            *_amounts("deductible", figures.get("deductible")),
            *_amounts("out_of_pocket", figures.get("out_of_pocket"))]


def _figure_items(summary: dict[str, Any], *, service_types: str,
                  network: str) -> list[dict[str, Any]]:
    found = []
    for code, key in NETWORKS:
        shares = summary.get(key) or {}
        benefits = [*_money("copay", shares.get("copay")), *_percent(shares.get("coinsurance"))]
        family: list[dict[str, Any]] = []
        for name in ("deductible", "out_of_pocket"):
            amounts = shares.get(name) or {}
            (family if amounts.get("level") == "family" else benefits).extend(
                _amounts(name, amounts))
            family.extend(_amounts(name, amounts.get("family")))
        item: dict[str, Any] = {"category": category(service_types),
                                "network": concept(NETWORK_SYSTEM, code),
                                "unit": concept(UNIT_SYSTEM, "individual")}
        if code == network:
            benefits.extend(_visits(summary.get("visit_limit") or {}))
            if summary.get("auth_required") is not None:
                item["authorizationRequired"] = summary["auth_required"]
        if benefits:
            item["benefit"] = benefits
        if benefits or "authorizationRequired" in item:
            found.append(item)
        if family:
            found.append({**item, "unit": concept(UNIT_SYSTEM, "family"), "benefit": family})
            found[-1].pop("authorizationRequired", None)
    return found


def _type(name: str) -> dict[str, Any]:
    hl7, x12, display = TYPES[name]
    codings = [coding(BENEFIT_TYPE_SYSTEM, hl7)] if hl7 else []
    return {"coding": [*codings, coding(BENEFIT_CODE_SYSTEM, x12, display)], "text": display}


def _dollars(value: Decimal) -> dict[str, Any]:
    return {"value": value, "currency": "USD"}


def _money(name: str, value: str | None) -> list[dict[str, Any]]:
    if value is None:
        return []
    return [{"type": _type(name), "allowedMoney": _dollars(Decimal(value))}]


def _percent(rate: str | None) -> list[dict[str, Any]]:
    """A rate ("0.1") as the percent FHIR's copay-percent counts (10)."""
    if rate is None:
        return []
    percent = Decimal(rate) * 100
    return [{"type": _type("coinsurance"), **_count("allowed", percent)}]


def _amounts(name: str, amounts: dict[str, Any] | None) -> list[dict[str, Any]]:
    """FHIR has allowed and used: remaining is allowed minus used."""
    total = (amounts or {}).get("total")
    if total is None:
        return []
    benefit: dict[str, Any] = {"type": _type(name), "allowedMoney": _dollars(Decimal(total))}
    if amounts and amounts.get("remaining") is not None:
        benefit["usedMoney"] = _dollars(Decimal(total) - Decimal(amounts["remaining"]))
    return [benefit]


def _visits(limit: dict[str, Any]) -> list[dict[str, Any]]:
    if limit.get("total") is None:
        return []
    total = Decimal(limit["total"])
    benefit: dict[str, Any] = {"type": _type("visit_limit"), **_count("allowed", total)}
    if limit.get("remaining") is not None:
        benefit.update(_count("used", total - Decimal(limit["remaining"])))
    return [benefit]


def _count(prefix: str, value: Decimal) -> dict[str, Any]:
    """A whole count as unsignedInt; a payer's fraction as text (FHIR has no decimal here)."""
    if value == value.to_integral_value() and value >= 0:
        return {f"{prefix}UnsignedInt": int(value)}
    return {f"{prefix}String": format(value.normalize(), "f")}
