"""Per-route circuit breaker that opens on payer-wide failure, not on one caller's data.

What counts: timeouts and unavailability (refused, reset, 5xx, 503 after retries), the
signs of a route that is down (a 429 is BUSY, not counted: the route throttles us, it is
up). Every other outcome -- an answer (AAA rejections included), garbage, a CORE envelope
error, a refused login -- shows the route reachable and ends the streak. One subject's
repeated failures count once: a streak counts distinct subjects (failures with no subject
key count one each).

Two scopes, each with its own streak and state:
- the route, opened for every caller when ``failures`` distinct subjects from at least
  ``tenants`` distinct tenants failed in a row (no success from anyone in between);
- each tenant, opened for that tenant alone when ``failures`` of its own distinct subjects
  failed in a row with no success of its own in between. A tenant whose data makes the
  payer fail thus only stops itself, and a deployment with one tenant still fails fast.

An open scope fails every check it covers at once with CIRCUIT_OPEN, without sending
anything, for ``cooldown_s``; then exactly one trial is let through (half-open): an answer
closes it, a failure re-opens it for another cool-down.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from payers.base import UNKNOWN_ORIGIN, Origin, PayerError, PayerErrorCode

# Outcomes that mean "the route is down", as opposed to "this request had a problem".
ROUTE_FAILURES = frozenset({PayerErrorCode.TIMEOUT, PayerErrorCode.UNAVAILABLE})


@dataclass(frozen=True)
class Trial:
    """What an admitted call decides: the route's state, its tenant's, neither (falsy)."""

    route: bool = False
    tenant: bool = False

    def __bool__(self) -> bool:
        return self.route or self.tenant


NO_TRIAL = Trial()


class _Scope:
    """One circuit: its current failure streak and whether (since when) it is open."""

    def __init__(self) -> None:
        self.subjects: set[str] = set()
        self.unnamed = 0
        self.tenants: set[str | None] = set()
        self.opened_at: float | None = None
        self.trial_running = False

    def fail(self, origin: Origin) -> int:
        """Add a failure to the streak; the number of distinct subjects in it."""
        if origin.subject is None:
            self.unnamed += 1
        else:
            self.subjects.add(origin.subject)
        self.tenants.add(origin.tenant)
        return len(self.subjects) + self.unnamed

    def close(self) -> None:
        self.subjects.clear()
        self.tenants.clear()
        self.unnamed = 0
        self.opened_at = None

    def open(self, now: float) -> None:
        self.close()  # the next streak starts after the cool-down
        self.opened_at = now


class CircuitBreaker:
    """The route's and each tenant's circuit; ``clock`` is monotonic seconds."""

    def __init__(self, *, route: str, failures: int, cooldown_s: float,
                 clock: Callable[[], float], tenants: int = 2) -> None:
        self.route = route
        self.threshold = failures
        self.tenants_to_open = tenants
        self.cooldown_s = cooldown_s
        self.clock = clock
        self._lock = threading.Lock()
        self._route = _Scope()
        # One per tenant seen: as many as the deployment's practices, each a few fields.
        self._tenants: dict[str | None, _Scope] = {}

    @property
    def state(self) -> str:
        """The state as a caller with no tenant key sees it."""
        return self.state_for(None)

    def state_for(self, tenant: str | None) -> str:
        """closed, open or half-open (a cool-down is over; a trial may run) for `tenant`."""
        with self._lock:
            states = {self._state(scope) for scope in self._scopes(tenant)}
        return next((s for s in ("open", "half-open") if s in states), "closed")

    def _scopes(self, tenant: str | None) -> list[_Scope]:
        own = self._tenants.get(tenant)
        return [self._route] if own is None else [self._route, own]

    def _state(self, scope: _Scope) -> str:
        if scope.opened_at is None:
            return "closed"
        return "open" if self.clock() - scope.opened_at < self.cooldown_s else "half-open"

    def admit(self, origin: Origin = UNKNOWN_ORIGIN) -> Trial:
        """Reserve the right to call the route; raise CIRCUIT_OPEN when it is not allowed.

        The result is truthy when this call is a half-open trial (its outcome decides).
        """
        with self._lock:
            own = self._tenants.get(origin.tenant)
            for scope in self._scopes(origin.tenant):
                if self._state(scope) == "open" or scope.trial_running:
                    whose = "the route" if scope is self._route else "this caller's checks"
                    raise PayerError(PayerErrorCode.CIRCUIT_OPEN,
                                     f"{whose} failed repeatedly; not calling it for a while",
                                     route=self.route, reached_payer=False)
            trial = Trial(route=self._route.opened_at is not None,
                          tenant=own is not None and own.opened_at is not None)
            self._route.trial_running = self._route.trial_running or trial.route
            if own is not None and trial.tenant:
                own.trial_running = True
            return trial

    def record(self, *, trial: Trial, error: PayerError | None,
               origin: Origin = UNKNOWN_ORIGIN) -> None:
        """Count the outcome of an admitted call."""
        failed = error is not None and error.code in ROUTE_FAILURES
        with self._lock:
            self._end_trial(trial, origin.tenant)
            if not failed:
                self._route.close()
                answered = self._tenants.get(origin.tenant)
                if answered is not None:
                    answered.close()
                return
            own = self._tenants.setdefault(origin.tenant, _Scope())
            now = self.clock()
            if self._route.opened_at is None or trial.route:
                count = self._route.fail(origin)
                if trial.route or (count >= self.threshold
                                   and len(self._route.tenants) >= self.tenants_to_open):
                    self._route.open(now)
            if own.opened_at is None or trial.tenant:
                if own.fail(origin) >= self.threshold or trial.tenant:
                    own.open(now)

    def release_trial(self, trial: Trial, origin: Origin = UNKNOWN_ORIGIN) -> None:
        """The admitted trial never reached the route (e.g. BUSY): let another one try."""
        with self._lock:
            self._end_trial(trial, origin.tenant)

    def _end_trial(self, trial: Trial, tenant: str | None) -> None:
        if trial.route:
            self._route.trial_running = False
        own = self._tenants.get(tenant)
        if trial.tenant and own is not None:
            own.trial_running = False
