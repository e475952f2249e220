"""HTTP rules for every payer call: deadlines, TLS, which failures may be retried, and how.

- Timeouts. Connecting may take 5 s (less when the route's budget is smaller); the whole
  call -- connect, send, wait, read the body -- at most the route's ``timeout_s`` (never
  over 60 s). requests' read timeout applies to each socket read, so a payer trickling
  bytes could exceed it many times over; the call therefore runs in a worker thread and
  the caller stops waiting at the deadline. The abandoned thread ends with its own socket
  timeout and its late reply is discarded, never decoded.
- TLS verification is always on (``verify`` is True or the environment's CA bundle on every
  call, whatever the session says).
- No resend of a 270 that may have reached the payer: CAQH CORE forbids resending an
  inquiry sooner than 90 seconds, and a payer may already be processing it. So there is
  no retry after a timeout, after a reset connection, or after any reply other than 429
  and 503. The only retries (at most ``retries`` more tries) are for a refused connection
  (nothing was delivered, short backoff) and for 429/503 (the payer declined to process
  the request).
- 429 and 503 honour ``Retry-After`` (seconds or an HTTP date): the next try waits that
  long when the wait fits in what is left of the route's timeout; when it does not, the
  call ends at once with PAYER_BUSY and ``retry_after_s`` (nothing was processed, and
  waiting past the deadline would only turn the answer into a timeout). A 429 still
  refused after the retries is PAYER_BUSY too: the route throttles us, it is not down. A
  503 without ``Retry-After`` is the payer down: PAYER_UNAVAILABLE after the retries.
- No redirects. A 3xx is refused (PAYER_ENVELOPE_ERROR, reached_payer: the request was
  delivered to the route's URL) and nothing is fetched from its Location: following one
  would re-post the credentials and the 270 (307/308) or store some other page as the
  payer's reply (302/303). Neither the Location nor the redirect's body is kept.
- Replies are read streamed up to ``max_reply_bytes`` (MAX_REPLY_BYTES unless the route
  says otherwise); a longer one -- declared or actually sent -- is refused as
  PAYER_RESPONSE_INVALID once the cap is passed, so a reply never sits in memory whole.
- Every failure is a PayerError whose ``reached_payer`` says whether the request may have
  been delivered, and whose exchange holds the request and whatever came back.
"""

from __future__ import annotations

import functools
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError

from payers.base import Exchange, PayerError, PayerErrorCode

CONNECT_TIMEOUT_S = 5.0
MAX_TIMEOUT_S = 60.0
RETRY_STATUSES = frozenset({429, 503})
BACKOFF_S = (0.05, 0.2)  # short on purpose: a real-time check has a 20-second budget
# Far above any 271 (a few hundred KB at most), far below what would strain memory.
MAX_REPLY_BYTES = 4 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
MAX_RETRY_AFTER_S = 24 * 3600.0  # a larger or garbled Retry-After is read as this


