"""What changed between two answered eligibility summaries of one coverage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Summary = dict[str, Any]


def _network(summary: Summary, network: str) -> Summary:
    return summary.get("in_network" if network == "in" else "out_of_network") or {}


def _carve_out(summary: Summary) -> str | None:
    carve = summary.get("carve_out") or {}
    return carve.get("name") or carve.get("payer_id") or None


# (field, label, how to read it from a summary and the coverage's network status)
FIELDS: tuple[tuple[str, str, Callable[[Summary, str], Any]], ...] = (
    ("plan_begin", "Plan begins", lambda s, n: (s.get("plan") or {}).get("begin")),
    ("plan_end", "Plan ends", lambda s, n: (s.get("plan") or {}).get("end")),
    ("copay", "Copay", lambda s, n: _network(s, n).get("copay")),
    ("coinsurance", "Coinsurance", lambda s, n: _network(s, n).get("coinsurance")),
    ("deductible", "Deductible",
     lambda s, n: (_network(s, n).get("deductible") or {}).get("total")),
    ("deductible_remaining", "Deductible remaining",
     lambda s, n: (_network(s, n).get("deductible") or {}).get("remaining")),
    ("out_of_pocket", "Out-of-pocket maximum",
     lambda s, n: (_network(s, n).get("out_of_pocket") or {}).get("total")),
    ("out_of_pocket_remaining", "Out-of-pocket remaining",
     lambda s, n: (_network(s, n).get("out_of_pocket") or {}).get("remaining")),
    ("visit_limit", "Visit limit", lambda s, n: (s.get("visit_limit") or {}).get("total")),
    ("visit_limit_remaining", "Visits remaining",
     lambda s, n: (s.get("visit_limit") or {}).get("remaining")),
    ("auth_required", "Prior authorization required", lambda s, n: s.get("auth_required")),
    ("carve_out", "Behavioral health managed by", lambda s, n: _carve_out(s)),
)


def compare(
    before: Summary, before_status: str, after: Summary, after_status: str, *, network: str,
) -> list[dict[str, Any]]:
    """Each difference as {field, label, before, after}; the plan's status first."""
    changes: list[dict[str, Any]] = []
    if before_status != after_status:
        changes.append({"field": "status", "label": "Coverage", "before": before_status,
                        "after": after_status})
    for field, label, read in FIELDS:
        old, new = read(before, network), read(after, network)
        if old != new:
            changes.append({"field": field, "label": label, "before": old, "after": new})
    return changes


def sentence(change: dict[str, Any]) -> str:
    """The change as the front desk reads it in an alert."""
    if change["field"] == "status":
        if change["after"] == "inactive":
            return ("The coverage is now inactive (it was active): ask the client for their "
                    "current insurance before the next visit.")
        return f"The coverage is now {change['after']} (it was {change['before']})."
    return f"{change['label']} changed from {_show(change['before'])} to " \
           f"{_show(change['after'])}."


def _show(value: Any) -> str:
    if value is None:
        return "not stated"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
