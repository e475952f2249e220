"""The circuit breaker opens on payer-wide failure, not on one practice's or one coverage's."""

from __future__ import annotations

from typing import Any

import pytest

from payers.adapters.sandbox import SandboxAdapter
from payers.base import (
    EligibilityAnswer,
    EligibilityQuery,
    Exchange,
    Origin,
    PayerError,
    PayerErrorCode,
)
from payers.registry import PayerRegistry
from tests.unit.payers.builders import ACTIVE, REJECTED, entry, query

TIMEOUT = PayerErrorCode.TIMEOUT


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class PerTenantAdapter:
    """Times out for the tenants named in `down` (one per call, read off `current`), and
    answers like the sandbox otherwise; counts its calls."""

    def __init__(self, route: str) -> None:
        self.route = route
        self.down: set[str] = set()
        self.current: str | None = None
        self.calls = 0
        self.sandbox = SandboxAdapter(entry=entry(id=route), sleep=lambda _: None)

    def check(self, q: EligibilityQuery) -> EligibilityAnswer:
        self.calls += 1
        if self.current in self.down:
            raise PayerError(TIMEOUT, "scripted", route=self.route, reached_payer=True,
                             exchange=Exchange(route=self.route, request="270"))
        return self.sandbox.check(q)


def _registry(adapter: PerTenantAdapter, clock: Clock, **fields: Any) -> PayerRegistry:
    return PayerRegistry(entries={"route-a": entry(id="route-a", **fields)},
                         adapters={"route-a": adapter},  # type: ignore[dict-item]
                         clock=clock)


def _ask(registry: PayerRegistry, adapter: PerTenantAdapter, tenant: str, subject: str,
         member: str = ACTIVE) -> PayerErrorCode | None:
    adapter.current = tenant
    try:
        registry.check("route-a", query(member), origin=Origin(tenant=tenant, subject=subject))
    except PayerError as err:
        return err.code
    return None


def test_one_coverage_failing_again_and_again_never_opens_the_circuit() -> None:
    adapter = PerTenantAdapter("route-a")
    registry = _registry(adapter, Clock(), breaker_failures=3)
    adapter.down = {"practice-a"}

    codes = [_ask(registry, adapter, "practice-a", "coverage-1") for _ in range(10)]

    assert codes == [TIMEOUT] * 10  # every one was sent: one coverage is one subject
    assert registry.breaker_state("route-a", "practice-a") == "closed"
    assert _ask(registry, adapter, "practice-b", "coverage-9") is None


def test_one_practice_failing_on_many_coverages_stops_only_itself() -> None:
    adapter = PerTenantAdapter("route-a")
    registry = _registry(adapter, Clock(), breaker_failures=3)
    adapter.down = {"practice-a"}

    codes = [_ask(registry, adapter, "practice-a", f"coverage-{n}") for n in range(5)]

    # Three distinct coverages of one practice open its own circuit: it fails fast, unsent.
    assert codes == [TIMEOUT, TIMEOUT, TIMEOUT, PayerErrorCode.CIRCUIT_OPEN,
                     PayerErrorCode.CIRCUIT_OPEN]
    assert adapter.calls == 3
    assert registry.breaker_state("route-a", "practice-a") == "open"
    # Another practice's healthy checks still go through.
    assert registry.breaker_state("route-a", "practice-b") == "closed"
    assert [_ask(registry, adapter, "practice-b", f"coverage-{n}") for n in (7, 8)] == [
        None, None]


def test_aaa_rejections_are_answers_and_never_count() -> None:
    adapter = PerTenantAdapter("route-a")
    registry = _registry(adapter, Clock(), breaker_failures=2)

    codes = [_ask(registry, adapter, "practice-a", f"coverage-{n}", member=REJECTED)
             for n in range(6)]

    assert codes == [None] * 6
    assert registry.breaker_state("route-a", "practice-a") == "closed"
    assert _ask(registry, adapter, "practice-b", "coverage-9") is None


def test_a_payer_wide_outage_still_opens_the_circuit_for_everyone() -> None:
    clock = Clock()
    adapter = PerTenantAdapter("route-a")
    registry = _registry(adapter, clock, breaker_failures=3, breaker_cooldown_s=30)
    adapter.down = {"practice-a", "practice-b", "practice-c"}

    assert _ask(registry, adapter, "practice-a", "coverage-1") is TIMEOUT
    assert _ask(registry, adapter, "practice-b", "coverage-2") is TIMEOUT
    assert _ask(registry, adapter, "practice-a", "coverage-3") is TIMEOUT

    # Two practices, three coverages: the route is down for everyone, even a newcomer.
    calls = adapter.calls
    assert registry.breaker_state("route-a", "practice-c") == "open"
    assert _ask(registry, adapter, "practice-c", "coverage-4") is PayerErrorCode.CIRCUIT_OPEN
    assert adapter.calls == calls

    # After the cool-down one trial goes; its answer closes the circuit.
    clock.now = 30
    adapter.down = set()
    assert _ask(registry, adapter, "practice-c", "coverage-4") is None
    assert registry.breaker_state("route-a", "practice-c") == "closed"


def test_a_practice_whose_own_circuit_opened_gets_a_trial_after_the_cooldown() -> None:
    clock = Clock()
    adapter = PerTenantAdapter("route-a")
    registry = _registry(adapter, clock, breaker_failures=2, breaker_cooldown_s=10)
    adapter.down = {"practice-a"}
    for n in range(2):
        _ask(registry, adapter, "practice-a", f"coverage-{n}")
    assert registry.breaker_state("route-a", "practice-a") == "open"

    clock.now = 10
    assert _ask(registry, adapter, "practice-a", "coverage-5") is TIMEOUT  # the failed trial
    assert registry.breaker_state("route-a", "practice-a") == "open"
    clock.now = 20
    adapter.down = set()
    assert _ask(registry, adapter, "practice-a", "coverage-5") is None
    assert registry.breaker_state("route-a", "practice-a") == "closed"


@pytest.mark.parametrize("code", [PayerErrorCode.RESPONSE_INVALID,
                                  PayerErrorCode.ENVELOPE_ERROR, PayerErrorCode.AUTH_FAILED])
def test_errors_about_one_request_end_a_streak_instead_of_adding_to_it(
    code: PayerErrorCode,
) -> None:
    class OneBad(PerTenantAdapter):
        def check(self, q: EligibilityQuery) -> EligibilityAnswer:
            if self.current == "practice-b":
                raise PayerError(code, "scripted", route=self.route, reached_payer=True)
            return super().check(q)

    adapter = OneBad("route-a")
    registry = _registry(adapter, Clock(), breaker_failures=2)
    adapter.down = {"practice-a"}

    _ask(registry, adapter, "practice-a", "coverage-1")
    assert _ask(registry, adapter, "practice-b", "coverage-2") is code
    _ask(registry, adapter, "practice-c", "coverage-3")  # c answers: a streak of one

    assert registry.breaker_state("route-a", "practice-b") == "closed"
    assert registry.breaker_state("route-a", "practice-a") == "closed"
