"""When a payer route's recent checks open or resolve a route_degraded alert: pure rules.

A route is *degraded* when, over its checks of the last ``window`` (every practice's: a
route's health is the deployment's), there are at least ``min_checks`` and the share
answered, or the share answered within CORE's 20 seconds, is under its threshold. It has
*recovered* when its recent checks meet both thresholds again (any number of them: the
failures have aged out of the window or been outweighed). Too few checks with low shares
say nothing either way, so an open alert stays open and none opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from service.domain.route_health import RouteHealth

ROUTE_DEGRADED = "route_degraded"


@dataclass(frozen=True, kw_only=True)
class RouteAlertRule:
    window: timedelta = timedelta(hours=1)
    min_checks: int = 20
    min_success: float = 0.8
    min_within_20s: float = 0.8


def assess(health: RouteHealth, rule: RouteAlertRule) -> Literal["degraded", "recovered"] | None:
    """What the route's recent checks say: degraded, recovered, or nothing (None)."""
    if health.checks == 0 or health.success_share is None:
        return None
    within = health.within_budget_share or 0.0
    if health.success_share >= rule.min_success and within >= rule.min_within_20s:
        return "recovered"
    return "degraded" if health.checks >= rule.min_checks else None


def message(route: str, health: RouteHealth) -> str:
    """What the practice is told; the figures are the route's, never a patient's."""
    answered = round((health.success_share or 0.0) * 100)
    quick = round((health.within_budget_share or 0.0) * 100)
    return (f"Payer route {route} is degraded: {answered}% of its last {health.checks} "
            f"checks were answered, {quick}% within 20 seconds. Checks through it may fail "
            "or be slow; it resolves itself when the route recovers.")
