"""The Stedi COB adapter against its simulator: the request Stedi's reference asks for, the
other plans and their primacy read from the reply, and the transport rules every connector
keeps (the key never logged, no redirect followed, 429 as PAYER_BUSY with Retry-After)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import date

import pytest
import requests
from pytest_httpserver import HTTPServer

from payers.adapters.stedi.cob import StediCobAdapter
from payers.base import PayerError, PayerErrorCode
from payers.cob import CobQuery, Primacy
from payers.directory import PayerEntry
from tests.integration.payers.stedi_cob_sim import (
    ALONE,
    NOT_FOUND,
    OTHER_MEMBER,
    OTHER_PRIMARY,
    OTHER_SECONDARY,
    PATH,
    StediCobSimulator,
)
from tests.integration.payers.stedi_sim import KEY
from tests.unit.payers.builders import BORN, FIRST, LAST, entry, query


@pytest.fixture
def simulator(payer_server: HTTPServer, release: threading.Event,
              ) -> Iterator[StediCobSimulator]:
    sim = StediCobSimulator(release=release)
    payer_server.expect_request(PATH, method="POST").respond_with_handler(sim)
    yield sim


def _route(server: HTTPServer, **fields: object) -> PayerEntry:
    return entry("stedi", server.url_for("/eligibility"), cob_url=server.url_for(PATH),
                 **{"timeout_s": 2, **fields})


def _adapter(server: HTTPServer, sleeps: list[float] | None = None,
             **fields: object) -> StediCobAdapter:
    return StediCobAdapter(entry=_route(server, **fields), session=requests.Session(),
                           sleep=(sleeps if sleeps is not None else []).append)


def _ask(adapter: StediCobAdapter, member_id: str):  # type: ignore[no-untyped-def]
    asked = query(member_id)
    return adapter.check(CobQuery(inquiry=asked.inquiry, receiver=asked.receiver))


def test_the_request_has_the_shape_of_stedis_reference_and_the_key_as_the_header(
    payer_server: HTTPServer, simulator: StediCobSimulator,
) -> None:
    _ask(_adapter(payer_server), ALONE)

    (sent,) = simulator.requests
    assert sent == {
        "tradingPartnerServiceId": "TIDE01",
        "provider": {"npi": "1234567893", "organizationName": "Harborlight Counseling"},
        "subscriber": {"firstName": FIRST, "lastName": LAST,
                       "dateOfBirth": BORN.isoformat(), "memberId": ALONE},
        "encounter": {"serviceTypeCode": "30", "dateOfService": "2026-11-02"}}
    (request, _), = payer_server.log
    assert request.headers["Authorization"] == KEY


def test_another_plan_that_pays_first_is_read_with_its_dates_and_member_id(
    payer_server: HTTPServer, simulator: StediCobSimulator,
) -> None:
    answer = _ask(_adapter(payer_server), OTHER_PRIMARY)

    assert answer.classification == "CobInstanceExistsPrimacyDetermined"
    assert (answer.cob_required, answer.primacy_determined) == (True, True)
    (other,) = answer.others
    assert (other.payer_name, other.payer_id, other.member_id) == (
        "Lanternbay Mutual Test", "LANT07", OTHER_MEMBER)
    assert other.primacy is Primacy.PRIMARY
    assert (other.begin, other.end) == (date(2025, 6, 1), date(2026, 12, 31))
    assert answer.exchange.http_status == 200


@pytest.mark.parametrize(("member_id", "primacy", "count"), [
    (OTHER_SECONDARY, Primacy.SECONDARY, 1), (ALONE, None, 0)])
def test_a_secondary_plan_or_none_at_all(
    payer_server: HTTPServer, simulator: StediCobSimulator, member_id: str,
    primacy: Primacy | None, count: int,
) -> None:
    answer = _ask(_adapter(payer_server), member_id)

    assert len(answer.others) == count
    assert [o.primacy for o in answer.others] == ([primacy] if primacy else [])


def test_a_patient_the_payer_cannot_find_is_a_request_error_without_patient_data(
    payer_server: HTTPServer, simulator: StediCobSimulator,
) -> None:
    with pytest.raises(PayerError) as caught:
        _ask(_adapter(payer_server), NOT_FOUND)

    assert caught.value.code is PayerErrorCode.REQUEST_INVALID
    assert "75" in caught.value.message
    assert NOT_FOUND not in str(caught.value) and LAST not in str(caught.value)


@pytest.mark.parametrize(("case", "code"), [
    ("server_error", PayerErrorCode.UNAVAILABLE),
    ("malformed", PayerErrorCode.RESPONSE_INVALID),
    ("envelope_error", PayerErrorCode.ENVELOPE_ERROR),
    ("timeout", PayerErrorCode.TIMEOUT)])
def test_failures_are_payer_errors_with_stable_codes(
    payer_server: HTTPServer, simulator: StediCobSimulator, case: str,
    code: PayerErrorCode,
) -> None:
    simulator.case = case
    with pytest.raises(PayerError) as caught:
        _ask(_adapter(payer_server, timeout_s=0.5), ALONE)

    assert caught.value.code is code


def test_a_redirect_is_refused_unfollowed(payer_server: HTTPServer,
                                         elsewhere: HTTPServer) -> None:
    payer_server.expect_request(PATH, method="POST").respond_with_data(
        "", status=307, headers={"Location": elsewhere.url_for("/cob")})
    with pytest.raises(PayerError) as caught:
        _ask(_adapter(payer_server), ALONE)

    assert caught.value.code is PayerErrorCode.ENVELOPE_ERROR
    assert elsewhere.log == []


def test_a_429_past_the_routes_timeout_is_busy_with_the_wait_stedi_asked_for(
    payer_server: HTTPServer, simulator: StediCobSimulator,
) -> None:
    simulator.throttled = 5
    with pytest.raises(PayerError) as caught:
        _ask(_adapter(payer_server), ALONE)

    assert caught.value.code is PayerErrorCode.BUSY
    assert caught.value.retry_after_s == 7
    assert len(simulator.requests) == 1


def test_a_refused_key_is_auth_failed_and_no_key_is_ever_logged(
    payer_server: HTTPServer, simulator: StediCobSimulator, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(PayerError) as caught:
        _ask(_adapter(payer_server, api_key="test_some-other-key"), ALONE)

    assert caught.value.code is PayerErrorCode.AUTH_FAILED
    assert "test_some-other-key" not in caplog.text + str(caught.value)
    assert "test_some-other-key" not in json.dumps(caught.value.exchange.request
                                                   if caught.value.exchange else "")


def test_a_production_key_on_a_test_route_is_refused_before_anything_is_sent(
    payer_server: HTTPServer, simulator: StediCobSimulator,
) -> None:
    with pytest.raises(PayerError) as caught:
        _ask(_adapter(payer_server, api_key="prod-key"), ALONE)

    assert caught.value.code is PayerErrorCode.NOT_CONFIGURED
    assert simulator.requests == []
