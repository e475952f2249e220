"""A payer route's health from its recent checks: answers, speed, and what went wrong.

A check *succeeded* when the payer answered (active, inactive, or an AAA rejection: the
payer spoke); it failed when there was no usable answer (status error: timeout, down, bad
reply, circuit open, busy). Latencies are of the checks that took any (a check refused
before a call has none). A route is *degraded* with at least MIN_CHECKS checks and a
success share under MIN_SUCCESS, or a p95 latency past CORE's 20-second real-time budget.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ANSWERED = frozenset({"active", "inactive", "rejected"})
CORE_BUDGET_MS = 20_000.0
MIN_CHECKS = 5
MIN_SUCCESS = 0.8
TOP_ERRORS = 3


@dataclass(frozen=True)
class Outcome:
    """One stored check of a route: its status, error code and elapsed milliseconds."""

    status: str
    error_code: str | None
    elapsed_ms: float | None


@dataclass(frozen=True)
class RouteHealth:
    checks: int
    success_share: float | None
    p50_ms: float | None
    p95_ms: float | None
    within_budget_share: float | None
    errors: tuple[tuple[str, int], ...]

    @property
    def degraded(self) -> bool:
        if self.checks < MIN_CHECKS:
            return False
        slow = self.p95_ms is not None and self.p95_ms > CORE_BUDGET_MS
        return slow or (self.success_share is not None and self.success_share < MIN_SUCCESS)


def route_health(outcomes: Iterable[Outcome]) -> RouteHealth:
    rows = list(outcomes)
    if not rows:
        return RouteHealth(0, None, None, None, None, ())
    answered = sum(1 for row in rows if row.status in ANSWERED)
    times = sorted(row.elapsed_ms for row in rows if row.elapsed_ms is not None)
    within = sum(1 for row in rows if row.status in ANSWERED and row.elapsed_ms is not None
                 and row.elapsed_ms <= CORE_BUDGET_MS)
    errors = Counter(row.error_code for row in rows
                     if row.status not in ANSWERED and row.error_code)
    # Most common first; a tie in count goes by code, so the answer is stable.
    top = sorted(errors.items(), key=lambda item: (-item[1], item[0]))[:TOP_ERRORS]
    return RouteHealth(checks=len(rows), success_share=answered / len(rows),
                       p50_ms=percentile(times, 50), p95_ms=percentile(times, 95),
                       within_budget_share=within / len(rows), errors=tuple(top))


def percentile(ordered: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile of sorted values (None for none)."""
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]
