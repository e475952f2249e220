"""The availity adapter against its simulator: the coverage posted as a form, polled until
complete within the route's timeout, 5-minute tokens renewed (and after a 401), demo and
production scopes kept apart, 429 with Retry-After, the payer's validation messages kept as
rejections, and a poll answered with another coverage refused."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from payers.adapters.availity import AvailityAdapter
from payers.base import PayerErrorCode
from payers.x12.summary import summarize
from tests.integration.payers.availity_sim import AvailitySimulator
from tests.integration.payers.doubles import serve_availity
from tests.unit.payers.builders import ACTIVE, NPI, REJECTED, entry, error_of, query


class Clock:
    """Monotonic seconds that move only when the adapter sleeps (or a test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _adapter(server: HTTPServer, clock: Clock, **fields: object) -> AvailityAdapter:
    route = entry("availity", server.url_for("/v1/coverages"), payer_id="AVTIDE", **fields)
    return AvailityAdapter(entry=route, session=requests.Session(), sleep=clock.sleep,
                           clock=clock)


def _served(server: HTTPServer, release: threading.Event, **options: object,
            ) -> AvailitySimulator:
    simulator = AvailitySimulator(release=release, **options)  # type: ignore[arg-type]
    serve_availity(server, simulator)
    return simulator


def test_the_query_is_posted_as_a_form_and_polled_until_complete(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    simulator = _served(payer_server, release, in_progress=3)
    clock = Clock()

    answer = _adapter(payer_server, clock).check(query("ZZT0000002"))

    [form] = simulator.forms
    assert {k: v for k, v in form.items() if k != "patientFirstName"} == {
        "payerId": ["AVTIDE"], "providerNpi": [NPI],
        "providerLastName": ["Harborlight Counseling"], "memberId": ["ZZT0000002"],
        "patientLastName": ["Quarrowby"], "patientBirthDate": ["1983-07-14"],
        "subscriberRelationship": ["18"], "serviceType": ["MH"], "asOfDate": ["2026-11-02"]}
    assert simulator.polls == ["7000001"] * 3
    assert clock.sleeps == [0.25, 0.5, 1.0]
    summary = summarize(answer.response)
    assert summary.active is True
    assert summary.in_network.copay == Decimal(25)
    assert summary.in_network.coinsurance == Decimal("0.1")
    assert summary.in_network.deductible.remaining == Decimal("125.50")
    assert summary.plan.group_number == "SBX-GROUP-100"
    assert answer.exchange.request.startswith("payerId=AVTIDE")


def test_a_coverage_still_in_progress_at_the_timeout_is_a_timeout_without_a_second_post(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    simulator = _served(payer_server, release, in_progress=10_000)
    clock = Clock()

    err = error_of(_adapter(payer_server, clock, timeout_s=6))

    assert err.code is PayerErrorCode.TIMEOUT and err.reached_payer is True
    assert len(simulator.forms) == 1
    assert sum(clock.sleeps) < 6 and len(simulator.polls) == len(clock.sleeps)


def test_tokens_are_renewed_before_their_five_minutes_end(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    simulator = _served(payer_server, release, in_progress=0)
    clock = Clock()
    adapter = _adapter(payer_server, clock)

    adapter.check(query(ACTIVE))
    clock.now += 200
    adapter.check(query(ACTIVE))
    clock.now += 41  # 241 s after the fetch: inside the last minute of 300 s
    adapter.check(query(ACTIVE))

    assert simulator.tokens == ["av-token-1", "av-token-2"]


def test_an_expired_token_refused_with_401_is_renewed_once_and_the_check_answered(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    simulator = _served(payer_server, release, in_progress=2)
    adapter = _adapter(payer_server, Clock())
    adapter.check(query(ACTIVE))
    simulator.expired.add("av-token-1")  # revoked early, as Availity may

    answer = adapter.check(query(ACTIVE))

    assert simulator.tokens == ["av-token-1", "av-token-2"]
    assert summarize(answer.response).active is True


def test_a_production_route_never_gets_a_demo_token(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    _served(payer_server, release)  # the demo plan's scope only

    err = error_of(_adapter(payer_server, Clock(), usage="P"))

    assert err.code is PayerErrorCode.AUTH_FAILED and not err.reached_payer
    assert [r.form.get("scope") for r, _ in payer_server.log] == [
        "healthcare-hipaa-transactions"]
    assert "cw-client-secret" not in str(err)


def test_a_429_with_retry_after_is_waited_for_then_the_coverage_is_posted(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    simulator = AvailitySimulator(release=release, in_progress=0)
    refusals = iter([Response("{}", status=429, headers={"Retry-After": "2"})])

    def throttled_once(request: Request) -> Response:
        return next(refusals, None) or simulator.coverages(request)

    payer_server.expect_request("/v1/token").respond_with_handler(simulator.token)
    payer_server.expect_request("/v1/coverages", method="POST").respond_with_handler(
        throttled_once)
    payer_server.expect_request("/v1/coverages/7000001").respond_with_handler(
        simulator.coverage)
    clock = Clock()

    answer = _adapter(payer_server, clock, timeout_s=10).check(query(ACTIVE))

    assert clock.sleeps == [2.0, 0.25]  # the wait asked for, then the first poll's
    assert summarize(answer.response).active is True


def test_the_payer_s_validation_messages_are_rejections_with_its_words(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    _served(payer_server, release)

    answer = _adapter(payer_server, Clock()).check(query(REJECTED))

    [rejection] = answer.response.rejections()
    assert (rejection.reason, rejection.follow_up) == ("72", "C")
    assert rejection.text == "Invalid/Missing Subscriber/Insured ID"
    assert [r.code for r in summarize(answer.response).rejections] == ["72"]


@pytest.mark.parametrize(("status", "code"), [("15", PayerErrorCode.UNAVAILABLE),
                                              ("13", PayerErrorCode.RESPONSE_INVALID)])
def test_a_coverage_availity_could_not_get_from_the_payer_is_an_error(
    payer_server: HTTPServer, release: threading.Event, status: str, code: PayerErrorCode,
) -> None:
    _served(payer_server, release, final_status=status)

    err = error_of(_adapter(payer_server, Clock()))

    assert err.code is code and err.reached_payer
    assert err.exchange is not None and f'"statusCode": "{status}"' in (
        err.exchange.response or "")


def test_a_poll_answered_with_another_coverage_is_refused(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    _served(payer_server, release, case="wrong_trace")

    err = error_of(_adapter(payer_server, Clock()))

    assert err.code is PayerErrorCode.RESPONSE_INVALID
    assert "does not echo our trace" in err.message
