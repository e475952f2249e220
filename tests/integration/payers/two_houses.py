"""Two clearinghouses for one payer on the payer server: Stedi throttling us, Claim.MD behind."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pytest_httpserver import HTTPServer

from tests.integration.payers.claimmd_sim import ClaimMdSimulator
from tests.integration.payers.doubles import CONTRACT_PATHS
from tests.integration.payers.stedi_sim import StediSimulator


@dataclass(frozen=True)
class TwoHouses:
    stedi: StediSimulator
    claimmd: ClaimMdSimulator
    stedi_url: str
    claimmd_url: str


def throttled_stedi_then_claimmd(server: HTTPServer, release: threading.Event) -> TwoHouses:
    """Stedi's raw X12 endpoint answering 429 (Retry-After: 120) to every call, and Claim.MD
    answering as the sandbox payer would."""
    stedi = StediSimulator(release=release, throttled=99, retry_after="120")
    claimmd = ClaimMdSimulator(release=release)
    server.expect_request(CONTRACT_PATHS["stedi-raw-x12"]).respond_with_handler(stedi.raw_x12)
    server.expect_request(CONTRACT_PATHS["claimmd"]).respond_with_handler(claimmd)
    return TwoHouses(stedi, claimmd, server.url_for(CONTRACT_PATHS["stedi-raw-x12"]),
                     server.url_for(CONTRACT_PATHS["claimmd"]))
