"""The registry over real HTTP: circuit breaker, concurrency cap, failover, carve-out lookup."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer

from payers.base import PayerError, PayerErrorCode
from payers.directory import parse_directory
from payers.registry import PayerRegistry
from tests.support.scripted_payer import ScriptedPayer
from tests.unit.payers.builders import ACTIVE, PHI, query


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _route(id: str, url: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "name": f"{id} plan", "payer_id": fields.pop("payer_id", id.upper()),
            "adapter": "core-soap", "url": url, "username": "u", "password": "p", **fields}


def _registry(*routes: dict[str, Any], clock: Clock | None = None) -> PayerRegistry:
    entries = parse_directory({"payers": list(routes)})
    return PayerRegistry.from_directory(entries, session=requests.Session(), clock=clock,
                                        sleep=lambda _: None)


def _fails(registry: PayerRegistry, route: str = "primary") -> PayerError:
    with pytest.raises(PayerError) as caught:
        registry.check(route, query(ACTIVE))
    return caught.value


def test_the_circuit_opens_after_consecutive_failures_and_fails_fast_without_calling(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/core").respond_with_data("down", status=500)
    clock = Clock()
    registry = _registry(_route("primary", payer_server.url_for("/core"), breaker_failures=3,
                                breaker_cooldown_s=30), clock=clock)

    codes = [_fails(registry).code for _ in range(3)]
    fast = _fails(registry)

    assert codes == [PayerErrorCode.UNAVAILABLE] * 3
    assert fast.code is PayerErrorCode.CIRCUIT_OPEN
    assert fast.reached_payer is False
    assert fast.exchange is not None and fast.exchange.request == ""
    assert len(payer_server.log) == 3
    assert registry.breaker_state("primary") == "open"


def test_after_the_cooldown_one_trial_success_closes_the_circuit(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/core").respond_with_handler(ScriptedPayer(default=[
        ("status", 500, "down"), ("status", 500, "down"), ("answer",)]))
    clock = Clock()
    registry = _registry(_route("primary", payer_server.url_for("/core"), breaker_failures=2,
                                breaker_cooldown_s=30), clock=clock)
    _fails(registry)
    _fails(registry)

    clock.now += 29
    assert _fails(registry).code is PayerErrorCode.CIRCUIT_OPEN
    clock.now += 1
    assert registry.breaker_state("primary") == "half-open"
    registry.check("primary", query(ACTIVE))

    assert registry.breaker_state("primary") == "closed"
    registry.check("primary", query(ACTIVE))
    assert len(payer_server.log) == 4


def test_a_failed_trial_reopens_the_circuit_for_another_cooldown(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/core").respond_with_data("busy", status=503)
    clock = Clock()
    registry = _registry(_route("primary", payer_server.url_for("/core"), breaker_failures=1,
                                breaker_cooldown_s=10), clock=clock)
    _fails(registry)
    calls = len(payer_server.log)

    clock.now += 10
    assert _fails(registry).code is PayerErrorCode.UNAVAILABLE  # the trial
    assert _fails(registry).code is PayerErrorCode.CIRCUIT_OPEN
    clock.now += 9.9
    assert _fails(registry).code is PayerErrorCode.CIRCUIT_OPEN
    assert len(payer_server.log) == calls * 2


def test_the_concurrency_cap_holds_under_fifty_parallel_checks(
    payer_server: HTTPServer,
) -> None:
    payer = ScriptedPayer(latency_s=0.02)
    payer_server.expect_request("/core").respond_with_handler(payer)
    registry = _registry(_route("primary", payer_server.url_for("/core"), max_concurrency=4,
                                timeout_s=20))

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda n: registry.check("primary", query(
            ACTIVE, control=100 + n)), range(50)))

    assert len(answers) == 50
    assert payer.peak == 4
    assert registry.peak_concurrency("primary") == 4
    assert len(payer_server.log) == 50


def test_when_the_primary_is_down_the_fallback_answers_and_both_routes_are_reported(
    payer_server: HTTPServer, closed_url: str,
) -> None:
    payer_server.expect_request("/backup").respond_with_handler(ScriptedPayer())
    registry = _registry(_route("primary", closed_url, fallback="backup"),
                         _route("backup", payer_server.url_for("/backup")))

    answer = registry.check("primary", query(ACTIVE))

    assert answer.routes_tried == ("primary", "backup")
    assert answer.exchange.route == "backup"
    assert [f.code for f in answer.earlier_failures] == [PayerErrorCode.UNAVAILABLE]
    assert answer.earlier_failures[0].exchange is not None


def test_a_server_error_and_an_open_circuit_both_fail_over(payer_server: HTTPServer) -> None:
    payer_server.expect_request("/core").respond_with_data("down", status=502)
    payer_server.expect_request("/backup").respond_with_handler(ScriptedPayer())
    registry = _registry(
        _route("primary", payer_server.url_for("/core"), fallback="backup",
               breaker_failures=1),
        _route("backup", payer_server.url_for("/backup")))

    first = registry.check("primary", query(ACTIVE))
    second = registry.check("primary", query(ACTIVE))

    assert first.routes_tried == second.routes_tried == ("primary", "backup")
    assert second.earlier_failures[0].code is PayerErrorCode.CIRCUIT_OPEN
    assert len([r for r, _ in payer_server.log if r.path == "/core"]) == 1


def test_a_timeout_does_not_fail_over_because_the_270_may_be_at_the_payer(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    payer_server.expect_request("/core").respond_with_handler(
        ScriptedPayer(default=[("hold",)], release=release))
    payer_server.expect_request("/backup").respond_with_handler(ScriptedPayer())
    registry = _registry(_route("primary", payer_server.url_for("/core"), fallback="backup",
                                timeout_s=0.5),
                         _route("backup", payer_server.url_for("/backup")))

    err = _fails(registry)

    assert err.code is PayerErrorCode.TIMEOUT
    assert err.routes_tried == ("primary",)
    assert all(r.path == "/core" for r, _ in payer_server.log)


def test_when_every_route_is_down_the_error_names_them_all_without_patient_data(
    closed_url: str,
) -> None:
    registry = _registry(_route("primary", closed_url, fallback="backup"),
                         _route("backup", closed_url))

    err = _fails(registry)

    assert err.code is PayerErrorCode.UNAVAILABLE
    assert err.routes_tried == ("primary", "backup")
    assert err.route == "backup"
    assert err.reached_payer is False
    assert [f.route for f in err.earlier_failures] == ["primary"]
    assert not any(value.lower() in str(err).lower() for value in PHI)


def test_a_carved_out_payer_id_leads_to_its_directory_route(closed_url: str) -> None:
    registry = _registry(_route("primary", closed_url, payer_id="TIDE01"),
                         _route("bho", closed_url, payer_id="SandboxBHO"))

    assert registry.route_for_payer_id("SANDBOXBHO") == "bho"
    assert registry.route_for_payer_id(" sandboxbho ") == "bho"
    assert registry.route_for_payer_id("TIDE01") == "primary"
    assert registry.route_for_payer_id("NOBODY") is None
    assert registry.ids() == ["primary", "bho"]
    assert registry.entry("bho").payer_id == "SandboxBHO"
    assert set(registry.entries) == {"primary", "bho"}


def test_an_unknown_route_is_not_configured() -> None:
    registry = _registry()

    err = _fails(registry, "nowhere")

    assert err.code is PayerErrorCode.NOT_CONFIGURED
