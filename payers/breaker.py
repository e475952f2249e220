"""Per-route circuit breaker and concurrency cap: fail fast when a payer is down or busy.

Circuit breaker: after ``failures`` consecutive failures (timeouts and unavailability, the
signs of a route that is down) the circuit opens and every check fails at once with
CIRCUIT_OPEN, without sending anything, for ``cooldown_s``. Then exactly one trial check
is let through (half-open): an answer closes the circuit, a failure re-opens it for
another cool-down. Errors about one request (garbage, a CORE envelope error, a refused
login) say the route is reachable, so they count as successes here.

Concurrency cap: at most ``max_concurrency`` checks in flight per route; a check beyond it
waits for a slot up to the route's timeout, then fails with BUSY. This protects payers
that throttle or ban senders, and keeps one slow payer from taking every worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from payers.base import PayerError, PayerErrorCode

# Outcomes that mean "the route is down", as opposed to "this request had a problem".
ROUTE_FAILURES = frozenset({PayerErrorCode.TIMEOUT, PayerErrorCode.UNAVAILABLE})


class CircuitBreaker:
    """Consecutive-failure breaker for one route; ``clock`` is monotonic seconds."""

    def __init__(self, *, route: str, failures: int, cooldown_s: float,
                 clock: Callable[[], float]) -> None:
        self.route = route
        self.threshold = failures
        self.cooldown_s = cooldown_s
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        """closed, open or half-open (the cool-down is over; a trial may run)."""
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "open" if self._cooling() else "half-open"

    def _cooling(self) -> bool:
        return self._opened_at is not None and (
            self.clock() - self._opened_at < self.cooldown_s)

    def admit(self) -> bool:
        """Reserve the right to call the route; raise CIRCUIT_OPEN when it is not allowed.

        Returns True when this call is the half-open trial (its outcome decides the state).
        """
        with self._lock:
            if self._opened_at is None:
                return False
            if self._cooling() or self._trial_running:
                raise PayerError(PayerErrorCode.CIRCUIT_OPEN,
                                 "the route failed repeatedly; not calling it for a while",
                                 route=self.route, reached_payer=False)
            self._trial_running = True
            return True

    def record(self, *, trial: bool, error: PayerError | None) -> None:
        """Count the outcome of an admitted call."""
        failed = error is not None and error.code in ROUTE_FAILURES
        with self._lock:
            if trial:
                self._trial_running = False
            if not failed:
                self._failures = 0
                self._opened_at = None
                return
            self._failures += 1
            if trial or self._failures >= self.threshold:
                self._opened_at = self.clock()

    def release_trial(self) -> None:
        """The admitted trial never reached the route (e.g. BUSY): let another one try."""
        with self._lock:
            self._trial_running = False


class ConcurrencyCap:
    """A semaphore with a bounded wait; counts the peak for tests and metrics."""

    def __init__(self, *, route: str, limit: int) -> None:
        self.route = route
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0

    @contextmanager
    def slot(self, *, wait_s: float) -> Iterator[None]:
        if not self._slots.acquire(timeout=wait_s):
            raise PayerError(PayerErrorCode.BUSY,
                             f"all {self.limit} connections to the route stayed busy",
                             route=self.route, reached_payer=False)
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1
            self._slots.release()
