"""A phone verification: what a payer's representative said, as an answer's summary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from payers.x12.summary.types import (
    Amounts,
    CostShare,
    PlanInfo,
    Summary,
    VisitLimit,
)

# Figures a call gives as a total and what is left of it: (total field, remaining field).
PAIRS = (("deductible", "deductible_remaining"), ("out_of_pocket", "out_of_pocket_remaining"),
         ("visit_limit", "visits_remaining"))


def problems(data: Mapping[str, Any], *, now: datetime) -> dict[str, list[str]]:
    """Field messages for what no single field shows wrong: a call in the future, a plan
    ending before it begins, more left than the total."""
    found: dict[str, list[str]] = {}
    verified_at = data.get("verified_at")
    if verified_at is not None and verified_at > now:
        found["verified_at"] = ["The call cannot be in the future."]
    begin, end = data.get("plan_begin"), data.get("plan_end")
    if begin is not None and end is not None and end < begin:
        found["plan_end"] = ["The plan's end is before its beginning."]
    for total, remaining in PAIRS:
        whole, left = data.get(total), data.get(remaining)
        if whole is not None and left is not None and left > whole:
            found[remaining] = [f"More is left than the total ({whole})."]
    return found


def summary_of(data: Mapping[str, Any], *, network: Literal["in", "out"]) -> dict[str, Any]:
    """The call as the summary a 271 gives (payers/x12/summary/types.py), so that verdicts
    and estimates read it as any answer. The figures are the network's the call was about;
    a call that says active is about mental-health benefits, so they count as reported."""
    share = CostShare(
        copay=data.get("copay"), coinsurance=data.get("coinsurance"),
        deductible=Amounts(total=data.get("deductible"),
                           remaining=data.get("deductible_remaining")),
        out_of_pocket=Amounts(total=data.get("out_of_pocket"),
                              remaining=data.get("out_of_pocket_remaining")),
    )
    active = bool(data["active"])
    summary = Summary(
        network=network, active=active,
        plan=PlanInfo(begin=data.get("plan_begin"), end=data.get("plan_end")),
        in_network=share if network == "in" else CostShare(),
        out_of_network=share if network == "out" else CostShare(),
        visit_limit=VisitLimit(total=_count(data.get("visit_limit")),
                               remaining=_count(data.get("visits_remaining"))),
        auth_required=data.get("auth_required"), carve_out=None, messages=[], rejections=[],
        mh_benefits_reported=True if active else None,
    )
    return summary.to_json_dict()


def _count(value: int | None) -> Decimal | None:
    return Decimal(value) if value is not None else None
