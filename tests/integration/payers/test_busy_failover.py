"""A clearinghouse that throttles us (429 with a Retry-After past the route's timeout) hands
the check to the route's fallback: nothing was processed, so nothing is asked twice."""

from __future__ import annotations

import threading

from pytest_httpserver import HTTPServer

from payers.base import PayerErrorCode
from payers.directory import parse_directory
from payers.registry import PayerRegistry
from payers.x12.summary import summarize
from tests.integration.payers.claimmd_sim import KEY as CLAIMMD_KEY
from tests.integration.payers.stedi_sim import KEY
from tests.integration.payers.two_houses import throttled_stedi_then_claimmd
from tests.unit.payers.builders import ACTIVE, query


def test_a_throttled_route_fails_over_to_another_clearinghouse(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    # Given the payer reached through Stedi, with Claim.MD as the fallback
    houses = throttled_stedi_then_claimmd(payer_server, release)
    stedi, claimmd = houses.stedi, houses.claimmd
    common = {"name": "Tidewater Health Test", "payer_id": "TIDE01", "timeout_s": 5}
    routes = parse_directory({"payers": [
        common | {"id": "route-a", "adapter": "stedi", "api": "raw-x12", "usage": "T",
                  "url": houses.stedi_url,
                  "api_key": KEY, "fallback": "via-claimmd"},
        common | {"id": "via-claimmd", "adapter": "claimmd", "api_key": CLAIMMD_KEY,
                  "url": houses.claimmd_url}]})
    registry = PayerRegistry.from_directory(routes, sleep=lambda _: None)

    # When Stedi answers 429 and asks us to come back in two minutes
    answer = registry.check("route-a", query(ACTIVE))

    # Then Claim.MD answered, once, and the 429 is kept as the first route's failure
    assert answer.routes_tried == ("route-a", "via-claimmd")
    assert summarize(answer.response).active is True
    [busy] = answer.earlier_failures
    assert (busy.code, busy.retry_after_s, busy.reached_payer) == (
        PayerErrorCode.BUSY, 120.0, False)
    assert len(stedi.requests) == 1 and len(claimmd.uploads) == 1
