"""A payer reached through two clearinghouses: when the first is down, the check goes to the
same payer through the second, under the id that clearinghouse knows it by."""

from __future__ import annotations

import threading

from pytest_httpserver import HTTPServer

from payers.adapters.sandbox.read import read_270
from payers.catalog import Payer
from payers.directory import parse_directory
from payers.registry import PayerRegistry
from payers.x12.summary import summarize
from tests.integration.payers.claimmd_sim import KEY as CLAIMMD_KEY
from tests.integration.payers.claimmd_sim import ClaimMdSimulator
from tests.integration.payers.doubles import CONTRACT_PATHS
from tests.integration.payers.stedi_sim import KEY
from tests.integration.payers.two_houses import throttled_stedi_then_claimmd
from tests.unit.payers.builders import ACTIVE, query

TIDEWATER = Payer(id="tidewater", name="Tidewater Health Test",
                  aliases={"stedi": "TIDE01", "claimmd": "TDW99"})


def _registry(stedi_url: str, claimmd_url: str) -> PayerRegistry:
    catalog = {"tidewater": TIDEWATER}
    routes = parse_directory({"payers": [
        {"id": "tide-stedi", "payer": "tidewater", "adapter": "stedi", "api": "raw-x12",
         "usage": "T", "url": stedi_url, "api_key": KEY, "timeout_s": 5},
        {"id": "tide-claimmd", "payer": "tidewater", "adapter": "claimmd",
         "api_key": CLAIMMD_KEY, "url": claimmd_url, "timeout_s": 5},
    ]}, catalog=catalog)
    return PayerRegistry.from_directory(routes, catalog=catalog, sleep=lambda _: None)


def test_a_down_clearinghouse_hands_the_payer_to_the_next_under_its_alias_there(
    payer_server: HTTPServer, release: threading.Event, closed_url: str,
) -> None:
    # Given Tidewater through Stedi (down: nothing listens) and then Claim.MD
    claimmd = ClaimMdSimulator(release=release)
    payer_server.expect_request(CONTRACT_PATHS["claimmd"]).respond_with_handler(claimmd)
    registry = _registry(closed_url, payer_server.url_for(CONTRACT_PATHS["claimmd"]))

    # When the coverage names the payer, not a route
    answer = registry.check("tidewater", query(ACTIVE))

    # Then Claim.MD answered, asked with its own id for Tidewater
    assert answer.routes_tried == ("tide-stedi", "tide-claimmd")
    assert summarize(answer.response).active is True
    [upload] = claimmd.uploads
    assert read_270(upload).payer_id == "TDW99"


def test_a_throttled_clearinghouse_sends_its_alias_and_the_next_sends_its_own(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    # Given Stedi answering 429 (nothing processed) and Claim.MD behind it
    houses = throttled_stedi_then_claimmd(payer_server, release)
    registry = _registry(houses.stedi_url, houses.claimmd_url)

    answer = registry.check("tide-stedi", query(ACTIVE))

    # Then each clearinghouse was asked under its own id for the one payer
    assert answer.routes_tried == ("tide-stedi", "tide-claimmd")
    [sent] = houses.stedi.requests
    assert read_270(sent["x12"]).payer_id == "TIDE01"
    assert read_270(houses.claimmd.uploads[0]).payer_id == "TDW99"
