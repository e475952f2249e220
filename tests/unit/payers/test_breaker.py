"""Circuit breaker and concurrency cap, driven through the registry with fake adapters."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from payers.adapters.sandbox import SandboxAdapter
from payers.base import (
    EligibilityAnswer,
    EligibilityQuery,
    Exchange,
    PayerError,
    PayerErrorCode,
)
from payers.breaker import NO_TRIAL, CircuitBreaker
from payers.registry import PayerRegistry
from tests.unit.payers.builders import ACTIVE, entry, query


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ScriptedAdapter:
    """Fails with the scripted codes, then answers like the sandbox; counts its calls."""

    def __init__(self, route: str, codes: list[PayerErrorCode]) -> None:
        self.route = route
        self.codes = list(codes)
        self.calls = 0
        self.sandbox = SandboxAdapter(entry=entry(id=route), sleep=lambda _: None)

    def check(self, q: EligibilityQuery) -> EligibilityAnswer:
        self.calls += 1
        if self.codes:
            raise PayerError(self.codes.pop(0), "scripted", route=self.route,
                             reached_payer=False, exchange=Exchange(route=self.route,
                                                                    request="270"))
        return self.sandbox.check(q)


def _registry(adapter: object, clock: Clock, **fields: Any) -> PayerRegistry:
    route = entry(id="route-a", **fields)
    return PayerRegistry(entries={"route-a": route},
                         adapters={"route-a": adapter},  # type: ignore[dict-item]
                         clock=clock)


def _code(registry: PayerRegistry) -> PayerErrorCode | None:
    try:
        registry.check("route-a", query(ACTIVE))
    except PayerError as err:
        return err.code
    return None


def test_the_breaker_counts_only_consecutive_route_failures() -> None:
    clock = Clock()
    adapter = ScriptedAdapter("route-a", [
        PayerErrorCode.TIMEOUT, PayerErrorCode.UNAVAILABLE, PayerErrorCode.RESPONSE_INVALID,
        PayerErrorCode.TIMEOUT, PayerErrorCode.TIMEOUT])
    registry = _registry(adapter, clock, breaker_failures=3)

    codes = [_code(registry) for _ in range(5)]

    # A bad reply proves the route reachable and resets the count: still closed.
    assert codes[:5] == [PayerErrorCode.TIMEOUT, PayerErrorCode.UNAVAILABLE,
                         PayerErrorCode.RESPONSE_INVALID, PayerErrorCode.TIMEOUT,
                         PayerErrorCode.TIMEOUT]
    assert registry.breaker_state("route-a") == "closed"
    assert _code(registry) is None


def test_an_open_circuit_lets_exactly_one_trial_through_after_the_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(route="r", failures=1, cooldown_s=30, clock=clock)
    failure = PayerError(PayerErrorCode.TIMEOUT, "t", route="r", reached_payer=True)
    first = breaker.admit()
    assert not first
    breaker.record(trial=first, error=failure)

    clock.now = 30
    trial = breaker.admit()
    assert trial  # the trial
    with pytest.raises(PayerError) as second:
        breaker.admit()
    assert second.value.code is PayerErrorCode.CIRCUIT_OPEN

    breaker.record(trial=trial, error=None)
    assert breaker.state == "closed"
    assert not breaker.admit()


def test_a_trial_that_never_ran_lets_the_next_check_try() -> None:
    clock = Clock()
    breaker = CircuitBreaker(route="r", failures=1, cooldown_s=5, clock=clock)
    breaker.record(trial=NO_TRIAL, error=PayerError(PayerErrorCode.UNAVAILABLE, "u",
                                                    route="r", reached_payer=False))
    clock.now = 5
    trial = breaker.admit()
    assert trial

    breaker.release_trial(trial)

    assert breaker.admit()


def test_checks_beyond_the_cap_wait_for_the_timeout_then_fail_busy() -> None:
    gate = threading.Event()
    entered = threading.Event()

    class Blocking(ScriptedAdapter):
        def check(self, q: EligibilityQuery) -> EligibilityAnswer:
            entered.set()
            gate.wait(5)
            return super().check(q)

    registry = _registry(Blocking("route-a", []), Clock(), max_concurrency=1, timeout_s=0.3)
    holder = threading.Thread(target=registry.check, args=("route-a", query(ACTIVE)))
    holder.start()
    entered.wait(5)

    started = time.monotonic()
    code = _code(registry)
    waited = time.monotonic() - started
    gate.set()
    holder.join()

    assert code is PayerErrorCode.BUSY
    assert 0.3 <= waited < 1.0
    assert registry.breaker_state("route-a") == "closed"
    assert _code(registry) is None


def test_while_the_trial_runs_other_checks_fail_fast_and_its_success_closes_the_circuit(
) -> None:
    clock = Clock()
    gate = threading.Event()
    entered = threading.Event()

    class Blocking(ScriptedAdapter):
        def check(self, q: EligibilityQuery) -> EligibilityAnswer:
            if self.calls == 1:
                entered.set()
                gate.wait(5)
            return super().check(q)

    adapter = Blocking("route-a", [PayerErrorCode.TIMEOUT])
    registry = _registry(adapter, clock, max_concurrency=1, timeout_s=0.2, breaker_failures=1,
                         breaker_cooldown_s=10)
    assert _code(registry) is PayerErrorCode.TIMEOUT
    clock.now = 10
    holder = threading.Thread(target=registry.check, args=("route-a", query(ACTIVE)))
    holder.start()
    entered.wait(5)

    assert _code(registry) is PayerErrorCode.CIRCUIT_OPEN  # the trial is running
    gate.set()
    holder.join()
    assert registry.breaker_state("route-a") == "closed"
