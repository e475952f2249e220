"""One contract, every adapter: the same cases give the same outcomes whichever way the
payer is reached (sandbox magic member ids; pytest-httpserver doubles for the others)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest
from pytest_httpserver import HTTPServer

from payers.base import PayerError, PayerErrorCode
from payers.registry import PayerRegistry
from payers.x12.summary import summarize
from tests.integration.payers.doubles import CONTRACT_PATHS, serve
from tests.unit.payers.builders import PHI, entry, query

ADAPTERS = ("sandbox", "core-soap", "core-mime", "clearinghouse-json", "stedi-v3",
            "stedi-raw-x12", "claimmd", "availity")
TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Case:
    member_id: str  # the sandbox's magic id; the doubles serve the case whatever the id
    error: PayerErrorCode | None = None
    reached_payer: bool | None = None
    active: bool | None = None
    rejection: str | None = None


CASES = {
    "active": Case("ZZT0000001", active=True),
    "inactive": Case("ZZT0000005", active=False),
    "rejected": Case("ZZT0000072", rejection="72"),
    "down": Case("ZZT0000500", PayerErrorCode.UNAVAILABLE, reached_payer=False),
    "timeout": Case("ZZT0000504", PayerErrorCode.TIMEOUT, reached_payer=True),
    "server_error": Case("ZZT0000502", PayerErrorCode.UNAVAILABLE, reached_payer=True),
    "malformed": Case("ZZT0000991", PayerErrorCode.RESPONSE_INVALID, reached_payer=True),
    "wrong_trace": Case("ZZT0000992", PayerErrorCode.RESPONSE_INVALID, reached_payer=True),
    "envelope_error": Case("ZZT0000993", PayerErrorCode.ENVELOPE_ERROR, reached_payer=False),
}


def registry_for(kind: str, server: HTTPServer, *, down_url: str | None) -> PayerRegistry:
    url = None if kind == "sandbox" else down_url or server.url_for(CONTRACT_PATHS[kind])
    adapter, _, api = kind.partition("-") if kind.startswith("stedi-") else (kind, "", "")
    route = entry(adapter, url, timeout_s=TIMEOUT_S, **({"api": api} if api else {}))
    return PayerRegistry.from_directory({route.id: route}, sleep=lambda _: None)


@pytest.mark.parametrize("case_name", list(CASES))
@pytest.mark.parametrize("adapter", ADAPTERS)
def test_every_adapter_gives_the_same_outcome_for_the_same_case(
    adapter: str, case_name: str, payer_server: HTTPServer, release: threading.Event,
    closed_url: str,
) -> None:
    case = CASES[case_name]
    registry = registry_for(adapter, payer_server,
                            down_url=closed_url if case_name == "down" else None)
    if adapter != "sandbox":
        serve(payer_server, adapter, case_name, release)
    the_query = query(case.member_id)

    started = time.monotonic()
    if case.error is None:
        answer = registry.check("route-a", the_query)
        summary = summarize(answer.response)
        assert summary.active is case.active
        assert [r.code for r in summary.rejections] == ([case.rejection] if case.rejection
                                                        else [])
        assert answer.exchange.route == "route-a"
        assert answer.routes_tried == ("route-a",)
        assert answer.exchange.request and answer.exchange.response
        return
    with pytest.raises(PayerError) as caught:
        registry.check("route-a", the_query)
    elapsed = time.monotonic() - started
    err = caught.value
    assert err.code is case.error
    assert err.reached_payer is case.reached_payer
    assert err.exchange is not None and err.exchange.request
    assert err.routes_tried == ("route-a",)
    assert not any(value.lower() in str(err).lower() for value in PHI)
    if case_name == "timeout":
        assert elapsed < TIMEOUT_S + 1
    if case_name in ("server_error", "malformed", "wrong_trace") and adapter != "sandbox":
        assert err.exchange.response
