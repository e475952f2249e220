"""Sending one signed event: an address checked at each delivery and then connected to.

- https only, unless the deployment allows private addresses (WEBHOOKS_ALLOW_PRIVATE=1, for
  development and tests), which also allows plain http.
- The host is resolved at each delivery and every address it resolves to must be public
  (not private, loopback, link-local, reserved, multicast or unspecified); the connection
  then goes to the address checked (TLS still verifies the certificate for the host name),
  so DNS cannot answer a second time with an internal address.
- No redirect is followed (a 3xx is a failed attempt), a 10 s timeout, and only the first
  MAX_BODY bytes of a reply are read (a prefix of them kept with the attempt).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from urllib3.exceptions import HTTPError

from payers.transport import is_redirect

TIMEOUT_S = 10.0
MAX_BODY = 64 * 1024
KEPT_BODY = 1000
Resolve = Callable[[str, int], list[str]]


class Refused(Exception):
    """The URL or the address it resolves to may not be called; the message says why."""


def system_resolve(host: str, port: int) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM)})


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why a URL can never be delivered to (checked when an endpoint is saved), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        return "Not a valid URL."
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        return "The URL must start with https://."
    if not parts.hostname:
        return "The URL must name a host."
    if parts.username or parts.password:
        return "The URL must not carry a user name or password."
    if not allow_private:
        try:
            if not _public(ipaddress.ip_address(parts.hostname)):
                return "The URL must not name a private, loopback or reserved address."
        except ValueError:
            if parts.hostname.lower() == "localhost" or parts.hostname.endswith(".localhost"):
                return "The URL must not name a private, loopback or reserved address."
    return None


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class Reply:
    """What one attempt came to: delivered (2xx), failed, or refused before sending."""

    outcome: str
    latency_ms: int
    status_code: int | None = None
    body: str | None = None
    error: str | None = None


class Sender:
    """POSTs events under the rules above; connection pools are kept per checked address."""

    def __init__(self, *, allow_private: bool, resolve: Resolve = system_resolve,
                 timeout_s: float = TIMEOUT_S, max_body: int = MAX_BODY) -> None:
        self.allow_private = allow_private
        self.resolve = resolve
        self.timeout = urllib3.Timeout(connect=min(5.0, timeout_s), read=timeout_s)
        self.timeout_s = timeout_s
        self.max_body = max_body
        self._pools: dict[tuple[str, str, int, str], urllib3.HTTPConnectionPool] = {}
        self._lock = threading.Lock()

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Reply:
        started = time.monotonic()
        try:
            pool, path, host_header = self._pool(url)
        except Refused as refused:
            return Reply("refused", _ms(started), error=str(refused))
        try:
            response = pool.urlopen("POST", path, body=body, headers={
                **headers, "Host": host_header, "Content-Type": "application/json",
                "User-Agent": "Coverwatch-Webhooks/1"}, redirect=False, retries=False,
                timeout=self.timeout, preload_content=False, assert_same_host=False)
            try:
                kept = self._read(response, started)
            finally:
                response.release_conn()
        except (HTTPError, OSError) as error:
            # The pool's kept connections may all be dead (the receiver restarted): the next
            # attempt starts on new ones.
            self._forget(pool)
            return Reply("failed", _ms(started), error=_why(error))
        status = response.status
        if is_redirect(status):
            return Reply("failed", _ms(started), status, kept,
                         error="redirect not followed")
        outcome = "delivered" if 200 <= status < 300 else "failed"
        return Reply(outcome, _ms(started), status, kept)

    def _read(self, response: urllib3.BaseHTTPResponse, started: float) -> str:
        """Up to max_body bytes, within the timeout; the first KEPT_BODY characters kept."""
        read = bytearray()
        while len(read) < self.max_body:
            if time.monotonic() - started > self.timeout_s:
                raise TimeoutError("reply too slow")
            chunk = response.read(min(8192, self.max_body - len(read)))
            if not chunk:
                break
            read.extend(chunk)
        return bytes(read[:KEPT_BODY * 4]).decode("utf-8", errors="replace")[:KEPT_BODY]

    def _pool(self, url: str) -> tuple[urllib3.HTTPConnectionPool, str, str]:
        problem = url_problem(url, allow_private=self.allow_private)
        if problem is not None:
            raise Refused(problem)
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = self.resolve(host, port)
        except OSError as error:
            raise Refused("the host name does not resolve") from error
        if not addresses:
            raise Refused("the host name does not resolve")
        if not self.allow_private and not all(
                _public(ipaddress.ip_address(a.split("%")[0])) for a in addresses):
            raise Refused("the host resolves to a private, loopback or reserved address")
        address = addresses[0]
        key = (parts.scheme, address, port, host)
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = self._new_pool(parts.scheme, address, port, host)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return pool, path, parts.netloc.rpartition("@")[2]

    def _new_pool(self, scheme: str, address: str, port: int,
                  host: str) -> urllib3.HTTPConnectionPool:
        if scheme == "https":
            # Connected to the checked address; the certificate is checked for the host.
            return urllib3.HTTPSConnectionPool(
                address, port, maxsize=2, server_hostname=host, assert_hostname=host,
                cert_reqs="CERT_REQUIRED", ca_certs=certifi.where())
        return urllib3.HTTPConnectionPool(address, port, maxsize=2)

    def _forget(self, pool: urllib3.HTTPConnectionPool) -> None:
        with self._lock:
            for key, kept in list(self._pools.items()):
                if kept is pool:
                    del self._pools[key]
        pool.close()

    def close(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _why(error: BaseException) -> str:
    """A short cause without the exception's text (it may name internal hosts)."""
    name = type(error).__name__
    if "Timeout" in name or isinstance(error, TimeoutError):
        return "timed out"
    if "SSL" in name:
        return "TLS failed"
    return "connection failed"
