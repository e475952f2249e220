"""CAQH CORE Connectivity 2.2.0 real-time adapters: SOAP 1.2 (core-soap) and MIME (core-mime).

Both send the 270 from build_request in a CORE envelope to the route's ``url`` through the
transport rules (payers/transport.py), read ErrorCode/ErrorMessage of the reply, and decode
and verify the 271 Payload. A reply whose ErrorCode is not Success is the payer refusing
the envelope (ENVELOPE_ERROR, or AUTH_FAILED for an unauthorized sender), not a 271.
Exchange.request is the 270 and Exchange.response the 271 Payload; when no 271 came, the
response is the HTTP body exactly as received.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import requests

from payers.adapters.core.envelope import (
    PAYLOAD_270,
    PAYLOAD_271,
    SOAP_CONTENT_TYPE,
    SUCCESS,
    CoreFormatError,
    CoreMessage,
    mime_parts,
    parse_mime,
    parse_soap,
    soap_body,
)
from payers.base import EligibilityAnswer, EligibilityQuery, Exchange, PayerError, PayerErrorCode
from payers.directory import PayerEntry
from payers.inquiry import answer_from_x12, build_request
from payers.replies import check_status, safe_token
from payers.transport import HttpReply, Transport


class CoreAdapter:
    """One CORE real-time route; ``mode`` is "soap" or "mime" (from the entry's adapter)."""

    def __init__(self, *, entry: PayerEntry, session: requests.Session,
                 base_url: str | None = None, sleep: Callable[[float], None] = time.sleep,
                 payload_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> None:
        if entry.adapter not in ("core-soap", "core-mime"):
            raise ValueError("CoreAdapter serves core-soap and core-mime routes only")
        self.route = entry.id
        self.entry = entry
        self.mode = "soap" if entry.adapter == "core-soap" else "mime"
        self.url = base_url or entry.url or ""
        self.payload_id = payload_id
        self.transport = Transport(route=entry.id, session=session, timeout_s=entry.timeout_s,
                                   sleep=sleep, max_reply_bytes=entry.max_reply_bytes)

    def check(self, query: EligibilityQuery) -> EligibilityAnswer:
        x270 = build_request(self.entry, query)
        username, password = self.entry.secret("username"), self.entry.secret("password")
        if not username or not password:
            raise PayerError(PayerErrorCode.NOT_CONFIGURED, "the route's username or password "
                             "is not set", route=self.route, reached_payer=False,
                             exchange=Exchange(route=self.route, request=x270))
        message = CoreMessage(
            payload_type=PAYLOAD_270, payload_id=self.payload_id(),
            timestamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            sender_id=self.entry.sender_id, receiver_id=self.entry.isa_receiver,
            payload=x270, username=username, password=password)
        started = time.monotonic()
        if self.mode == "soap":
            reply = self.transport.post(self.url, record=x270, data=soap_body(
                message, kind="request"), headers={"Content-Type": SOAP_CONTENT_TYPE})
        else:
            files = {name: (None, value) for name, value in
                     mime_parts(message, kind="request").items()}
            reply = self.transport.post(self.url, record=x270, files=files)
        check_status(self.transport, reply, record=x270, started=started)
        x271 = self._payload(reply, x270, started)
        exchange = Exchange(route=self.route, request=x270, response=x271,
                            http_status=reply.status, elapsed_ms=reply.elapsed_ms)
        return answer_from_x12(x271, query=query, route=self.route, exchange=exchange)

    def _payload(self, reply: HttpReply, x270: str, started: float) -> str:
        """The 271 of a Success reply; any other reply raises with the raw body kept."""
        try:
            if self.mode == "soap":
                message = parse_soap(reply.body)
            else:
                message = parse_mime(reply.body, reply.content_type)
        except CoreFormatError as exc:
            raise self.transport.error(PayerErrorCode.RESPONSE_INVALID, f"the reply is not a "
                                       f"CORE envelope: {exc}", record=x270, reached=True,
                                       started=started, reply=reply) from exc
        code = message.error_code or ""
        if code != SUCCESS:
            unauthorized = "unauthori" in code.lower()
            raise self.transport.error(
                PayerErrorCode.AUTH_FAILED if unauthorized else PayerErrorCode.ENVELOPE_ERROR,
                f"the payer answered CORE ErrorCode {safe_token(code)}", record=x270,
                reached=False, started=started, reply=reply)
        if message.payload_type != PAYLOAD_271 or not message.payload.strip():
            raise self.transport.error(PayerErrorCode.RESPONSE_INVALID, f"the reply's payload "
                                       f"is {safe_token(message.payload_type)}, not a 271",
                                       record=x270, reached=True, started=started, reply=reply)
        return message.payload