@dataclass(frozen=True, kw_only=True)
class HttpReply:
    status: int
    body: bytes
    content_type: str
    elapsed_ms: float
    retry_after_s: float | None = None  # the reply's Retry-After, in seconds from now

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Transport:
    """POSTs for one route under the rules above."""

    def __init__(self, *, route: str, session: requests.Session, timeout_s: float,
                 sleep: Callable[[float], None] = time.sleep, retries: int = 2,
                 max_reply_bytes: int = MAX_REPLY_BYTES) -> None:
        self.route = route
        self.session = session
        self.timeout_s = min(timeout_s, MAX_TIMEOUT_S)
        self.sleep = sleep
        self.retries = retries
        self.max_reply_bytes = max_reply_bytes

    def post(self, url: str, *, record: str, data: bytes | Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None,
             files: Mapping[str, tuple[str | None, str]] | None = None) -> HttpReply:
        """Send, retrying only refused connections and 429/503; ``record`` is the raw
        request kept in the exchange (the 270, or the JSON body)."""
        return self.send("POST", url, record=record, data=data, headers=headers, files=files)

    def get(self, url: str, *, record: str,
            headers: Mapping[str, str] | None = None) -> HttpReply:
        """GET under the same rules (a poll for a reply that was already asked for)."""
        return self.send("GET", url, record=record, headers=headers)

    def send(self, method: str, url: str, *, record: str,
             data: bytes | Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None,
             files: Mapping[str, tuple[str | None, str]] | None = None,
             started: float | None = None) -> HttpReply:
        """One request under the rules above; ``started`` (monotonic) when the route's
        timeout began before this request (a poll after its POST)."""
        started = time.monotonic() if started is None else started
        attempt = 0
        while True:
            try:
                reply = self._once(method, url, data=data, headers=headers, files=files,
                                   started=started)
            except PayerError as err:
                raise with_exchange(err, record=record, started=started) from err.__cause__
            except _Refused as refused:
                if attempt >= self.retries:
                    raise self.error(PayerErrorCode.UNAVAILABLE, "the payer refused the "
                                     "connection", record=record, reached=False,
                                     started=started) from refused.__cause__
            else:
                if is_redirect(reply.status):
                    raise self._redirected(reply, record=record, started=started)
                if reply.status not in RETRY_STATUSES:
                    return reply
                wait = self._busy_wait(reply, attempt=attempt, record=record,
                                       started=started)
                self.sleep(wait)
                attempt += 1
                continue
            self.sleep(BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)])
            attempt += 1

    def _busy_wait(self, reply: HttpReply, *, attempt: int, record: str,
                   started: float) -> float:
        """How long to wait before trying again after a 429/503, or the error ending the
        call (BUSY, or UNAVAILABLE for a 503 that names no Retry-After)."""
        asked = reply.retry_after_s
        wait = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)] if asked is None else asked
        left = self.timeout_s - (time.monotonic() - started)
        if attempt < self.retries and wait < left:
            return wait
        if asked is None and reply.status == 503:
            raise self.error(PayerErrorCode.UNAVAILABLE, "the payer answered HTTP 503 "
                             "(unavailable) to every try", record=record, reached=False,
                             started=started, reply=reply)
        when = f"; it asks to wait {math.ceil(asked)} s" if asked is not None else ""
        err = self.error(PayerErrorCode.BUSY, f"the payer answered HTTP {reply.status} "
                         f"(too many requests){when}", record=record, reached=False,
                         started=started, reply=reply)
        err.retry_after_s = asked
        raise err

    def error(self, code: PayerErrorCode, message: str, *, record: str, reached: bool,
              started: float, reply: HttpReply | None = None) -> PayerError:
        exchange = Exchange(
            route=self.route, request=record,
            response=reply.text if reply is not None else None,
            http_status=reply.status if reply is not None else None,
            elapsed_ms=(time.monotonic() - started) * 1000)
        return PayerError(code, message, route=self.route, reached_payer=reached,
                          exchange=exchange)

    def _redirected(self, reply: HttpReply, *, record: str, started: float) -> PayerError:
        # The status only: the Location may name an internal host, and the body is unread.
        exchange = Exchange(route=self.route, request=record, http_status=reply.status,
                            elapsed_ms=(time.monotonic() - started) * 1000)
        return PayerError(PayerErrorCode.ENVELOPE_ERROR, f"the payer answered HTTP "
                          f"{reply.status}, a redirect (payer calls never follow one)",
                          route=self.route, reached_payer=True, exchange=exchange)

    def _once(self, method: str, url: str, *, data: bytes | Mapping[str, str] | None,
              headers: Mapping[str, str] | None, files: Mapping[str, tuple[str | None, str]] | None,
              started: float) -> HttpReply:
        remaining = self.timeout_s - (time.monotonic() - started)
        if remaining <= 0:
            raise PayerError(PayerErrorCode.TIMEOUT, "no reply within the route's timeout",
                             route=self.route, reached_payer=False)
        box: dict[str, object] = {}
        done = threading.Event()

        def call() -> None:
            try:
                proxies, verify = environment_settings(url)
                response = self.session.request(
                    method, url, data=data, headers=dict(headers or {}), files=files, verify=verify,
                    proxies=proxies, timeout=(min(CONNECT_TIMEOUT_S, remaining), remaining),
                    allow_redirects=False, stream=True)
                with response:
                    box["reply"] = HttpReply(
                        status=response.status_code, body=self._body(response),
                        content_type=response.headers.get("Content-Type", ""),
                        elapsed_ms=(time.monotonic() - started) * 1000,
                        retry_after_s=retry_after(response.headers.get("Retry-After"),
                                                  now=response.headers.get("Date")))
            except BaseException as exc:  # handed to the waiting thread, re-raised there
                box["error"] = exc
            finally:
                done.set()

        CALL_THREADS.run(call)
        if not done.wait(remaining):
            raise PayerError(PayerErrorCode.TIMEOUT,
                             f"no reply within the route's {self.timeout_s:g} s timeout",
                             route=self.route, reached_payer=True)
        if "error" in box:
            raise self._translate(box["error"])
        reply = box.get("reply")
        if not isinstance(reply, HttpReply):
            raise RuntimeError("the payer call ended without a reply or an error")
        return reply

    def _body(self, response: requests.Response) -> bytes:
        """The body, read up to the cap; none for a redirect (it is refused unread)."""
        if is_redirect(response.status_code):
            return b""
        declared = response.headers.get("Content-Length", "").strip().lstrip("0")
        # Its length is compared first: int() refuses numbers of thousands of digits.
        if declared.isascii() and declared.isdigit() and (
                len(declared) > len(str(self.max_reply_bytes))
                or int(declared) > self.max_reply_bytes):
            raise self._too_large()
        body = bytearray()
        for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
            body += chunk
            if len(body) > self.max_reply_bytes:
                raise self._too_large()
        return bytes(body)

    def _too_large(self) -> PayerError:
        return PayerError(PayerErrorCode.RESPONSE_INVALID, f"the reply is larger than the "
                          f"route's limit of {self.max_reply_bytes} bytes", route=self.route,
                          reached_payer=True)

    def _translate(self, exc: object) -> BaseException:
        if isinstance(exc, requests.ConnectTimeout):
            # Never connected: nothing delivered, but a slow connect is not retried.
            return PayerError(PayerErrorCode.UNAVAILABLE, "could not connect to the payer "
                              "in time", route=self.route, reached_payer=False)
        if isinstance(exc, requests.Timeout):
            return PayerError(PayerErrorCode.TIMEOUT, "no reply within the route's timeout",
                              route=self.route, reached_payer=True)
        if isinstance(exc, requests.exceptions.SSLError):
            return PayerError(PayerErrorCode.UNAVAILABLE, "the payer's TLS certificate or "
                              "handshake was refused", route=self.route, reached_payer=False)
        if isinstance(exc, requests.ConnectionError):
            reason = _reason(exc)
            if isinstance(reason, NameResolutionError):
                # Nothing was sent, but asking DNS again at once would not help.
                return PayerError(PayerErrorCode.UNAVAILABLE, "the payer's host name did not "
                                  "resolve", route=self.route, reached_payer=False)
            if isinstance(reason, NewConnectionError):
                refused = _Refused()
                refused.__cause__ = exc
                return refused
            return PayerError(PayerErrorCode.UNAVAILABLE, "the connection to the payer broke "
                              "before a reply came", route=self.route, reached_payer=True)
        if isinstance(exc, requests.RequestException):
            return PayerError(PayerErrorCode.UNAVAILABLE, f"the call failed "
                              f"({type(exc).__name__})", route=self.route, reached_payer=False)
        return exc if isinstance(exc, BaseException) else RuntimeError("unknown failure")


