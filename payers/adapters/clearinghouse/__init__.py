"""The clearinghouse-json adapter: a JSON eligibility API in the Change Healthcare v3 shape.

The request is the JSON body of map.py, POSTed to the route's ``url`` under the transport
rules, with the route's credentials: an OAuth2 bearer token (clearinghouse-json: fetched
from ``token_url`` with client credentials, cached until shortly before it expires, and
fetched again once when the API answers 401), or an API key (Stedi's legacy v3 JSON, which
is this shape: payers.adapters.stedi). The reply is mapped straight into the decoded 271
(no X12 text is written); the ``controlNumber`` it echoes is that 271's echo of our
request, so verify() refuses a reply to another request (PAYER_RESPONSE_INVALID) as it
does for any payer. Exchange.request/response hold the JSON bodies, the reply exactly as
received.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import requests

from payers.adapters.clearinghouse.errors import refusals
from payers.adapters.clearinghouse.map import (
    ReplyShapeError,
    control_number,
    request_body,
    to_271,
)
from payers.adapters.clearinghouse.oauth import Credentials, TokenSource
from payers.adapters.jsonvalues import json_object
from payers.base import EligibilityAnswer, EligibilityQuery, Exchange, PayerError, PayerErrorCode
from payers.directory import PayerEntry
from payers.replies import check_status, safe_token
from payers.transport import HttpReply, Transport
from payers.verify import verify
from payers.x12.x271 import Eligibility271


class ClearinghouseAdapter:
    def __init__(self, *, entry: PayerEntry, session: requests.Session,
                 base_url: str | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 credentials: Credentials | None = None) -> None:
        self.route = entry.id
        self.entry = entry
        self.url = base_url or entry.url or ""
        self.transport = Transport(route=entry.id, session=session, timeout_s=entry.timeout_s,
                                   sleep=sleep, max_reply_bytes=entry.max_reply_bytes)
        self.tokens = credentials or TokenSource.for_entry(entry, session=session,
                                                           clock=clock, sleep=sleep)

    def check(self, query: EligibilityQuery) -> EligibilityAnswer:
        record = json.dumps(request_body(self.entry, query))
        started = time.monotonic()
        reply = self._post(record, started)
        if reply.status == 401 and self.tokens.renewable:
            # An expired or revoked token: the API refused it without processing the
            # request, so asking once more with a fresh token sends nothing twice.
            reply = self._post(record, started, refresh=True)
        check_status(self.transport, reply, record=record, started=started)
        exchange = Exchange(route=self.route, request=record, response=reply.text,
                            http_status=reply.status, elapsed_ms=reply.elapsed_ms)
        try:
            answer = self._decode(reply, query)
            verify(query, answer, route=self.route, echo=control_number(query))
        except PayerError as err:
            err.exchange = exchange
            raise
        return EligibilityAnswer(exchange=exchange, response=answer, routes_tried=(self.route,))

    def _post(self, record: str, started: float, *, refresh: bool = False) -> HttpReply:
        authorization = self.tokens.authorization(record=record, started=started)
        reply = self.transport.post(self.url, record=record, data=record.encode("utf-8"),
                                    headers={"Authorization": authorization,
                                             "Content-Type": "application/json",
                                             "Accept": "application/json"})
        if reply.status == 401 and not refresh:
            self.tokens.refused(authorization)
        return reply

    def _decode(self, reply: HttpReply, query: EligibilityQuery) -> Eligibility271:
        try:
            body = json_object(reply.body)
        except ReplyShapeError as exc:
            raise self._invalid(str(exc)) from exc
        refused = refusals(body)
        if refused:
            raise PayerError(PayerErrorCode.ENVELOPE_ERROR, f"the clearinghouse refused the "
                             f"request (error {safe_token(refused[0])})", route=self.route,
                             reached_payer=False)
        try:
            return to_271(body, query, trace_originator=self.entry.trn_originator)
        except ReplyShapeError as exc:
            raise self._invalid(f"the reply cannot be read ({exc})") from exc

    def _invalid(self, message: str) -> PayerError:
        return PayerError(PayerErrorCode.RESPONSE_INVALID, message, route=self.route,
                          reached_payer=True)
