"""Joining a question already at the payer: how long it may be, and waiting for its outcome."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from payers.registry import PayerRegistry
from service.db.check_port import CheckStore
from service.db.models import EligibilityCheck

# Past its deadline, a pending check's worker has died: time to start and store the answer.
MARGIN = timedelta(seconds=5)
POLL_S = 0.1


def deadline(registry: PayerRegistry, route: str) -> timedelta:
    """The longest a check on `route` stays pending: per route of its failover chain, a wait
    for a free slot and the call itself (each up to the route's timeout), then the margin.
    A pending check begun longer ago than this is no longer in flight."""
    total, seen, current = MARGIN, set(), route
    while current not in seen and current in registry.ids():
        seen.add(current)
        entry = registry.entry(current)
        total += timedelta(seconds=2 * entry.timeout_s)
        if entry.fallback is None:
            break
        current = entry.fallback
    return total


def wait_for(store: CheckStore, pending: EligibilityCheck, *, until: datetime,
             clock: Callable[[], datetime]) -> EligibilityCheck:
    """The check once it is no longer pending, or as it is at `until` (its deadline). The
    wait is measured on the monotonic clock: the injected one may stand still (tests)."""
    ends = time.monotonic() + max(0.0, (until - clock()).total_seconds())
    current = pending
    while time.monotonic() < ends:
        time.sleep(POLL_S)
        found = store.check(current.id)
        if found is None:
            break
        current = found
        if current.status != "pending":
            break
    return current
