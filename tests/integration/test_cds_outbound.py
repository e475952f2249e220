"""What the CDS services fetch themselves (JWK Sets, the EHR's FHIR data) is held to https,
public addresses, no redirects, a size cap and a deadline."""

from __future__ import annotations

import time

import pytest
from werkzeug import Response

from service.cds.outbound import FetchFailed, check_address, get_json


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/jwks", "https://10.1.2.3/jwks", "https://169.254.169.254/latest",
    "https://[::1]/jwks", "https://localhost/jwks"])
def test_private_and_loopback_addresses_are_refused(url):
    with pytest.raises(FetchFailed, match="private or reserved"):
        check_address(url, allow_private=False)


def test_plain_http_is_refused_unless_allowed():
    with pytest.raises(FetchFailed, match="https"):
        check_address("http://ehr.example/jwks", allow_private=False)
    check_address("http://127.0.0.1/jwks", allow_private=True)


def test_a_json_answer_is_read(httpserver):
    httpserver.expect_request("/keys").respond_with_json({"keys": []})
    assert get_json(httpserver.url_for("/keys"), allow_private=True) == {"keys": []}


def test_redirects_are_not_followed(httpserver):
    httpserver.expect_request("/keys").respond_with_response(
        Response(status=302, headers={"Location": "http://169.254.169.254/"}))
    with pytest.raises(FetchFailed, match="302"):
        get_json(httpserver.url_for("/keys"), allow_private=True)
    assert len(httpserver.log) == 1


def test_an_answer_over_the_cap_is_cut_off(httpserver):
    httpserver.expect_request("/big").respond_with_data("[" + "1," * 40_000 + "1]")
    with pytest.raises(FetchFailed, match="over 1000 bytes"):
        get_json(httpserver.url_for("/big"), allow_private=True, max_bytes=1000)


def test_a_slow_server_is_given_up_on(httpserver):
    httpserver.expect_request("/slow").respond_with_handler(
        lambda _request: (time.sleep(1.5), Response("{}"))[1])
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="ReadTimeout"):
        get_json(httpserver.url_for("/slow"), allow_private=True, timeout=0.5)
    assert time.monotonic() - started < 1.4


def test_an_answer_that_is_not_json_fails(httpserver):
    httpserver.expect_request("/html").respond_with_data("<html>")
    with pytest.raises(FetchFailed, match="not JSON"):
        get_json(httpserver.url_for("/html"), allow_private=True)
