"""Reasons from what the payer said beside the figures: the provider's network status, other
payers that may be primary, and mental health left unsaid."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from service.domain.reasons import Reason, reason


def provider_out_of_network(network: Literal["in", "out"],
                            summary: Mapping[str, Any] | None) -> bool:
    """The coverage is booked in network but the payer says the provider asked about is out:
    the visit is then paid (and estimated) at the out-of-network figures."""
    if network != "in" or not summary:
        return False
    stated = summary.get("provider_network") or {}
    return stated.get("status") == "out"


def payer_fact_reasons(network: Literal["in", "out"],
                       summary: Mapping[str, Any]) -> list[Reason]:
    """PROVIDER_OUT_OF_NETWORK, OTHER_COVERAGE_REPORTED and MH_BENEFITS_NOT_REPORTED, from a
    summary of the latest answer (summaries stored before these facts carry none)."""
    found: list[Reason] = []
    if provider_out_of_network(network, summary):
        evidence = (summary.get("provider_network") or {}).get("evidence")
        found.append(reason(
            "PROVIDER_OUT_OF_NETWORK",
            "The coverage is booked in network, but the payer says this provider is out of "
            "network: the client may owe the out-of-network share (shown in the estimate). "
            "Confirm the provider's network status with the payer before the visit.",
            evidence=evidence))
    others = [o for o in summary.get("other_coverage") or () if isinstance(o, Mapping)]
    if others:
        names = [_payer(o) for o in others]
        found.append(reason(
            "OTHER_COVERAGE_REPORTED",
            f"The payer names other coverage ({'; '.join(names)}), which may be primary: ask "
            "the client about it and bill the primary payer first.",
            payers=[{"name": o.get("payer_name"), "payer_id": o.get("payer_id")}
                    for o in others]))
    if summary.get("mh_benefits_reported") is False:
        found.append(reason(
            "MH_BENEFITS_NOT_REPORTED",
            "The payer's answer says nothing about mental-health benefits beyond the plan: "
            "call the payer to confirm therapy is covered and what the client pays.",
            basis="no_mental_health_rows"))
    return found


def _payer(other: Mapping[str, Any]) -> str:
    name = other.get("payer_name") or "a payer not named"
    payer_id = other.get("payer_id")
    return name + (f", payer ID {payer_id}" if payer_id else "")
