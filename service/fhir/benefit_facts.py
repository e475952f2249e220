"""The summary's facts beyond the standard figures as CoverageEligibilityResponse items: other
benefit tiers, telehealth cost shares, and the provider's network status as the payer gave it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.fhir.codes import NETWORK_SYSTEM, NPI_SYSTEM, UNIT_SYSTEM, concept

# CMS place of service codes (X12 III02 with III01 ZZ): the telehealth places a payer names.
PLACE_SYSTEM = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
PLACES = {"02": "Telehealth Provided Other than in Patient's Home",
          "10": "Telehealth Provided in Patient's Home"}
NETWORK_WORDS = {"in": "in network", "out": "out of network"}
# What the benefits of an item are made from: (name, figures) -> FHIR benefits.
Benefits = Callable[[dict[str, Any]], list[dict[str, Any]]]


def fact_items(summary: dict[str, Any], *, category: dict[str, Any], network: str,
               provider_npi: str | None, benefits: Benefits) -> list[dict[str, Any]]:
    """Items for each tier other than the standard one (per network), telehealth figures
    (the coverage's network, places of service as modifiers), and the provider's network
    status (an item naming the provider, its network the payer's word)."""
    found: list[dict[str, Any]] = []
    for code, key in (("in", "in_network"), ("out", "out_of_network")):
        for tier in (summary.get(key) or {}).get("tiers") or []:
            given = benefits(tier)
            if given:
                found.append(_item(category, code, benefit=given, name=tier["label"],
                                   description=f"Benefit tier {tier['label']}: another tier "
                                               "the payer lists for the same benefits; the "
                                               "item without a name holds the standard "
                                               "tier's figures"))
    telehealth = summary.get("telehealth")
    if telehealth:
        given = benefits(telehealth)
        places = [p for p in telehealth.get("places") or [] if p in PLACES]
        if given:
            item = _item(category, network, benefit=given,
                         description="Telehealth: what the patient pays for a visit at "
                                     f"place of service {' or '.join(places) or 'telehealth'}")
            if places:
                item["modifier"] = [concept(PLACE_SYSTEM, p, PLACES[p]) for p in places]
            found.append(item)
    said = summary.get("provider_network") or {}
    status = said.get("status")
    if status in NETWORK_WORDS:
        evidence = f" ({said['evidence']})" if said.get("evidence") else ""
        item = _item(category, status, description=f"The payer says the provider asked about "
                                                   f"is {NETWORK_WORDS[status]}{evidence}")
        if provider_npi:
            item["provider"] = {"identifier": {"system": NPI_SYSTEM, "value": provider_npi}}
        found.append(item)
    return found


def _item(category: dict[str, Any], network: str, *, description: str,
          benefit: list[dict[str, Any]] | None = None,
          name: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"category": category, "network": concept(NETWORK_SYSTEM, network),
                            "unit": concept(UNIT_SYSTEM, "individual")}
    if name:
        item["name"] = name
    item["description"] = description
    if benefit:
        item["benefit"] = benefit
    return item
