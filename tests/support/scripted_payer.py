"""The tests' CAQH CORE payer: answers SOAP or MIME 270s over real HTTP, as scripted per member.

A ``ScriptedPayer`` is a pytest-httpserver handler (``respond_with_handler(payer)``); ``serving``
runs one on a server of its own. Each member id has a list of steps, one per request (the last
repeats); members without a script follow ``default``. A step is one of:

- ``("answer",)``: the sandbox payer's 271 for the request (its member ids pick the scenario:
  payers/adapters/sandbox/payer.py), in the request's own envelope style;
- ``("active", copay)``: that 271 with ``copay`` as the in-network copay;
- ``("inactive",)``: a plan that ended last year;
- ``("benefits", [Benefit, ...])``: the sandbox's 271 with these 2110 loops as its only
  benefits (made with ``payers.x12.x271.make``);
- ``("aaa", reason, follow_up)``: the patient rejected with an AAA;
- ``("slow", seconds)``: the sandbox's 271 after ``seconds``;
- ``("hold",)``: the sandbox's 271 once ``release`` is set (10 s at most);
- ``("other_trace",)``: a 271 echoing another trace number than the request's;
- ``("core_error", code)``: a CORE envelope with ErrorCode ``code`` and no payload;
- ``("status", code, body)``: a bare HTTP ``code`` with ``body``;
- ``("garbage",)``: an HTML page with status 200, as a broken proxy answers.

The payer records every request (member id, monotonic time) and its peak concurrency.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from payers.adapters.core.envelope import (
    PAYLOAD_271,
    SOAP_CONTENT_TYPE,
    CoreMessage,
    mime_body,
    mime_parts,
    parse_mime,
    parse_soap,
    soap_body,
)
from payers.adapters.sandbox.payer import answer, reply_for, write_reply
from payers.adapters.sandbox.read import Read270, read_270
from payers.x12.x271 import Eligibility271
from payers.x12.x271.make import benefit, eb

Step = tuple[Any, ...]
ANSWER: Step = ("answer",)
OTHER_TRACE = ("CW-TRACE-OTHER", "9OTHERPAYR")
GARBAGE = "<html><body>upstream proxy error</body></html>"
HOLD_LIMIT_S = 10


class ScriptedPayer:
    """A CORE payer as a pytest-httpserver handler; see the module's docstring for steps."""

    def __init__(self, scripts: dict[str, list[Step]] | None = None, *,
                 default: Sequence[Step] = (ANSWER,), latency_s: float = 0.0,
                 release: threading.Event | None = None) -> None:
        self.scripts = scripts or {}
        self.default = list(default)
        self.latency_s = latency_s
        self.release = release or threading.Event()
        self.calls: list[tuple[str, float]] = []
        self.peak = 0
        self._in_flight = 0
        self._changed = threading.Condition()

    def __call__(self, request: Request) -> Response:
        soap = (request.content_type or "").startswith("application/soap+xml")
        incoming = parse_soap(request.get_data()) if soap else parse_mime(
            request.get_data(), request.content_type or "")
        read = read_270(incoming.payload)
        with self._changed:
            self.calls.append((read.member_id, time.monotonic()))
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)
            steps = self.scripts.get(read.member_id) or self.default
            done = sum(1 for member, _ in self.calls if member == read.member_id) - 1
            self._changed.notify_all()
        try:
            time.sleep(self.latency_s)
            return self._answer(steps[min(done, len(steps) - 1)], read, incoming, soap)
        finally:
            with self._changed:
                self._in_flight -= 1

    def calls_for(self, member_id: str) -> list[float]:
        with self._changed:
            return [at for member, at in self.calls if member == member_id]

    def wait_for_calls(self, count: int, timeout_s: float = 5.0) -> None:
        """Wait until ``count`` requests have arrived (held ones included)."""
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.calls) >= count, timeout=timeout_s)

    def _answer(self, step: Step, read: Read270, incoming: CoreMessage, soap: bool) -> Response:
        kind = step[0]
        if kind == "status":
            return Response(step[2], status=step[1])
        if kind == "garbage":
            return Response(GARBAGE, status=200, content_type="text/html")
        if kind == "core_error":
            return _envelope(incoming, "", soap, error_code=step[1])
        if kind == "slow":
            time.sleep(step[1])
        if kind == "hold":
            self.release.wait(HOLD_LIMIT_S)
        return _envelope(incoming, write_reply(read, _scripted(step, read)), soap)


def _scripted(step: Step, read: Read270) -> Eligibility271:
    """The sandbox's 271 for ``read``, changed as an active, inactive, aaa or other_trace step
    says."""
    if step[0] == "active":
        return reply_for(read, copay=Decimal(step[1]))
    if step[0] == "benefits":
        return answer(read, benefits=list(step[1]))
    if step[0] == "inactive":
        return answer(read, plan_year=read.timestamp.year - 1, benefits=[
            benefit(eb("6", coverage_level="IND", service_types=("30",)))])
    if step[0] == "aaa":
        return answer(read, rejection=(step[1], step[2]))
    return reply_for(read, trace=OTHER_TRACE if step[0] == "other_trace" else None)


def _envelope(incoming: CoreMessage, x271: str, soap: bool, *,
              error_code: str | None = None) -> Response:
    """A CORE reply to ``incoming`` in the request's own style (SOAP or MIME)."""
    message = CoreMessage(
        payload_type=PAYLOAD_271, payload_id=str(uuid.uuid4()),
        timestamp="2026-11-02T15:00:01Z", sender_id=incoming.receiver_id,
        receiver_id=incoming.sender_id, payload=x271, error_code=error_code,
        error_message=f"{error_code} (scripted payer)" if error_code else None)
    if soap:
        return Response(soap_body(message, kind="response"), content_type=SOAP_CONTENT_TYPE)
    data, content_type = mime_body(mime_parts(message, kind="response"), boundary="b0undary")
    return Response(data, content_type=content_type)


@contextmanager
def serving(payer: ScriptedPayer) -> Iterator[str]:
    """Serve ``payer`` on a threaded local server of its own; yields its CORE URL."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request("/core", method="POST").respond_with_handler(payer)
    server.start()
    try:
        yield server.url_for("/core")
    finally:
        payer.release.set()  # a held request returns before the server stops
        server.clear()
        server.stop()
