"""The shared session reads the environment's proxy settings once, and still obeys them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from payers.adapters.core import CoreAdapter
from payers.registry import pooled_session
from payers.transport import environment_settings
from tests.support.scripted_payer import ScriptedPayer
from tests.unit.payers.builders import ACTIVE, entry, query

# Nothing listens there: only a proxy can deliver a request to it.
PAYER_URL = "http://localhost:9/core"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    environment_settings.cache_clear()
    yield monkeypatch
    environment_settings.cache_clear()


def _adapter(url: str) -> CoreAdapter:
    route = entry("core-soap", url)
    return CoreAdapter(entry=route, session=pooled_session({route.id: route}))


def test_a_payer_is_reached_through_the_proxy_the_environment_names(
    payer_server: HTTPServer, environment: pytest.MonkeyPatch
) -> None:
    # Given a proxy named in the environment (the stand-in answers as the payer would)
    environment.setenv("HTTP_PROXY", payer_server.url_for("/"))
    payer_server.expect_request("/core").respond_with_handler(ScriptedPayer())

    answer = _adapter(PAYER_URL).check(query(ACTIVE))

    assert answer.exchange.http_status == 200
    assert payer_server.log[0][0].host == "localhost:9"


def test_no_proxy_sends_a_payer_direct(
    payer_server: HTTPServer, environment: pytest.MonkeyPatch
) -> None:
    # A proxy that would refuse everything, bypassed for the payer's host
    environment.setenv("HTTP_PROXY", "http://127.0.0.1:9/")
    environment.setenv("NO_PROXY", "127.0.0.1")
    payer_server.expect_request("/core").respond_with_handler(ScriptedPayer())

    answer = _adapter(payer_server.url_for("/core")).check(query(ACTIVE))

    assert answer.exchange.http_status == 200
