"""The simulated payer over HTTP: a CAQH CORE 2.2.0 SOAP and MIME endpoint, for benchmarks.

``python -m payers.adapters.sandbox serve --port 8090 [--host 127.0.0.1] [--latency-ms 200]
[--max-concurrency 50]`` answers POST /core (SOAP 1.2 when the Content-Type is
application/soap+xml, MIME multipart otherwise) with the same replies as the embedded
sandbox, after a fixed latency. Beyond ``--max-concurrency`` requests in flight it answers
429, as throttling payers do. GET /stats returns {"requests", "in_flight",
"peak_concurrency"} as JSON; POST /stats/reset zeroes them. It checks no credentials.

It keeps connections open (HTTP/1.1 keep-alive), as a payer's CORE gateway does: a payer
that closed every connection would make each caller pay a new connection (and the server a
new thread) per inquiry, which is not what a service meets in production.
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from werkzeug.wrappers import Request, Response

from payers.adapters.core.envelope import (
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
from payers.adapters.sandbox.payer import GARBAGE, Fault, simulate

NO_ANSWER_S = 65.0  # longer than any route's timeout (at most 60 s)
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


class SimulatedPayerApp:
    """The payer's answers (`reply`), as a WSGI app for tests and behind the keep-alive
    server of `main`; counts concurrency so benchmarks can check their own caps."""

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
        status, content_type, body = self.reply(request.method, request.path,
                                                request.content_type or "", request.get_data())
        return Response(body, status=status, content_type=content_type)

    def reply(self, method: str, path: str, content_type: str,
              body: bytes) -> tuple[int, str, bytes]:
        """(HTTP status, Content-Type, body) for one request."""
        if path == "/stats" and method == "GET":
            return 200, JSON, json.dumps(self.stats()).encode()
        if path == "/stats/reset" and method == "POST":
            with self._lock:
                self.requests = self.peak = 0
            return 200, JSON, json.dumps(self.stats()).encode()
        if path not in ("/core", "/") or method != "POST":
            return 404, TEXT, b"not found"
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            busy = self.max_concurrency is not None and self.in_flight > self.max_concurrency
        try:
            if busy:
                return 429, TEXT, b"too many requests"
            self.sleep(self.latency_s)
            return self.answer(content_type, body)
        finally:
            with self._lock:
                self.in_flight -= 1

    def answer(self, content_type: str, body: bytes) -> tuple[int, str, bytes]:
        soap = content_type.startswith("application/soap+xml")
        try:
            message = parse_soap(body) if soap else parse_mime(body, content_type)
        except CoreFormatError:
            return 400, TEXT, b"not a CORE real-time request"
        outcome = simulate(message.payload)
        if outcome.fault is Fault.DOWN:
            return 503, TEXT, b"service unavailable"
        if outcome.fault is Fault.SERVER_ERROR:
            return 500, TEXT, b"internal error"
        if outcome.fault is Fault.NO_ANSWER:
            self.sleep(NO_ANSWER_S)
            return 504, TEXT, b"gateway timeout"
        if outcome.fault is Fault.GARBAGE:
            return 200, "text/html; charset=utf-8", GARBAGE.encode()
        reply = CoreMessage(
            payload_type=PAYLOAD_271, payload_id=str(uuid.uuid4()),
            timestamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            sender_id=message.receiver_id, receiver_id=message.sender_id,
            payload=outcome.x271 or "",
            error_code="VersionMismatch" if outcome.fault is Fault.ENVELOPE_ERROR else None,
            error_message="CORE rule version not supported"
            if outcome.fault is Fault.ENVELOPE_ERROR else None)
        if soap:
            return 200, SOAP_CONTENT_TYPE, soap_body(reply, kind="response")
        data, mime_type = mime_body(mime_parts(reply, kind="response"),
                                    boundary=uuid.uuid4().hex)
        return 200, mime_type, data


def handler_for(app: SimulatedPayerApp) -> type[BaseHTTPRequestHandler]:
    """A request handler serving `app`, one thread per open connection."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: every reply says how long it is
        # A reply goes out in one send: headers and body gather in a buffered writer, which
        # http.server flushes after each request (two sends cost a benchmark's payer, answering
        # thousands of calls a minute, CPU on the machine it measures). Were it ever two,
        # Nagle's algorithm would hold the second for the caller's delayed ACK (40 ms).
        wbufsize = 64 * 1024
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._serve()

        def do_POST(self) -> None:  # noqa: N802
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, content_type, data = app.reply(
                self.command, self.path.split("?", 1)[0],
                self.headers.get("Content-Type", ""), body)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # a line per request would cost more than the answer

    return Handler


class PayerServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many callers connect at once when a benchmark starts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m payers.adapters.sandbox",
                                     description="Serve the simulated payer over HTTP.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="CORE SOAP/MIME endpoint at POST /core")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--latency-ms", type=int, default=0)
    serve.add_argument("--max-concurrency", type=int, default=None)
    args = parser.parse_args(argv)
    app = SimulatedPayerApp(latency_ms=args.latency_ms, max_concurrency=args.max_concurrency)
    server = PayerServer((args.host, args.port), handler_for(app))
    sys.stderr.write(f"simulated payer on http://{args.host}:{server.server_port}/core "
                     f"(stats at /stats)\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
