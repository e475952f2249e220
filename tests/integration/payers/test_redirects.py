"""Payer and token calls never follow a redirect: the credentials, the 270 and the client
secret stay with the route's own URLs, and no other page is stored as a payer's reply."""

from __future__ import annotations

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response

from payers.adapters.clearinghouse import ClearinghouseAdapter
from payers.adapters.core import CoreAdapter
from payers.base import EligibilityAdapter, PayerError, PayerErrorCode
from tests.integration.payers.doubles import token_handler
from tests.unit.payers.builders import ACTIVE, PHI, entry, query

PATHS = {"core-soap": "/core", "core-mime": "/core", "clearinghouse-json": "/eligibility"}
REDIRECTS = (301, 302, 303, 307, 308)


def _adapter(adapter: str, server: HTTPServer) -> EligibilityAdapter:
    route = entry(adapter, server.url_for(PATHS[adapter]))
    # A plain Session follows redirects unless each call says otherwise.
    if adapter == "clearinghouse-json":
        return ClearinghouseAdapter(entry=route, session=requests.Session(),
                                    sleep=lambda _: None)
    return CoreAdapter(entry=route, session=requests.Session(), sleep=lambda _: None)


def _moved(status: int, location: str) -> Response:
    return Response(f'<a href="{location}">moved</a>', status=status,
                    headers={"Location": location}, content_type="text/html")


def _error(adapter: EligibilityAdapter) -> PayerError:
    with pytest.raises(PayerError) as caught:
        adapter.check(query(ACTIVE))
    return caught.value


@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize("adapter", list(PATHS))
def test_a_redirect_from_the_payer_is_an_envelope_error_and_its_target_gets_nothing(
    adapter: str, status: int, payer_server: HTTPServer, elsewhere: HTTPServer,
) -> None:
    # Given a payer URL answering with a redirect to another host (an internal page)
    target = elsewhere.url_for("/internal/collect")
    if adapter == "clearinghouse-json":
        payer_server.expect_request("/token").respond_with_handler(token_handler([]))
    payer_server.expect_request(PATHS[adapter]).respond_with_response(_moved(status, target))

    # When a check is sent
    err = _error(_adapter(adapter, payer_server))

    # Then nothing (no re-post of the credentials and the 270, no GET) went to the target
    assert elsewhere.log == []
    assert len([r for r, _ in payer_server.log if r.path == PATHS[adapter]]) == 1
    assert (err.code, err.reached_payer) == (PayerErrorCode.ENVELOPE_ERROR, True)
    assert f"HTTP {status}" in err.message
    text = str(err)
    assert target not in text and "internal" not in text
    assert not any(value.lower() in text.lower() for value in PHI)
    # and neither the redirect's body nor any other page is kept as the payer's reply
    assert err.exchange is not None
    assert (err.exchange.http_status, err.exchange.response) == (status, None)
    assert err.exchange.request


@pytest.mark.parametrize("status", (302, 307, 308))
def test_a_redirect_from_the_token_url_is_refused_and_the_client_secret_goes_nowhere_else(
    status: int, payer_server: HTTPServer, elsewhere: HTTPServer,
) -> None:
    payer_server.expect_request("/token").respond_with_response(
        _moved(status, elsewhere.url_for("/token")))
    payer_server.expect_request("/eligibility").respond_with_data("{}")

    err = _error(_adapter("clearinghouse-json", payer_server))

    assert elsewhere.log == []
    assert [r.path for r, _ in payer_server.log] == ["/token"]  # no inquiry sent either
    assert (err.code, err.reached_payer) == (PayerErrorCode.ENVELOPE_ERROR, False)
    assert f"the token endpoint answered HTTP {status}" in err.message
    assert "cw-client-secret" not in str(err)
    assert err.exchange is not None and "cw-client-secret" not in err.exchange.request
    assert elsewhere.url_for("/token") not in str(err)


def test_a_redirect_to_another_path_of_the_same_payer_is_not_followed_either(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/core").respond_with_response(
        _moved(307, payer_server.url_for("/core-v2")))
    payer_server.expect_request("/core-v2").respond_with_data("<html>other</html>")

    err = _error(_adapter("core-soap", payer_server))

    assert [r.path for r, _ in payer_server.log] == ["/core"]
    assert err.code is PayerErrorCode.ENVELOPE_ERROR
