"""The simulated payer over HTTP: a CAQH CORE 2.2.0 SOAP and MIME endpoint, for benchmarks.

``python -m payers.sandbox serve --port 8090 [--host 127.0.0.1] [--latency-ms 200]
[--max-concurrency 50]`` answers POST /core (SOAP 1.2 when the Content-Type is
application/soap+xml, MIME multipart otherwise) with the same replies as the embedded
sandbox, after a fixed latency. Beyond ``--max-concurrency`` requests in flight it answers
429, as throttling payers do. GET /stats returns {"requests", "in_flight",
"peak_concurrency"} as JSON; POST /stats/reset zeroes them. It checks no credentials.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from payers.core_envelope import (
    PAYLOAD_271,
    SOAP_CONTENT_TYPE,
    CoreFormatError,
    CoreMessage,
    mime_body,
    mime_parts,
    parse_mime,
    parse_soap,
    soap_body,
)
from payers.sandbox_payer import GARBAGE, Fault, simulate

NO_ANSWER_S = 65.0  # longer than any route's timeout (at most 60 s)


class SimulatedPayerApp:
    """WSGI app; counts concurrency so benchmarks can check their own caps."""

    def __init__(self, *, latency_ms: int = 0, max_concurrency: int | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.latency_s = latency_ms / 1000
        self.max_concurrency = max_concurrency
        self.sleep = sleep
        self._lock = threading.Lock()
        self.requests = self.in_flight = self.peak = 0

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"requests": self.requests, "in_flight": self.in_flight,
                    "peak_concurrency": self.peak}

    def dispatch(self, request: Request) -> Response:
        if request.path == "/stats" and request.method == "GET":
            return Response(json.dumps(self.stats()), mimetype="application/json")
        if request.path == "/stats/reset" and request.method == "POST":
            with self._lock:
                self.requests = self.peak = 0
            return Response(json.dumps(self.stats()), mimetype="application/json")
        if request.path not in ("/core", "/") or request.method != "POST":
            return Response("not found", status=404)
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            busy = self.max_concurrency is not None and self.in_flight > self.max_concurrency
        try:
            if busy:
                return Response("too many requests", status=429)
            self.sleep(self.latency_s)
            return self.answer(request)
        finally:
            with self._lock:
                self.in_flight -= 1

    def answer(self, request: Request) -> Response:
        soap = (request.content_type or "").startswith("application/soap+xml")
        body = request.get_data()
        try:
            message = parse_soap(body) if soap else parse_mime(body, request.content_type or "")
        except CoreFormatError:
            return Response("not a CORE real-time request", status=400)
        outcome = simulate(message.payload)
        if outcome.fault is Fault.DOWN:
            return Response("service unavailable", status=503)
        if outcome.fault is Fault.SERVER_ERROR:
            return Response("internal error", status=500)
        if outcome.fault is Fault.NO_ANSWER:
            self.sleep(NO_ANSWER_S)
            return Response("gateway timeout", status=504)
        if outcome.fault is Fault.GARBAGE:
            return Response(GARBAGE, mimetype="text/html")
        reply = CoreMessage(
            payload_type=PAYLOAD_271, payload_id=str(uuid.uuid4()),
            timestamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            sender_id=message.receiver_id, receiver_id=message.sender_id,
            payload=outcome.x271 or "",
            error_code="VersionMismatch" if outcome.fault is Fault.ENVELOPE_ERROR else None,
            error_message="CORE rule version not supported"
            if outcome.fault is Fault.ENVELOPE_ERROR else None)
        if soap:
            return Response(soap_body(reply, kind="response"), content_type=SOAP_CONTENT_TYPE)
        data, content_type = mime_body(mime_parts(reply, kind="response"),
                                       boundary=uuid.uuid4().hex)
        return Response(data, content_type=content_type)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m payers.sandbox",
                                     description="Serve the simulated payer over HTTP.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="CORE SOAP/MIME endpoint at POST /core")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--latency-ms", type=int, default=0)
    serve.add_argument("--max-concurrency", type=int, default=None)
    args = parser.parse_args(argv)
    app = SimulatedPayerApp(latency_ms=args.latency_ms, max_concurrency=args.max_concurrency)
    server = make_server(args.host, args.port, app, threaded=True)
    sys.stderr.write(f"simulated payer on http://{args.host}:{server.port}/core "
                     f"(stats at /stats)\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
