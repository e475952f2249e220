"""The HTTP rules: deadlines, no resend of a 270 that may have arrived, bounded retries."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from payers.adapters.core import CoreAdapter
from payers.base import PayerErrorCode
from tests.support.scripted_payer import ScriptedPayer
from tests.unit.payers.builders import ACTIVE, entry, error_of, query


def _adapter(url: str, sleeps: list[float] | None = None, **fields: Any) -> CoreAdapter:
    recorded = sleeps if sleeps is not None else []
    return CoreAdapter(entry=entry("core-soap", url, **fields), session=requests.Session(),
                       sleep=recorded.append)



def test_a_payer_slower_than_its_timeout_ends_the_check_within_timeout_plus_one_second(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    payer_server.expect_request("/core").respond_with_handler(
        ScriptedPayer(default=[("hold",)], release=release))
    adapter = _adapter(payer_server.url_for("/core"), timeout_s=1)

    started = time.monotonic()
    err = error_of(adapter)
    elapsed = time.monotonic() - started

    assert err.code is PayerErrorCode.TIMEOUT
    assert 1.0 <= elapsed < 2.0
    assert err.reached_payer is True
    assert err.exchange is not None and err.exchange.request.startswith("ISA")
    assert err.exchange.response is None


def test_a_payer_trickling_its_reply_is_cut_off_at_the_total_deadline(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    # Each chunk arrives well within a per-read timeout; only a total deadline stops it.
    def trickle(request: Request) -> Response:
        def chunks():  # type: ignore[no-untyped-def]
            for _ in range(40):
                if release.wait(0.1):
                    return
                yield b" "
        return Response(chunks(), content_type="application/soap+xml")

    payer_server.expect_request("/core").respond_with_handler(trickle)
    started = time.monotonic()
    err = error_of(_adapter(payer_server.url_for("/core"), timeout_s=1))

    assert err.code is PayerErrorCode.TIMEOUT
    assert time.monotonic() - started < 2.0


def test_a_timed_out_270_is_never_sent_again_by_the_library(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    payer_server.expect_request("/core").respond_with_handler(
        ScriptedPayer(default=[("hold",)], release=release))
    sleeps: list[float] = []

    error_of(_adapter(payer_server.url_for("/core"), sleeps, timeout_s=1))
    release.set()
    time.sleep(0.1)

    assert len(payer_server.log) == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_server_error_is_not_retried_and_may_have_reached_the_payer(
    payer_server: HTTPServer, status: int,
) -> None:
    payer_server.expect_request("/core").respond_with_data("failure", status=status)

    err = error_of(_adapter(payer_server.url_for("/core")))

    assert err.code is PayerErrorCode.UNAVAILABLE
    assert err.reached_payer is True
    assert len(payer_server.log) == 1
    assert err.exchange is not None and err.exchange.http_status == status
    assert err.exchange.response == "failure"


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_answer_is_retried_at_once_and_a_later_answer_is_used(
    payer_server: HTTPServer, status: int,
) -> None:
    payer_server.expect_request("/core").respond_with_handler(
        ScriptedPayer(default=[("status", status, "busy"), ("answer",)]))
    sleeps: list[float] = []

    answer = _adapter(payer_server.url_for("/core"), sleeps).check(query(ACTIVE))

    assert answer.exchange.http_status == 200
    assert len(payer_server.log) == 2
    assert len(sleeps) == 1 and sleeps[0] <= 0.2


@pytest.mark.parametrize(("status", "code"), [(429, PayerErrorCode.BUSY),
                                               (503, PayerErrorCode.UNAVAILABLE)])
def test_busy_answers_are_retried_at_most_twice(
    payer_server: HTTPServer, status: int, code: PayerErrorCode,
) -> None:
    payer_server.expect_request("/core").respond_with_data("busy", status=status)
    sleeps: list[float] = []

    err = error_of(_adapter(payer_server.url_for("/core"), sleeps))

    # A 429 is the route throttling us (busy); a bare 503 is the payer down.
    assert err.code is code
    assert err.reached_payer is False
    assert err.retry_after_s is None
    assert len(payer_server.log) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_that_fits_the_timeout_is_waited_for_then_the_answer_is_used(
    payer_server: HTTPServer, status: int,
) -> None:
    answers = iter([Response("slow down", status=status, headers={"Retry-After": "3"})])
    payer = ScriptedPayer()

    def handler(request: Request) -> Response:
        return next(answers, None) or payer(request)

    payer_server.expect_request("/core").respond_with_handler(handler)
    sleeps: list[float] = []

    answer = _adapter(payer_server.url_for("/core"), sleeps, timeout_s=10).check(
        query(ACTIVE))

    assert answer.exchange.http_status == 200
    assert sleeps == [3.0]
    assert len(payer_server.log) == 2


@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_longer_than_the_timeout_is_busy_at_once_with_the_wait_asked(
    payer_server: HTTPServer, status: int,
) -> None:
    payer_server.expect_request("/core").respond_with_data(
        "slow down", status=status, headers={"Retry-After": "120"})
    sleeps: list[float] = []

    err = error_of(_adapter(payer_server.url_for("/core"), sleeps, timeout_s=5))

    assert err.code is PayerErrorCode.BUSY
    assert err.reached_payer is False
    assert err.retry_after_s == 120.0
    assert "120 s" in err.message
    assert sleeps == [] and len(payer_server.log) == 1
    assert err.exchange is not None and err.exchange.http_status == status


def test_a_retry_after_given_as_an_http_date_is_read_as_seconds_from_the_reply(
    payer_server: HTTPServer,
) -> None:
    # The test server stamps its own Date header; the wait is counted from it.
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    payer_server.expect_request("/core").respond_with_data(
        "slow down", status=429, headers={"Retry-After": later})

    err = error_of(_adapter(payer_server.url_for("/core"), timeout_s=5))

    assert err.code is PayerErrorCode.BUSY
    assert err.retry_after_s is not None and 118 <= err.retry_after_s <= 121


def test_a_refused_connection_is_retried_and_the_payer_answers_once_it_is_back(
    closed_url: str,
) -> None:
    port = int(closed_url.split(":")[2].split("/")[0])
    late = HTTPServer(host="127.0.0.1", port=port, threaded=True)
    late.expect_request("/core").respond_with_handler(ScriptedPayer())
    started: list[float] = []

    def start_payer(delay: float) -> None:  # the backoff wait: the payer comes up meanwhile
        started.append(delay)
        if not late.is_running():
            late.start()

    adapter = CoreAdapter(entry=entry("core-soap", closed_url), session=requests.Session(),
                          sleep=start_payer)
    try:
        answer = adapter.check(query(ACTIVE))
    finally:
        late.clear()
        if late.is_running():
            late.stop()

    assert len(started) == 1
    assert answer.exchange.http_status == 200


def test_a_payer_that_stays_down_fails_after_the_bounded_retries_without_reaching_it(
    closed_url: str,
) -> None:
    sleeps: list[float] = []

    err = error_of(_adapter(closed_url, sleeps))

    assert err.code is PayerErrorCode.UNAVAILABLE
    assert err.reached_payer is False
    assert len(sleeps) == 2
    assert err.exchange is not None and err.exchange.response is None


def test_a_garbage_reply_is_not_retried(payer_server: HTTPServer) -> None:
    payer_server.expect_request("/core").respond_with_data("<html>oops</html>")
    err = error_of(_adapter(payer_server.url_for("/core")))

    assert err.code is PayerErrorCode.RESPONSE_INVALID
    assert len(payer_server.log) == 1


def test_tls_verification_stays_on_even_when_the_session_turns_it_off(
    payer_server: HTTPServer,
) -> None:
    session = requests.Session()
    session.verify = False
    seen: list[object] = []

    class Spy(requests.adapters.HTTPAdapter):
        def send(self, request, **kwargs):  # type: ignore[no-untyped-def,override]
            seen.append(kwargs.get("verify"))
            return super().send(request, **kwargs)

    session.mount("http://", Spy())
    payer_server.expect_request("/core").respond_with_handler(ScriptedPayer())
    CoreAdapter(entry=entry("core-soap", payer_server.url_for("/core")),
                session=session).check(query(ACTIVE))

    # True, or the CA bundle REQUESTS_CA_BUNDLE names: verification on either way.
    assert len(seen) == 1 and seen[0] not in (False, None, "")