@functools.lru_cache(maxsize=256)
def environment_settings(url: str) -> tuple[dict[str, str], bool | str]:
    """The proxies (NO_PROXY applied) and CA bundle that requests would take from the
    environment for `url`, read once. A session that trusts the environment reads them
    again on every call (several passes over os.environ, a look for ~/.netrc): the shared
    session does not (payers.registry.pooled_session), and the transport passes these."""
    proxies = requests.utils.get_environ_proxies(url)
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    return dict(proxies), bundle or True


class CallThreads:
    """Daemon threads that run payer calls, each reused for the next call once its own is
    done; one that stays idle for `idle_s` ends. A call never waits for a thread: when none
    is idle (every one busy, or stuck in a call its caller gave up on), a new one starts.
    Daemon threads, so that a call abandoned at its deadline never holds up the process's
    exit."""

    def __init__(self, *, idle_s: float = 60.0, name: str = "payer-call") -> None:
        self.idle_s = idle_s
        self.name = name
        self._lock = threading.Lock()
        self._idle: list[queue.SimpleQueue[Callable[[], None]]] = []
        self._started = 0

    def run(self, work: Callable[[], None]) -> None:
        """Run `work` in an idle thread, or in a new one."""
        with self._lock:
            inbox = self._idle.pop() if self._idle else None
            if inbox is None:
                self._started += 1
                number = self._started
        if inbox is not None:
            inbox.put(work)
            return
        inbox = queue.SimpleQueue()
        inbox.put(work)
        threading.Thread(target=self._serve, args=(inbox,), name=f"{self.name}-{number}",
                         daemon=True).start()

    def idle(self) -> int:
        """How many threads wait for a call (for tests)."""
        with self._lock:
            return len(self._idle)

    def _serve(self, inbox: queue.SimpleQueue[Callable[[], None]]) -> None:
        while True:
            try:
                work = inbox.get(timeout=self.idle_s)
            except queue.Empty:
                with self._lock:
                    if inbox in self._idle:  # else a caller took it and is putting a call
                        self._idle.remove(inbox)
                        return
                continue
            work()  # never raises: the call hands its exception to the waiting caller
            with self._lock:
                self._idle.append(inbox)

    def forget(self) -> None:
        """Drop every thread (after a fork the child has none of them)."""
        self._lock = threading.Lock()
        self._idle = []


