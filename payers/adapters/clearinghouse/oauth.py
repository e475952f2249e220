"""A clearinghouse route's credentials as an Authorization header: OAuth2 client-credentials
tokens (cached until shortly before they expire, fetched again when the API refuses one
with a 401) or a fixed API key."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Protocol

import requests

from payers.base import Exchange, PayerError, PayerErrorCode
from payers.directory import PayerEntry
from payers.transport import Transport

MARGIN_S = 60.0  # renew this long before expiry, so a token never dies mid-request
TOKEN_REPLY_BYTES = 64 * 1024  # a token reply is a few hundred bytes of JSON


class Credentials(Protocol):
    """What an HTTP adapter asks of a route's credentials."""

    renewable: bool  # whether a refused header may be replaced by a fresh one

    def authorization(self, *, record: str, started: float) -> str:
        """The Authorization header; PayerError (with the exchange so far) when none."""
        ...

    def refused(self, authorization: str) -> None:
        """The API answered 401 to ``authorization``."""
        ...


def no_credentials(error: PayerError, *, route: str, record: str,
                   started: float) -> PayerError:
    """``error`` (raised before anything was sent) with the exchange it belongs to."""
    error.exchange = Exchange(route=route, request=record,
                              elapsed_ms=(time.monotonic() - started) * 1000)
    return error


class ApiKey:
    """A fixed key sent as the whole Authorization header (Stedi: no "Bearer" before it;
    Claim.MD sends it in the body instead), read from the entry when each call starts."""

    renewable = False

    def __init__(self, *, entry: PayerEntry, scheme: str = "",
                 test_prefix: str | None = None) -> None:
        self.entry = entry
        self.scheme = scheme
        # Keys starting with it answer with test data (Stedi's test_ keys): such a key is
        # refused on a production route, and any other key on a test route.
        self.test_prefix = test_prefix

    def key(self, *, record: str, started: float) -> str:
        key = self.entry.secret("api_key")
        problem = "the route's api_key is not set" if not key else None
        if key and self.test_prefix is not None:
            test_key = key.startswith(self.test_prefix)
            if test_key != (self.entry.isa_usage == "T"):
                problem = (f"the route's api_key is a {'test' if test_key else 'production'} "
                           f"key but the route's usage is {self.entry.isa_usage}")
        if problem is not None or not key:
            raise no_credentials(PayerError(
                PayerErrorCode.NOT_CONFIGURED, problem or "", route=self.entry.id,
                reached_payer=False), route=self.entry.id, record=record, started=started)
        return key

    def authorization(self, *, record: str, started: float) -> str:
        return f"{self.scheme} {self.key(record=record, started=started)}".strip()

    def refused(self, authorization: str) -> None:
        """A key does not expire: a 401 is reported as it is (AUTH_FAILED)."""


class TokenSource:
    """One route's bearer token; ``clock`` is monotonic seconds."""

    renewable = True

    def __init__(self, *, route: str, session: requests.Session, token_url: str,
                 credentials: Callable[[], tuple[str | None, str | None]], timeout_s: float,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 scope: str | None = None) -> None:
        self.route = route
        self.token_url = token_url
        self.credentials = credentials
        self.scope = scope
        self.clock = clock
        # Token requests carry no patient data and change nothing: the transport's
        # retries are harmless here. Its redirect rule keeps the secret at token_url.
        self.transport = Transport(route=route, session=session, timeout_s=timeout_s,
                                   sleep=sleep, max_reply_bytes=TOKEN_REPLY_BYTES)
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.fetches = 0

    @classmethod
    def for_entry(cls, entry: PayerEntry, *, session: requests.Session,
                  clock: Callable[[], float] = time.monotonic,
                  sleep: Callable[[float], None] = time.sleep) -> TokenSource:
        """The route's token source: its token_url, client id and secret, and scope."""
        return cls(route=entry.id, session=session, token_url=entry.token_url or "",
                   credentials=lambda: (entry.secret("client_id"),
                                        entry.secret("client_secret")),
                   timeout_s=entry.timeout_s, clock=clock, sleep=sleep,
                   scope=entry.oauth_scope)

    def authorization(self, *, record: str, started: float) -> str:
        try:
            return f"Bearer {self.token()}"
        except PayerError as err:
            raise no_credentials(err, route=self.route, record=record,
                                 started=started) from None

    def token(self) -> str:
        with self._lock:
            if self._token is None or self.clock() >= self._expires_at:
                self._token, lifetime = self._fetch()
                self._expires_at = self.clock() + max(lifetime - min(MARGIN_S, lifetime / 2),
                                                      0.0)
            return self._token

    def refused(self, authorization: str) -> None:
        """The API answered 401 to ``authorization``: forget its token (unless another
        thread already did)."""
        with self._lock:
            if f"Bearer {self._token}" == authorization:
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
                      "client_secret": client_secret,
                      **({"scope": self.scope} if self.scope else {})},
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
