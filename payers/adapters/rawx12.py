"""Adapters that carry our own 270 to a clearinghouse over HTTP and get the payer's 271 back.

Each subclass says how the 270 is sent (Stedi's raw-x12 JSON, Claim.MD's form upload) and
where the 271 is in the reply. What they share: the 270 of payers.inquiry.build_request,
the route's API key, the transport rules, HTTP statuses read by payers.replies, and the 271
decoded by our codec and verified (a reply to another request is refused). Exchange.request
is the 270 and Exchange.response the 271 as received; when no 271 came, the response is the
HTTP body exactly as received.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Protocol

import requests

from payers.base import EligibilityAnswer, EligibilityQuery, Exchange, PayerErrorCode
from payers.directory import PayerEntry
from payers.inquiry import answer_from_x12, build_request
from payers.replies import check_status
from payers.transport import HttpReply, Transport
from payers.x12.x271 import Eligibility271


class KeySource(Protocol):
    """The route's API key (payers.adapters.clearinghouse.oauth.ApiKey)."""

    def key(self, *, record: str, started: float) -> str:
        """The key; PayerError NOT_CONFIGURED (with the exchange so far) when unset."""
        ...


class RawX12Adapter(ABC):
    """The shared steps; each clearinghouse gives how the 270 is sent (``_send``) and where
    the 271 is in its reply (``_payload``)."""

    def __init__(self, *, entry: PayerEntry, session: requests.Session, key: KeySource,
                 base_url: str | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.route = entry.id
        self.entry = entry
        self.url = base_url or entry.url or ""
        self.key = key
        self.transport = Transport(route=entry.id, session=session, timeout_s=entry.timeout_s,
                                   sleep=sleep, max_reply_bytes=entry.max_reply_bytes)

    def check(self, query: EligibilityQuery) -> EligibilityAnswer:
        x270 = build_request(self.entry, query)
        started = time.monotonic()
        key = self.key.key(record=x270, started=started)
        reply = self._send(x270, key)
        check_status(self.transport, reply, record=x270, started=started)
        x271 = self._payload(reply, x270=x270, started=started)
        exchange = Exchange(route=self.route, request=x270, response=x271,
                            http_status=reply.status, elapsed_ms=reply.elapsed_ms)
        answer = answer_from_x12(x271, query=query, route=self.route, exchange=exchange)
        self._annotate(answer.response, reply)
        return answer

    @abstractmethod
    def _send(self, x270: str, key: str) -> HttpReply:
        """Post the 270 with the key as this clearinghouse wants them."""

    def _annotate(  # noqa: B027 - optional: most clearinghouses add nothing around the 271
            self, answer: Eligibility271, reply: HttpReply) -> None:
        """Add what the reply says around the 271 (a clearinghouse's own words)."""

    @abstractmethod
    def _payload(self, reply: HttpReply, *, x270: str, started: float) -> str:
        """The 271 in the reply; ``invalid(...)`` raised when there is none."""

    def invalid(self, message: str, *, reply: HttpReply, x270: str,
                started: float) -> Exception:
        """The reply carries no 271 we can read (the payer may have had the 270)."""
        return self.transport.error(PayerErrorCode.RESPONSE_INVALID, message, record=x270,
                                    reached=True, started=started, reply=reply)
