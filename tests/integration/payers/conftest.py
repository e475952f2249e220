"""The payers' stand-in: one threaded pytest-httpserver (and a second host for redirects to
point at), its handlers cleared for each test (slow handlers and 50 parallel checks need
threads; stopping a server costs half a second, so "payer down" points at a closed port)."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer


def _serve() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture(scope="session")
def _shared_server() -> Iterator[HTTPServer]:
    yield from _serve()


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at teardown so that slow handlers return."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def payer_server(_shared_server: HTTPServer, release: threading.Event) -> Iterator[HTTPServer]:
    _shared_server.clear()
    yield _shared_server
    release.set()
    _shared_server.clear()


@pytest.fixture
def closed_url() -> str:
    """A local URL where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/core"


@pytest.fixture(scope="session")
def _second_server() -> Iterator[HTTPServer]:
    yield from _serve()


@pytest.fixture
def elsewhere(_second_server: HTTPServer) -> Iterator[HTTPServer]:
    """Another host a redirect may point at: it answers anything, and its log shows
    whether anything reached it."""
    _second_server.clear()
    _second_server.expect_request(re.compile(".*")).respond_with_data(
        "<html><body>internal admin page</body></html>", content_type="text/html")
    yield _second_server
    _second_server.clear()
