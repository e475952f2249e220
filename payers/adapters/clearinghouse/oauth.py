"""OAuth2 client-credentials tokens for a clearinghouse route, cached until shortly before
they expire and fetched again when the API refuses one (a 401)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import requests

from payers.base import PayerError, PayerErrorCode
from payers.transport import Transport

MARGIN_S = 60.0  # renew this long before expiry, so a token never dies mid-request
TOKEN_REPLY_BYTES = 64 * 1024  # a token reply is a few hundred bytes of JSON


class TokenSource:
    """One route's bearer token; ``clock`` is monotonic seconds."""

    def __init__(self, *, route: str, session: requests.Session, token_url: str,
                 credentials: Callable[[], tuple[str | None, str | None]], timeout_s: float,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.route = route
        self.token_url = token_url
        self.credentials = credentials
        self.clock = clock
        # Token requests carry no patient data and change nothing: the transport's
        # retries are harmless here. Its redirect rule keeps the secret at token_url.
        self.transport = Transport(route=route, session=session, timeout_s=timeout_s,
                                   sleep=sleep, max_reply_bytes=TOKEN_REPLY_BYTES)
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.fetches = 0

    def token(self) -> str:
        with self._lock:
            if self._token is None or self.clock() >= self._expires_at:
                self._token, lifetime = self._fetch()
                self._expires_at = self.clock() + max(lifetime - min(MARGIN_S, lifetime / 2),
                                                      0.0)
            return self._token

    def refused(self, token: str) -> None:
        """The API answered 401 to ``token``: forget it (unless another thread already did)."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch(self) -> tuple[str, float]:
        client_id, client_secret = self.credentials()
        if not client_id or not client_secret:
            raise PayerError(PayerErrorCode.NOT_CONFIGURED, "the route's client id or secret "
                             "is not set", route=self.route, reached_payer=False)
        self.fetches += 1
        # The secret never goes into an exchange: the record names the grant only.
        try:
            reply = self.transport.post(
                self.token_url, record="grant_type=client_credentials",
                data={"grant_type": "client_credentials", "client_id": client_id,
                      "client_secret": client_secret},
                headers={"Accept": "application/json"})
        except PayerError as err:
            raise self._failed(err) from err
        if reply.status in (400, 401, 403):
            raise PayerError(PayerErrorCode.AUTH_FAILED, f"the token endpoint refused the "
                             f"client credentials (HTTP {reply.status})", route=self.route,
                             reached_payer=False)
        if not 200 <= reply.status < 300:
            raise PayerError(PayerErrorCode.UNAVAILABLE, f"the token endpoint failed (HTTP "
                             f"{reply.status})", route=self.route, reached_payer=False)
        try:
            body = json.loads(reply.body)
            token = str(body["access_token"])
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise PayerError(PayerErrorCode.AUTH_FAILED, "the token endpoint's reply holds "
                             "no access_token", route=self.route, reached_payer=False) from exc
        return token, lifetime

    def _failed(self, err: PayerError) -> PayerError:
        """A transport failure of the token request, in the token endpoint's words; never
        reached_payer, since no inquiry was sent."""
        message = err.message
        if err.code is PayerErrorCode.ENVELOPE_ERROR and err.exchange is not None:
            # The transport's only envelope error: a redirect, refused without following it.
            message = (f"the token endpoint answered HTTP {err.exchange.http_status}, a "
                       f"redirect (token requests never follow one)")
        return PayerError(err.code, message, route=self.route, reached_payer=False,
                          exchange=err.exchange)
