"""Stedi's real-time eligibility endpoints, simulated for tests with pytest-httpserver.

Written from Stedi's API reference:
- legacy JSON (v3):
  https://www.stedi.com/docs/healthcare/api-reference/post-healthcare-eligibility-legacy --
  the Change Healthcare v3 request and reply shape (controlNumber echoed,
  benefitsInformation, AAA ``errors`` with code, description, followupAction, location and
  Stedi's ``possibleResolutions``: https://www.stedi.com/blog/aaa-eligibility-errors-in-plain-english);
- raw X12:
  https://www.stedi.com/docs/healthcare/api-reference/post-healthcare-eligibility-raw-x12 --
  ``{"x12": "<270>"}`` in; the reply has the JSON fields of the legacy API and ``x12``, the
  payer's 271; at most 5 concurrent requests by default, 429 past them until one completes;
- authentication and errors: https://stediinc.mintlify.dev/docs/api-reference/index -- the
  API key is the whole ``Authorization`` header, a ``test`` or production key, a refused key
  is a 403, a 4xx body has ``error`` and ``message`` (and ``errors`` for several).

Which payer answer comes back is the sandbox payer's choice by member id
(payers/adapters/sandbox/payer.py); ``case`` forces one of the adapter contract's cases.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from werkzeug.wrappers import Request, Response

from payers.adapters.sandbox.payer import reply_for, write_reply
from payers.adapters.sandbox.read import read_270
from tests.integration.payers.doubles import json_reply, read_json_request
from tests.support.scripted_payer import GARBAGE, OTHER_TRACE

KEY = "test_cw-stedi-key"
RESOLUTIONS = {  # Stedi's words for the AAA codes the sandbox payer answers
    "72": "Check the member ID on the patient's card and resubmit.",
    "42": "The payer is unavailable. Wait and resubmit later.",
}


class StediSimulator:
    """One Stedi account: its key, a forced contract ``case`` (None: answer by member id),
    and ``throttled`` 429s (with ``retry_after``) to give before answering."""

    def __init__(self, *, release: threading.Event, key: str = KEY, case: str | None = None,
                 throttled: int = 0, retry_after: str | None = "1") -> None:
        self.release = release
        self.key = key
        self.case = case
        self.throttled = throttled
        self.retry_after = retry_after
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def v3(self, request: Request) -> Response:
        return self._serve(request, self._v3)

    def raw_x12(self, request: Request) -> Response:
        return self._serve(request, self._raw)

    def _serve(self, request: Request, answer: Any) -> Response:
        if request.headers.get("Authorization") != self.key:
            return _json({"error": "Unauthorized", "message": "the API key is not valid"},
                         403)
        body = json.loads(request.get_data())
        with self._lock:
            self.requests.append(body)
            throttle = self.throttled > 0
            self.throttled -= 1 if throttle else 0
        if throttle:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return _json({"error": "TooManyRequests", "message": "concurrency limit reached"},
                         429, headers)
        case = self.case
        if case == "timeout":
            self.release.wait(5)
            return _json({}, 200)
        if case == "server_error":
            return _json({"error": "InternalServerError", "message": "internal error"}, 502)
        if case == "malformed":
            return Response(GARBAGE, status=200, content_type="text/html")
        if case == "envelope_error":
            return _json({"error": "BadRequest", "message": "unknown trading partner",
                          "errors": [{"code": "INVALID_TRADING_PARTNER",
                                      "description": "unknown payer id"}]}, 400)
        return _json(answer(body, wrong=case == "wrong_trace"), 200)

    def _v3(self, body: dict[str, Any], *, wrong: bool) -> dict[str, Any]:
        control = "999999999" if wrong else body["controlNumber"]
        reply = json_reply(reply_for(read_json_request(body)), control)
        _resolve(reply)
        return {"meta": {"applicationMode": "test", "traceId": "01SIMULATED"}} | reply

    def _raw(self, body: dict[str, Any], *, wrong: bool) -> dict[str, Any]:
        read = read_270(body["x12"])
        answer = reply_for(read, trace=OTHER_TRACE if wrong else None)
        # Beside the 271, the same JSON as the v3 API (its AAA errors included).
        json_side = json_reply(answer, str(read.control_number))
        _resolve(json_side)
        return {"meta": {"applicationMode": "test", "traceId": "01SIMULATED"},
                **json_side, "x12": write_reply(read, answer)}


def _resolve(reply: dict[str, Any]) -> None:
    """Stedi's resolution steps on each AAA error of ``reply``."""
    for error in reply.get("errors", []):
        error["possibleResolutions"] = RESOLUTIONS.get(error["code"], "")


def _json(body: dict[str, Any], status: int, headers: dict[str, str] | None = None,
          ) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json",
                    headers=headers)
