"""Fair shares of a payer route over real HTTP: one practice's share of the concurrency cap,
and the threads a slow payer may hold; a nightly batch keeps the whole cap."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from pytest_httpserver import HTTPServer

from payers.base import Origin, PayerError, PayerErrorCode
from payers.directory import parse_directory
from payers.registry import PayerRegistry
from tests.support.scripted_payer import ScriptedPayer
from tests.unit.payers.builders import ACTIVE, query


def _route(id: str, url: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "name": f"{id} plan", "payer_id": id.upper(), "adapter": "core-soap",
            "url": url, "username": "u", "password": "p", **fields}


def _registry(*routes: dict[str, Any]) -> PayerRegistry:
    entries = parse_directory({"payers": [
        *routes, {"id": "healthy", "name": "Healthy plan", "payer_id": "HEALTHY",
                  "adapter": "sandbox", "timeout_s": 5}]})
    return PayerRegistry.from_directory(entries, session=requests.Session(),
                                        sleep=lambda _: None)


def _timed(registry: PayerRegistry, route: str, origin: Origin,
           control: int) -> tuple[PayerErrorCode | None, float]:
    started = time.monotonic()
    try:
        registry.check(route, query(ACTIVE, control=100 + control), origin=origin)
    except PayerError as err:
        return err.code, time.monotonic() - started
    return None, time.monotonic() - started


def test_a_practice_past_its_share_of_a_route_fails_fast_and_others_keep_theirs(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    payer = ScriptedPayer(default=[("hold",)], release=release)
    payer_server.expect_request("/core").respond_with_handler(payer)
    registry = _registry(_route("slow", payer_server.url_for("/core"), max_concurrency=4,
                                timeout_s=5)).fair(tenant_share=0.5, held_limit=None)
    assert registry.tenant_limit("slow") == 2
    flood = Origin(tenant="practice-a", subject="c1")
    with ThreadPoolExecutor(max_workers=4) as pool:
        held = [pool.submit(_timed, registry, "slow", flood, n) for n in range(2)]
        payer.wait_for_calls(2)

        # Given practice A holds its two slots, its third check fails at once, unsent...
        code, waited = _timed(registry, "slow", flood, 3)
        assert code is PayerErrorCode.BUSY and waited < 1.0
        # ...while practice B still gets a slot of its own.
        other = pool.submit(_timed, registry, "slow", Origin(tenant="practice-b"), 4)
        payer.wait_for_calls(3)
        # A nightly batch of practice A is not held to the share: it may take the last slot.
        nightly = pool.submit(_timed, registry, "slow", Origin(tenant="practice-a",
                                                               batch=True), 5)
        payer.wait_for_calls(4)
        release.set()
        results = [f.result() for f in (*held, other, nightly)]

    assert [code for code, _ in results] == [None] * 4
    assert len(payer_server.log) == 4


def test_a_slow_payer_holds_at_most_its_share_of_threads_and_the_rest_are_answered_at_once(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    payer = ScriptedPayer(default=[("hold",)], release=release)
    payer_server.expect_request("/core").respond_with_handler(payer)
    # 16 threads, a share of 0.25: four checks may hold or wait for the slow route.
    registry = _registry(_route("slow", payer_server.url_for("/core"), max_concurrency=2,
                                timeout_s=5)).fair(tenant_share=0.5, held_limit=4)

    with ThreadPoolExecutor(max_workers=41) as pool:
        # Forty practices' checks at once against a payer that holds every request.
        flood = [pool.submit(_timed, registry, "slow", Origin(tenant=f"practice-{n}"), n)
                 for n in range(40)]
        payer.wait_for_calls(2)
        deadline = time.monotonic() + 5
        while sum(f.done() for f in flood) < 36 and time.monotonic() < deadline:
            time.sleep(0.01)
        answered = [f.result() for f in flood if f.done()]
        # Meanwhile another practice's check against a healthy route goes through.
        healthy = pool.submit(_timed, registry, "healthy", Origin(tenant="practice-x"), 99)
        healthy_code, _ = healthy.result(timeout=5)
        release.set()
        rest = [f.result() for f in flood]

    assert len(answered) == 36
    assert all(code is PayerErrorCode.BUSY and took < 1.0 for code, took in answered)
    assert healthy_code is None
    assert registry.peak_held("slow") == 4
    assert registry.peak_concurrency("slow") == 2
    assert sum(code is None for code, _ in rest) == 4
