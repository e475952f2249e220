"""The clearinghouse JSON adapter: request body, OAuth2 token caching and refresh, replies."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from payers.adapters.clearinghouse import ClearinghouseAdapter
from payers.adapters.sandbox.payer import reply_for
from payers.base import PayerError, PayerErrorCode
from payers.x12.parties import Dependent, PersonName, Relationship
from payers.x12.summary import summarize
from tests.integration.payers.doubles import json_reply, read_json_request, token_handler
from tests.unit.payers.builders import ACTIVE, BORN, FIRST, LAST, NPI, entry, query


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def _eligibility(request: Request) -> Response:
    body = json.loads(request.get_data())
    reply = json_reply(reply_for(read_json_request(body)), body["controlNumber"])
    return Response(json.dumps(reply), content_type="application/json")


def _adapter(server: HTTPServer, clock: Clock | None = None) -> ClearinghouseAdapter:
    route = entry("clearinghouse-json", server.url_for("/eligibility"),
                  token_url=server.url_for("/token"), payer_id="87726")
    return ClearinghouseAdapter(entry=route, session=requests.Session(),
                                clock=clock or Clock(), sleep=lambda _: None)


def _bearers(server: HTTPServer) -> list[str]:
    return [r.headers.get("Authorization", "") for r, _ in server.log
            if r.path == "/eligibility"]


def test_the_request_body_has_the_eligibility_api_shape(payer_server: HTTPServer) -> None:
    payer_server.expect_request("/token").respond_with_handler(token_handler([]))
    payer_server.expect_request("/eligibility").respond_with_handler(_eligibility)

    answer = _adapter(payer_server).check(query(ACTIVE, control=77))

    sent = json.loads(answer.exchange.request)
    assert sent == {
        "controlNumber": "000000077", "tradingPartnerServiceId": "87726",
        "provider": {"npi": NPI, "organizationName": "Harborlight Counseling"},
        "subscriber": {"firstName": FIRST, "lastName": LAST, "memberId": ACTIVE,
                       "dateOfBirth": f"{BORN:%Y%m%d}"},
        "encounter": {"serviceTypeCodes": ["MH"], "dateOfService": "20261102"},
    }
    request = next(r for r, _ in payer_server.log if r.path == "/eligibility")
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(answer.exchange.response or "")["controlNumber"] == "000000077"


def test_a_dependent_without_an_own_id_is_sent_under_the_subscriber(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/token").respond_with_handler(token_handler([]))
    payer_server.expect_request("/eligibility").respond_with_data("{}", status=500)
    base = query(ACTIVE)
    child = Dependent(name=PersonName(last=LAST, first="Wrenna"),
                      relationship=Relationship.CHILD)
    the_query = replace(base, inquiry=replace(base.inquiry, dependent=child))

    with pytest.raises(PayerError) as caught:
        _adapter(payer_server).check(the_query)

    sent = json.loads(caught.value.exchange.request)  # type: ignore[union-attr]
    assert sent["subscriber"]["memberId"] == ACTIVE
    assert sent["dependents"] == [{"firstName": "Wrenna", "lastName": LAST,
                                   "relationshipToSubscriberCode": "19"}]


def test_the_reply_is_decoded_into_the_same_summary_as_a_271(payer_server: HTTPServer) -> None:
    payer_server.expect_request("/token").respond_with_handler(token_handler([]))
    payer_server.expect_request("/eligibility").respond_with_handler(_eligibility)

    answer = _adapter(payer_server).check(query("ZZT0000002"))
    summary = summarize(answer.response)

    assert summary.active is True
    assert summary.in_network.copay == Decimal(25)
    assert summary.in_network.coinsurance == Decimal("0.1")
    assert summary.in_network.deductible.remaining == Decimal("125.50")
    assert summary.out_of_network.coinsurance == Decimal("0.4")
    assert (summary.visit_limit.total, summary.visit_limit.remaining) == (20, 8)
    assert summary.auth_required is False
    assert summary.plan.group_number == "SBX-GROUP-100"


def test_a_carve_out_in_the_json_names_the_behavioral_health_payer(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/token").respond_with_handler(token_handler([]))
    payer_server.expect_request("/eligibility").respond_with_handler(_eligibility)

    answer = _adapter(payer_server).check(query("ZZT0000004"))

    carve_out = summarize(answer.response).carve_out
    assert carve_out is not None
    assert (carve_out.payer_id, carve_out.phone) == ("SANDBOXBHO", "8005550142")


def test_the_token_is_fetched_once_and_reused_until_it_nearly_expires(
    payer_server: HTTPServer,
) -> None:
    tokens: list[str] = []
    payer_server.expect_request("/token").respond_with_handler(
        token_handler(tokens, expires_in=600))
    payer_server.expect_request("/eligibility").respond_with_handler(_eligibility)
    clock = Clock()
    adapter = _adapter(payer_server, clock)

    adapter.check(query(ACTIVE))
    clock.now += 500
    adapter.check(query(ACTIVE))
    clock.now += 41  # 541 s after the fetch: within the 60 s renewal margin of 600 s
    adapter.check(query(ACTIVE))

    assert tokens == ["tok-1", "tok-2"]
    assert _bearers(payer_server) == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


def test_a_401_refreshes_the_token_once_and_the_request_is_answered(
    payer_server: HTTPServer,
) -> None:
    tokens: list[str] = []
    payer_server.expect_request("/token").respond_with_handler(token_handler(tokens))

    def eligibility(request: Request) -> Response:
        if request.headers.get("Authorization") == "Bearer tok-1":
            return Response('{"error": "token expired"}', status=401)
        return _eligibility(request)

    payer_server.expect_request("/eligibility").respond_with_handler(eligibility)

    answer = _adapter(payer_server).check(query(ACTIVE))

    assert tokens == ["tok-1", "tok-2"]
    assert _bearers(payer_server) == ["Bearer tok-1", "Bearer tok-2"]
    assert answer.exchange.http_status == 200


def test_a_second_401_is_an_authentication_failure_without_a_third_try(
    payer_server: HTTPServer,
) -> None:
    tokens: list[str] = []
    payer_server.expect_request("/token").respond_with_handler(token_handler(tokens))
    payer_server.expect_request("/eligibility").respond_with_data("{}", status=401)

    with pytest.raises(PayerError) as caught:
        _adapter(payer_server).check(query(ACTIVE))

    assert caught.value.code is PayerErrorCode.AUTH_FAILED
    assert len(_bearers(payer_server)) == 2


def test_refused_client_credentials_are_an_authentication_failure(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/token").respond_with_data('{"error": "invalid_client"}',
                                                            status=401)

    with pytest.raises(PayerError) as caught:
        _adapter(payer_server).check(query(ACTIVE))

    err = caught.value
    assert err.code is PayerErrorCode.AUTH_FAILED
    assert err.reached_payer is False
    assert err.exchange is not None and json.loads(err.exchange.request)["controlNumber"]
    assert _bearers(payer_server) == []
    assert "cw-client-secret" not in json.dumps(err.exchange.request)


def test_an_error_list_without_aaa_codes_in_a_200_reply_is_an_envelope_error(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/token").respond_with_handler(token_handler([]))
    payer_server.expect_request("/eligibility").respond_with_json(
        {"controlNumber": "000000041", "errors": [
            {"code": "INVALID_NPI", "description": "provider not enrolled"}]})

    with pytest.raises(PayerError) as caught:
        _adapter(payer_server).check(query(ACTIVE))

    assert caught.value.code is PayerErrorCode.ENVELOPE_ERROR
    assert "INVALID_NPI" in caught.value.message


def test_a_reply_about_another_member_is_refused(payer_server: HTTPServer) -> None:
    payer_server.expect_request("/token").respond_with_handler(token_handler([]))

    def other_member(request: Request) -> Response:
        body = json.loads(request.get_data())
        body["subscriber"]["memberId"] = "ZZT0000777"
        reply = json_reply(reply_for(read_json_request(body)), body["controlNumber"])
        return Response(json.dumps(reply), content_type="application/json")

    payer_server.expect_request("/eligibility").respond_with_handler(other_member)

    with pytest.raises(PayerError) as caught:
        _adapter(payer_server).check(query(ACTIVE))

    assert caught.value.code is PayerErrorCode.RESPONSE_INVALID
    assert "another member" in caught.value.message


def test_a_reply_to_another_request_is_refused(payer_server: HTTPServer) -> None:
    # Given a clearinghouse that answers every request with the reply to the first one:
    # the same patient and benefits, but the first request's controlNumber.
    replies: list[str] = []

    def stale(request: Request) -> Response:
        if not replies:
            body = json.loads(request.get_data())
            replies.append(json.dumps(json_reply(reply_for(read_json_request(body)),
                                                 body["controlNumber"])))
        return Response(replies[0], content_type="application/json")

    payer_server.expect_request("/token").respond_with_handler(token_handler([]))
    payer_server.expect_request("/eligibility").respond_with_handler(stale)
    adapter = _adapter(payer_server)

    # When the same patient is checked twice
    first = adapter.check(query(ACTIVE, control=41))
    with pytest.raises(PayerError) as caught:
        adapter.check(query(ACTIVE, control=42))

    # Then the first reply answers, and the second, echoing 000000041, is refused
    assert summarize(first.response).active is True
    err = caught.value
    assert err.code is PayerErrorCode.RESPONSE_INVALID
    assert err.reached_payer is True
    assert "does not echo our trace" in err.message
    assert err.exchange is not None and err.exchange.response == replies[0]
    assert json.loads(err.exchange.request)["controlNumber"] == "000000042"
