"""The claimmd adapter against its simulator: our 270 uploaded with the account key in the
form body, the 271 read by our codec, a refused key, 429 with Retry-After, and a reply to
another request refused."""

from __future__ import annotations

import threading
from decimal import Decimal

import requests
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from payers.adapters.claimmd import ClaimMdAdapter
from payers.base import PayerErrorCode
from payers.x12.summary import summarize
from tests.integration.payers.claimmd_sim import KEY, ClaimMdSimulator
from tests.integration.payers.doubles import CONTRACT_PATHS
from tests.unit.payers.builders import ACTIVE, PHI, entry, error_of, query

PATH = CONTRACT_PATHS["claimmd"]


def _adapter(server: HTTPServer, sleeps: list[float] | None = None,
             **fields: object) -> ClaimMdAdapter:
    recorded = sleeps if sleeps is not None else []
    return ClaimMdAdapter(entry=entry("claimmd", server.url_for(PATH), **fields),
                          session=requests.Session(), sleep=recorded.append)



def test_our_270_is_uploaded_with_the_account_key_in_the_form_and_the_271_read(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    simulator = ClaimMdSimulator(release=release)
    payer_server.expect_request(PATH, method="POST").respond_with_handler(simulator)

    answer = _adapter(payer_server).check(query("ZZT0000002"))

    [request] = [r for r, _ in payer_server.log]
    assert KEY not in request.url and "Authorization" not in request.headers
    assert simulator.uploads == [answer.exchange.request]
    assert (answer.exchange.response or "").startswith("ISA")
    assert summarize(answer.response).in_network.copay == Decimal(25)


def test_a_refused_account_key_is_an_authentication_failure_that_never_shows_the_key(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    payer_server.expect_request(PATH).respond_with_handler(
        ClaimMdSimulator(release=release, key="another-account-key"))

    err = error_of(_adapter(payer_server))

    assert err.code is PayerErrorCode.AUTH_FAILED and not err.reached_payer
    assert KEY not in str(err)
    assert err.exchange is not None and KEY not in err.exchange.request


def test_a_missing_account_key_sends_nothing(payer_server: HTTPServer) -> None:
    err = error_of(_adapter(payer_server, api_key=None, api_key_env="CW_TEST_CLAIMMD_UNSET"))

    assert err.code is PayerErrorCode.NOT_CONFIGURED
    assert payer_server.log == []


def test_a_429_with_retry_after_is_waited_for_then_answered(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    simulator = ClaimMdSimulator(release=release)
    refusals = iter([Response("slow down", status=429, headers={"Retry-After": "3"})])

    def throttled_once(request: Request) -> Response:
        return next(refusals, None) or simulator(request)

    payer_server.expect_request(PATH).respond_with_handler(throttled_once)
    sleeps: list[float] = []

    answer = _adapter(payer_server, sleeps, timeout_s=10).check(query(ACTIVE))

    assert sleeps == [3.0]
    assert summarize(answer.response).active is True


def test_a_reply_to_another_request_is_refused(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    payer_server.expect_request(PATH).respond_with_handler(
        ClaimMdSimulator(release=release, case="wrong_trace"))

    err = error_of(_adapter(payer_server))

    assert err.code is PayerErrorCode.RESPONSE_INVALID and err.reached_payer
    assert not any(value.lower() in err.message.lower() for value in PHI)
    assert err.exchange is not None and (err.exchange.response or "").startswith("ISA")
