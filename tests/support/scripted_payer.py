"""A CORE SOAP/MIME payer over real HTTP whose answers follow a script per member id.

Each member id has a list of steps, one per request (the last repeats): ("active", copay),
("inactive",), ("aaa", reason, follow_up) or ("slow", seconds). The payer records every
request (member id, wall time) and its peak concurrency, for retry and rate-limit tests.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from payers.core_envelope import (
    PAYLOAD_271,
    SOAP_CONTENT_TYPE,
    CoreMessage,
    mime_body,
    mime_parts,
    parse_mime,
    parse_soap,
)
from payers.core_envelope import soap_body as soap_envelope
from payers.sandbox_payer import answer, reply_for, write_reply
from payers.sandbox_read import read_270
from payers.x12.x271_make import benefit, eb

Step = tuple[Any, ...]


class ScriptedPayer:
    def __init__(self, scripts: dict[str, list[Step]] | None = None,
                 latency_s: float = 0.0) -> None:
        self.scripts = scripts or {}
        self.latency_s = latency_s
        self.calls: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        self._in_flight = 0
        self.peak = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)
        try:
            return self._answer(request)(environ, start_response)
        finally:
            with self._lock:
                self._in_flight -= 1

    def calls_for(self, member_id: str) -> list[float]:
        with self._lock:
            return [at for member, at in self.calls if member == member_id]

    def _step(self, member: str) -> Step:
        with self._lock:
            self.calls.append((member, time.monotonic()))
            steps = self.scripts.get(member) or [("active", "25")]
            done = sum(1 for m, _ in self.calls if m == member) - 1
            return steps[min(done, len(steps) - 1)]

    def _answer(self, request: Request) -> Response:
        soap = (request.content_type or "").startswith("application/soap+xml")
        incoming = parse_soap(request.get_data()) if soap else parse_mime(
            request.get_data(), request.content_type or "")
        read = read_270(incoming.payload)
        step = self._step(read.member_id)
        time.sleep(self.latency_s)
        if step[0] == "slow":
            time.sleep(step[1])
        if step[0] == "active":
            reply = reply_for(read, copay=Decimal(step[1]))
        elif step[0] == "inactive":
            reply = answer(read, plan_year=read.timestamp.year - 1, benefits=[
                benefit(eb("6", coverage_level="IND", service_types=("30",)))])
        elif step[0] == "aaa":
            reply = answer(read, rejection=(step[1], step[2]))
        else:
            reply = reply_for(read)
        message = CoreMessage(
            payload_type=PAYLOAD_271, payload_id=str(uuid.uuid4()),
            timestamp="2026-11-02T15:00:01Z", sender_id=incoming.receiver_id,
            receiver_id=incoming.sender_id, payload=write_reply(read, reply))
        if soap:
            return Response(soap_envelope(message, kind="response"),
                            content_type=SOAP_CONTENT_TYPE)
        data, content_type = mime_body(mime_parts(message, kind="response"), boundary="b0und")
        return Response(data, content_type=content_type)


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve `app` on a free local port in a thread; yields its CORE URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}/core"
    finally:
        server.shutdown()
        server.server_close()