CALL_THREADS = CallThreads()
os.register_at_fork(after_in_child=CALL_THREADS.forget)


class _Refused(Exception):
    """The connection was never established (refused, no route, DNS): nothing was sent."""


def _reason(exc: requests.ConnectionError) -> object:
    """urllib3's underlying error (requests wraps it in a MaxRetryError)."""
    first = exc.args[0] if exc.args else None
    return getattr(first, "reason", first)


def retry_after(value: str | None, *, now: str | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date, measured against
    the reply's own Date when it has one, so that clock skew does not count); None when
    absent or unreadable, never negative, at most MAX_RETRY_AFTER_S."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return min(float(text) if len(text) < 10 else MAX_RETRY_AFTER_S, MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(text)
        base = parsedate_to_datetime(now) if now else datetime.now(UTC)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None or base.tzinfo is None:
        return None
    return min(max((when - base).total_seconds(), 0.0), MAX_RETRY_AFTER_S)


def is_redirect(status: int) -> bool:
    return 300 <= status < 400


def with_exchange(error: PayerError, *, record: str, started: float,
                  reply: HttpReply | None = None) -> PayerError:
    """Attach the exchange to an error raised before one was known (timeouts, breaks)."""
    if error.exchange is not None:
        return error
    error.exchange = Exchange(
        route=error.route, request=record,
        response=reply.text if reply is not None else None,
        http_status=reply.status if reply is not None else None,
        elapsed_ms=(time.monotonic() - started) * 1000)
    return error
