"""Per-route concurrency cap, a tenant's share of it, and a bound on the threads a route holds.

At most ``limit`` checks are in flight per route; a check beyond it waits for a slot up to
the route's timeout, then fails with BUSY. This protects payers that throttle or ban senders.

Two bounds fail fast (BUSY at once, nothing sent) for callers that are not batch callers:
- ``tenant_limit``: a tenant's checks in flight or waiting on the route. A tenant's flood
  then queues behind nothing, and leaves the other slots to the other tenants.
- ``held_limit``: all such checks in flight or waiting on the route. Each holds a server
  thread, so one slow payer holds at most that many of the process's threads.
Batch callers (a nightly run, with caps and pacing of its own) may use the whole cap.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from payers.base import UNKNOWN_ORIGIN, Origin, PayerError, PayerErrorCode


class ConcurrencyCap:
    """A semaphore with a bounded wait and fair-share counters; peaks for tests and metrics."""

    def __init__(self, *, route: str, limit: int) -> None:
        self.route = route
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.held = 0  # bounded (non-batch) checks in flight or waiting
        self.peak_held = 0
        self._by_tenant: dict[str, int] = {}

    @contextmanager
    def slot(self, *, wait_s: float, origin: Origin = UNKNOWN_ORIGIN,
             tenant_limit: int | None = None, held_limit: int | None = None) -> Iterator[None]:
        bounded = not origin.batch
        tenant = origin.tenant if bounded else None
        if bounded:
            self._enter(tenant, tenant_limit=tenant_limit, held_limit=held_limit)
        try:
            with self._semaphore(wait_s):
                yield
        finally:
            if bounded:
                self._leave(tenant)

    def _enter(self, tenant: str | None, *, tenant_limit: int | None,
               held_limit: int | None) -> None:
        with self._lock:
            if held_limit is not None and self.held >= held_limit:
                raise self._busy(f"{held_limit} checks already hold or wait for the route "
                                 "in this server process")
            mine = self._by_tenant.get(tenant, 0) if tenant is not None else 0
            if tenant_limit is not None and tenant is not None and mine >= tenant_limit:
                raise self._busy(f"this caller already has {tenant_limit} checks in flight "
                                 "or waiting on the route, its share")
            self.held += 1
            self.peak_held = max(self.peak_held, self.held)
            if tenant is not None:
                self._by_tenant[tenant] = mine + 1

    def _leave(self, tenant: str | None) -> None:
        with self._lock:
            self.held -= 1
            if tenant is not None:
                left = self._by_tenant.pop(tenant) - 1
                if left:
                    self._by_tenant[tenant] = left

    @contextmanager
    def _semaphore(self, wait_s: float) -> Iterator[None]:
        if not self._slots.acquire(timeout=wait_s):
            raise self._busy(f"all {self.limit} connections to the route stayed busy")
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1
            self._slots.release()

    def _busy(self, message: str) -> PayerError:
        return PayerError(PayerErrorCode.BUSY, message, route=self.route, reached_payer=False)
