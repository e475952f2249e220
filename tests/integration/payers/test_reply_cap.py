"""A payer's reply is read up to the route's max_reply_bytes and refused past it, unread."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from payers.adapters.core import CoreAdapter
from payers.base import PayerError, PayerErrorCode
from payers.transport import MAX_REPLY_BYTES, Transport
from tests.unit.payers.builders import ACTIVE, entry, query

CHUNK = b"<x>" + b"0" * (64 * 1024 - 7) + b"</x>"
ENDLESS_BYTES = 1024 * 1024 * 1024  # what the payer would send if it were read to the end


def _error(adapter: CoreAdapter) -> PayerError:
    with pytest.raises(PayerError) as caught:
        adapter.check(query(ACTIVE))
    return caught.value


def test_an_endless_reply_is_cut_off_at_the_cap_without_being_read_to_its_end(
    payer_server: HTTPServer,
) -> None:
    # Given a payer streaming 1 GiB without a Content-Length
    sent = [0]
    finished = threading.Event()

    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            try:
                while sent[0] < ENDLESS_BYTES:
                    sent[0] += len(CHUNK)
                    yield CHUNK
            finally:
                finished.set()
        return Response(chunks(), content_type="application/soap+xml")

    payer_server.expect_request("/core").respond_with_handler(endless)
    adapter = CoreAdapter(entry=entry("core-soap", payer_server.url_for("/core"),
                                      max_reply_bytes=256 * 1024, timeout_s=10),
                          session=requests.Session())

    # When the check reads the reply
    err = _error(adapter)

    # Then it stops past 256 KiB: the payer's writes fail once the connection is closed
    assert (err.code, err.reached_payer) == (PayerErrorCode.RESPONSE_INVALID, True)
    assert "larger than the route's limit of 262144 bytes" in err.message
    assert err.exchange is not None and err.exchange.response is None
    assert finished.wait(5)
    assert sent[0] < 64 * 1024 * 1024  # a few socket buffers at most, never the gigabyte


def test_a_declared_length_over_the_cap_is_refused_before_the_body_is_read(
    payer_server: HTTPServer, release: threading.Event,
) -> None:
    # The body stops after its first byte (which sends the headers): a client that went on
    # reading would end in a timeout instead.
    def declared(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield b"<"
            release.wait(5)
        return Response(body(), headers={"Content-Length": str(ENDLESS_BYTES)},
                        content_type="application/soap+xml")

    payer_server.expect_request("/core").respond_with_handler(declared)
    adapter = CoreAdapter(entry=entry("core-soap", payer_server.url_for("/core"),
                                      timeout_s=2), session=requests.Session())

    err = _error(adapter)

    assert err.code is PayerErrorCode.RESPONSE_INVALID
    assert f"limit of {MAX_REPLY_BYTES} bytes" in err.message


@pytest.mark.parametrize(("size", "refused"), [(2048, False), (2049, True)])
def test_a_reply_of_exactly_the_cap_is_read_and_one_byte_more_is_refused(
    payer_server: HTTPServer, size: int, refused: bool,
) -> None:
    payer_server.expect_request("/x").respond_with_data(b"r" * size)
    transport = Transport(route="route-a", session=requests.Session(), timeout_s=2,
                          max_reply_bytes=2048)

    if refused:
        with pytest.raises(PayerError) as caught:
            transport.post(payer_server.url_for("/x"), record="r", data=b"q")
        assert caught.value.code is PayerErrorCode.RESPONSE_INVALID
    else:
        assert transport.post(payer_server.url_for("/x"), record="r",
                              data=b"q").body == b"r" * size


def test_a_compressed_reply_is_capped_on_its_decoded_size(payer_server: HTTPServer) -> None:
    # 32 MiB of zeros shrink to about 32 KiB: the cap must count what the reply becomes.
    bomb = gzip.compress(bytes(32 * 1024 * 1024), compresslevel=1)
    payer_server.expect_request("/x").respond_with_response(
        Response(bomb, headers={"Content-Encoding": "gzip"}, content_type="text/plain"))
    transport = Transport(route="route-a", session=requests.Session(), timeout_s=5,
                          max_reply_bytes=1024 * 1024)

    with pytest.raises(PayerError) as caught:
        transport.post(payer_server.url_for("/x"), record="r", data=b"q")

    assert len(bomb) < 1024 * 1024
    assert caught.value.code is PayerErrorCode.RESPONSE_INVALID
    assert "limit of 1048576 bytes" in caught.value.message
