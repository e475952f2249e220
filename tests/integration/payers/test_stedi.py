"""The stedi adapter against its simulator: the API key as Stedi takes it, test and
production keys kept apart, 429 with Retry-After, AAA errors kept whole, replies to
another request refused, and our 270 carried by the raw X12 API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
import requests
from pytest_httpserver import HTTPServer

from payers.adapters.stedi import stedi_adapter
from payers.base import EligibilityAdapter, PayerErrorCode
from payers.x12.summary import summarize
from tests.integration.payers.doubles import CONTRACT_PATHS
from tests.integration.payers.stedi_sim import KEY, StediSimulator
from tests.unit.payers.builders import ACTIVE, PHI, REJECTED, entry, error_of, query

APIS = ("v3", "raw-x12")


@pytest.fixture
def stedi(payer_server: HTTPServer, release: threading.Event) -> Iterator[StediSimulator]:
    simulator = StediSimulator(release=release)
    payer_server.expect_request(CONTRACT_PATHS["stedi-v3"]).respond_with_handler(simulator.v3)
    payer_server.expect_request(CONTRACT_PATHS["stedi-raw-x12"]).respond_with_handler(
        simulator.raw_x12)
    yield simulator


def _serve(server: HTTPServer, simulator: StediSimulator, api: str) -> None:
    server.expect_request(CONTRACT_PATHS[f"stedi-{api}"]).respond_with_handler(
        simulator.v3 if api == "v3" else simulator.raw_x12)


def _adapter(server: HTTPServer, api: str, sleeps: list[float] | None = None,
             **fields: object) -> EligibilityAdapter:
    route = entry("stedi", server.url_for(CONTRACT_PATHS[f"stedi-{api}"]), api=api,
                  **fields)
    recorded = sleeps if sleeps is not None else []
    return stedi_adapter(entry=route, session=requests.Session(), sleep=recorded.append)



@pytest.mark.parametrize("api", APIS)
def test_the_api_key_is_the_whole_authorization_header(
    payer_server: HTTPServer, stedi: StediSimulator, api: str,
) -> None:
    answer = _adapter(payer_server, api).check(query(ACTIVE))

    assert summarize(answer.response).active is True
    assert [r.headers["Authorization"] for r, _ in payer_server.log] == [KEY]


@pytest.mark.parametrize("api", APIS)
def test_the_key_is_read_from_the_environment_when_the_check_starts(
    payer_server: HTTPServer, stedi: StediSimulator, api: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    adapter = _adapter(payer_server, api, api_key=None, api_key_env="CW_TEST_STEDI")

    missing = error_of(adapter)
    monkeypatch.setenv("CW_TEST_STEDI", KEY)
    answered = adapter.check(query(ACTIVE))

    assert missing.code is PayerErrorCode.NOT_CONFIGURED and not missing.reached_payer
    assert missing.exchange is not None and missing.exchange.request
    assert answered.exchange.http_status == 200
    assert len(payer_server.log) == 1


@pytest.mark.parametrize(("key", "usage"), [(KEY, "P"), ("cw-production-key", "T")])
def test_test_and_production_keys_are_never_used_on_the_other_kind_of_route(
    payer_server: HTTPServer, stedi: StediSimulator, key: str, usage: str,
) -> None:
    err = error_of(_adapter(payer_server, "v3", api_key=key, usage=usage))

    assert err.code is PayerErrorCode.NOT_CONFIGURED
    assert payer_server.log == []
    assert key not in str(err) and key not in json.dumps(err.exchange.request)  # type: ignore[union-attr]


@pytest.mark.parametrize("api", APIS)
def test_a_refused_key_is_an_authentication_failure_that_never_shows_the_key(
    payer_server: HTTPServer, release: threading.Event, api: str,
) -> None:
    simulator = StediSimulator(release=release, key="test_another-key")
    _serve(payer_server, simulator, api)

    err = error_of(_adapter(payer_server, api))

    assert err.code is PayerErrorCode.AUTH_FAILED
    assert err.reached_payer is False
    assert KEY not in str(err)
    assert err.exchange is not None and KEY not in err.exchange.request


@pytest.mark.parametrize("api", APIS)
def test_a_429_is_retried_after_the_wait_stedi_asks_for(
    payer_server: HTTPServer, release: threading.Event, api: str,
) -> None:
    simulator = StediSimulator(release=release, throttled=1, retry_after="2")
    _serve(payer_server, simulator, api)
    sleeps: list[float] = []

    answer = _adapter(payer_server, api, sleeps, timeout_s=10).check(query(ACTIVE))

    assert sleeps == [2.0]
    assert len(simulator.requests) == 2
    assert summarize(answer.response).active is True


@pytest.mark.parametrize("api", APIS)
def test_a_429_asking_for_more_than_the_timeout_is_busy_at_once(
    payer_server: HTTPServer, release: threading.Event, api: str,
) -> None:
    simulator = StediSimulator(release=release, throttled=5, retry_after="45")
    _serve(payer_server, simulator, api)

    err = error_of(_adapter(payer_server, api, timeout_s=5))

    assert err.code is PayerErrorCode.BUSY
    assert (err.retry_after_s, err.reached_payer) == (45.0, False)
    assert len(simulator.requests) == 1


@pytest.mark.parametrize("api", APIS)
def test_an_aaa_error_keeps_its_code_follow_up_loop_and_stedi_s_own_words(
    payer_server: HTTPServer, stedi: StediSimulator, api: str,
) -> None:
    answer = _adapter(payer_server, api).check(query(REJECTED))

    rejections = answer.response.rejections()
    assert [(r.reason, r.follow_up, r.loop) for r in rejections] == [("72", "C", "2100C")]
    assert rejections[0].text == ("rejected — Check the member ID on the patient's card and "
                                  "resubmit.")
    assert [r.code for r in summarize(answer.response).rejections] == ["72"]


def test_an_aaa_error_about_the_provider_is_placed_at_the_provider_s_loop(
    payer_server: HTTPServer,
) -> None:
    reply = {"controlNumber": "000000041", "payer": {"name": "TIDEWATER HEALTH TEST"},
             "provider": {"npi": "1234567893"},
             "subscriber": {"memberId": ACTIVE, "lastName": PHI[1]},
             "errors": [{"field": "AAA", "code": "43", "location": "Loop 2100B",
                         "description": "Invalid/Missing Provider Identification",
                         "followupAction": "Please Correct and Resubmit",
                         "possibleResolutions": "Check the NPI is enrolled with the payer."}]}
    payer_server.expect_request(CONTRACT_PATHS["stedi-v3"]).respond_with_json(reply)

    answer = _adapter(payer_server, "v3").check(query(ACTIVE))

    [receiver] = answer.response.levels("B")
    assert [(r.reason, r.loop) for r in receiver.party.rejections] == [("43", "2100B")]
    assert "NPI is enrolled" in receiver.party.rejections[0].text
    assert [r.code for r in summarize(answer.response).rejections] == ["43"]


@pytest.mark.parametrize("api", APIS)
def test_a_reply_to_another_request_is_refused(
    payer_server: HTTPServer, release: threading.Event, api: str,
) -> None:
    simulator = StediSimulator(release=release, case="wrong_trace")
    _serve(payer_server, simulator, api)

    err = error_of(_adapter(payer_server, api))

    assert err.code is PayerErrorCode.RESPONSE_INVALID and err.reached_payer
    assert "does not echo our trace" in err.message
    assert err.exchange is not None and err.exchange.response


def test_the_raw_x12_api_carries_our_270_and_keeps_the_payer_s_271(
    payer_server: HTTPServer, stedi: StediSimulator,
) -> None:
    answer = _adapter(payer_server, "raw-x12").check(query("ZZT0000002", control=77))

    [sent] = stedi.requests
    assert sent == {"x12": answer.exchange.request}
    assert answer.exchange.request.startswith("ISA") and "*000000077*" in sent["x12"]
    assert (answer.exchange.response or "").startswith("ISA")
    assert "ST*271*" in (answer.exchange.response or "")
    assert summarize(answer.response).in_network.copay == Decimal(25)


def test_a_request_stedi_refuses_is_an_envelope_error_naming_its_code(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    payer_server.expect_request(CONTRACT_PATHS["stedi-raw-x12"]).respond_with_json(
        {"errors": [{"code": "INVALID_PAYER_ID", "description": "payer not found"}]})

    err = error_of(_adapter(payer_server, "raw-x12"))

    assert err.code is PayerErrorCode.ENVELOPE_ERROR and not err.reached_payer
    assert "INVALID_PAYER_ID" in err.message


@pytest.mark.parametrize("api", APIS)
def test_a_request_refused_with_http_400_names_stedi_s_error_code(
    payer_server: HTTPServer, release: threading.Event, api: str,
) -> None:
    _serve(payer_server, StediSimulator(release=release, case="envelope_error"), api)

    err = error_of(_adapter(payer_server, api))

    assert err.code is PayerErrorCode.ENVELOPE_ERROR and not err.reached_payer
    assert err.message == "the payer refused the request (HTTP 400, error INVALID_TRADING_PARTNER)"
    assert err.exchange is not None and "unknown payer id" in (err.exchange.response or "")
