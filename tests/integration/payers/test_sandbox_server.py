"""The simulated payer served over HTTP as a CORE endpoint (what the benchmarks call)."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from werkzeug.serving import BaseWSGIServer, make_server

from payers.adapters.core import CoreAdapter
from payers.adapters.sandbox.server import SimulatedPayerApp
from payers.base import PayerError, PayerErrorCode
from payers.x12.summary import summarize
from tests.unit.payers.builders import ACTIVE, entry, query

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def simulated() -> Iterator[tuple[BaseWSGIServer, SimulatedPayerApp]]:
    app = SimulatedPayerApp(latency_ms=50)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, app
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("adapter", ["core-soap", "core-mime"])
def test_the_served_payer_answers_core_requests_with_the_sandbox_replies(
    simulated: tuple[BaseWSGIServer, SimulatedPayerApp], adapter: str,
) -> None:
    server, _ = simulated
    url = f"http://127.0.0.1:{server.port}/core"
    core = CoreAdapter(entry=entry(adapter, url), session=requests.Session())

    active = summarize(core.check(query(ACTIVE)).response)
    rejected = summarize(core.check(query("ZZT0000075")).response)
    with pytest.raises(PayerError) as caught:
        core.check(query("ZZT0000993"))

    assert active.active is True
    assert [r.code for r in rejected.rejections] == ["75"]
    assert caught.value.code is PayerErrorCode.ENVELOPE_ERROR


def test_the_served_payer_records_its_peak_concurrency(
    simulated: tuple[BaseWSGIServer, SimulatedPayerApp],
) -> None:
    server, app = simulated
    base = f"http://127.0.0.1:{server.port}"
    core = CoreAdapter(entry=entry("core-soap", f"{base}/core"), session=requests.Session())

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda n: core.check(query(ACTIVE, control=200 + n)), range(12)))
    stats = requests.get(f"{base}/stats", timeout=5).json()

    assert stats["requests"] == 12
    assert stats["in_flight"] == 0
    assert 2 <= stats["peak_concurrency"] <= 6
    assert app.stats() == stats


def test_python_m_payers_sandbox_serve_starts_a_payer_with_stats(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "payers.adapters.sandbox", "serve", "--port", str(port),
         "--latency-ms", "10"], cwd=ROOT, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                stats = requests.get(f"http://127.0.0.1:{port}/stats", timeout=1).json()
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        core = CoreAdapter(entry=entry("core-mime", f"http://127.0.0.1:{port}/core"),
                           session=requests.Session())
        answer = core.check(query(ACTIVE))
        # A payer's gateway keeps connections open; so does the simulated one.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        sockets = []
        for _ in range(2):
            connection.request("GET", "/stats")
            reply = connection.getresponse()
            reply.read()
            sockets.append((connection.sock, reply.getheader("Connection")))
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=5)
        assert process.stderr is not None
        process.stderr.close()

    assert stats == {"requests": 0, "in_flight": 0, "peak_concurrency": 0}
    assert summarize(answer.response).active is True
    assert sockets[0][0] is not None and sockets[0][0] is sockets[1][0]
    assert [header for _, header in sockets] == [None, None]
