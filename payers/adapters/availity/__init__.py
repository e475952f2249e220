"""The availity adapter: Availity's Coverages API, asynchronous, behind 5-minute OAuth2 tokens.

A check POSTs the query as a form (map.request_form) to the route's ``url``
(``.../v1/coverages``) with a bearer token from ``token_url`` (client credentials, the
route's ``scope``: demo and production never share a token, payers.directory). Availity
answers with the coverage's ``id`` and ``statusCode``; while that is 0 (in progress) or R1
(the payer did not answer, Availity retries), the adapter GETs ``url/{id}`` again after
waits that grow (POLL_WAITS), for as long as the route's timeout allows: a coverage still
in progress at the deadline is PAYER_TIMEOUT (the 270 reached the payer). Then:

- 4 (complete) or 3 (complete, partly invalid): the coverage, mapped by map.to_271, with
  its ``id`` as the echo verify() checks: a poll answered with another coverage is refused;
- 19 (request error): the payer's validation messages; AAA reasons among them are
  rejections (an answer), anything else the request refused (PAYER_ENVELOPE_ERROR);
- 7, 14, 15 (the payer did not answer, or is down for maintenance): PAYER_UNAVAILABLE;
  13 (the payer's reply was invalid): PAYER_RESPONSE_INVALID.

Tokens live 5 minutes and are renewed a minute early (TokenSource); a 401 on any call
renews the token once. Polls are GETs of a coverage already asked for: repeating one sends
no second 270. Exchange.request is the form as posted, Exchange.response the last reply.
Reference: https://developer.availity.com/partner/documentation (Coverages 1.0.0; status
codes 0, R1, 3, 4, 7, 13, 14, 15, 19; demo scope healthcare-hipaa-transactions-demo).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import requests

from payers.adapters.availity.map import request_form, to_271
from payers.adapters.clearinghouse.errors import AAA_CODE
from payers.adapters.clearinghouse.oauth import TokenSource
from payers.adapters.jsonvalues import ReplyShapeError, json_object
from payers.base import EligibilityAnswer, EligibilityQuery, Exchange, PayerError, PayerErrorCode
from payers.directory import PayerEntry
from payers.replies import check_status, safe_token
from payers.transport import HttpReply, Transport
from payers.verify import verify
from payers.x12.x271 import Eligibility271

IN_PROGRESS = frozenset({"0", "R1"})
COMPLETE = frozenset({"3", "4"})
REQUEST_ERROR = "19"
NO_ANSWER = frozenset({"7", "14", "15"})
INVALID_ANSWER = "13"
POLL_WAITS = (0.25, 0.5, 1.0, 2.0)  # then 2 s between polls


class AvailityAdapter:
    def __init__(self, *, entry: PayerEntry, session: requests.Session,
                 base_url: str | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.route = entry.id
        self.entry = entry
        self.url = (base_url or entry.url or "").rstrip("/")
        self.sleep = sleep
        self.clock = clock
        self.transport = Transport(route=entry.id, session=session, timeout_s=entry.timeout_s,
                                   sleep=sleep, max_reply_bytes=entry.max_reply_bytes)
        self.tokens = TokenSource.for_entry(entry, session=session, clock=clock, sleep=sleep)

    def check(self, query: EligibilityQuery) -> EligibilityAnswer:
        form = request_form(self.entry, query)
        record = urlencode(form)
        started, deadline = time.monotonic(), self.clock() + self.transport.timeout_s
        reply = self._call("POST", self.url, record, started, data=record.encode("ascii"))
        coverage = self._coverage(reply, record, started)
        asked = str(coverage.get("id") or "")
        if not asked:
            raise self.transport.error(PayerErrorCode.RESPONSE_INVALID, "the reply names no "
                                       "coverage id", record=record, reached=True,
                                       started=started, reply=reply)
        polls = 0
        while str(coverage.get("statusCode")) in IN_PROGRESS:
            wait = POLL_WAITS[min(polls, len(POLL_WAITS) - 1)]
            if self.clock() + wait >= deadline:
                raise self.transport.error(
                    PayerErrorCode.TIMEOUT, f"the coverage was still in progress at the "
                    f"route's {self.transport.timeout_s:g} s timeout", record=record,
                    reached=True, started=started, reply=reply)
            self.sleep(wait)
            polls += 1
            reply = self._call("GET", f"{self.url}/{asked}", record, started)
            coverage = self._coverage(reply, record, started)
        exchange = Exchange(route=self.route, request=record, response=reply.text,
                            http_status=reply.status, elapsed_ms=reply.elapsed_ms)
        try:
            answer = self._decode(coverage, query)
            verify(query, answer, route=self.route, echo=asked)
        except PayerError as err:
            err.exchange = exchange
            raise
        return EligibilityAnswer(exchange=exchange, response=answer, routes_tried=(self.route,))

    def _call(self, method: str, url: str, record: str, started: float, *,
              data: bytes | None = None) -> HttpReply:
        """One request with the route's token, renewed once after a 401."""
        for attempt in (0, 1):
            authorization = self.tokens.authorization(record=record, started=started)
            headers = {"Authorization": authorization, "Accept": "application/json"}
            if data is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            reply = self.transport.send(method, url, record=record, data=data,
                                        headers=headers, started=started)
            if reply.status != 401 or attempt:
                break
            # The token expired or was revoked: nothing was processed, ask once more.
            self.tokens.refused(authorization)
        check_status(self.transport, reply, record=record, started=started)
        return reply

    def _coverage(self, reply: HttpReply, record: str, started: float) -> dict[str, Any]:
        try:
            return json_object(reply.body)
        except ReplyShapeError as exc:
            raise self.transport.error(PayerErrorCode.RESPONSE_INVALID, str(exc),
                                       record=record, reached=True, started=started,
                                       reply=reply) from exc

    def _decode(self, coverage: dict[str, Any], query: EligibilityQuery) -> Eligibility271:
        status = str(coverage.get("statusCode", ""))
        if status == REQUEST_ERROR:
            messages = [m for m in coverage.get("validationMessages") or []
                        if isinstance(m, dict)]
            refused = [str(m.get("code", "")) for m in messages
                       if not AAA_CODE.match(str(m.get("code", "")))]
            if refused or not messages:
                raise PayerError(PayerErrorCode.ENVELOPE_ERROR, f"the payer refused the "
                                 f"request (validation {safe_token(refused[0] if refused else '')}"
                                 f")", route=self.route, reached_payer=True)
        elif status in NO_ANSWER:
            raise PayerError(PayerErrorCode.UNAVAILABLE, f"Availity reports that the payer "
                             f"did not answer (status {safe_token(status)})",
                             route=self.route, reached_payer=True)
        elif status == INVALID_ANSWER or status not in COMPLETE:
            raise PayerError(PayerErrorCode.RESPONSE_INVALID, f"the coverage ended with "
                             f"status {safe_token(status)}", route=self.route,
                             reached_payer=True)
        try:
            return to_271(coverage, query, trace_originator=self.entry.trn_originator)
        except ReplyShapeError as exc:
            raise PayerError(PayerErrorCode.RESPONSE_INVALID, f"the coverage cannot be read "
                             f"({exc})", route=self.route, reached_payer=True) from exc
