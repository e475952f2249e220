"""Requests the CDS services make themselves (an EHR's JWK Set, its FHIR server), made safe.

The addresses come from an EHR (a registered jwks_url, a request's fhirServer), so they are
held to https and to public addresses unless the deployment allows otherwise
(CDS_ALLOW_PRIVATE, for development and tests): no request is sent into the service's own
network. Redirects are not followed, a slow server is given up on, and a large answer is cut
off rather than read whole.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import requests

TIMEOUT_S = 5.0
MAX_BYTES = 1024 * 1024


class FetchFailed(Exception):
    """No usable answer; the message names the reason, never the answer's content."""


def check_scheme(url: str, *, allow_private: bool) -> None:
    """FetchFailed unless the URL is https (or http when allowed) and names a host."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise FetchFailed("only https addresses are allowed")
    if not parts.hostname:
        raise FetchFailed("the address has no host")


def check_address(url: str, *, allow_private: bool) -> None:
    """FetchFailed unless the URL is https (or http when allowed) to a public address. The
    name is resolved now, at each request, so a name moved to a private address is caught."""
    check_scheme(url, allow_private=allow_private)
    parts = urlsplit(url)
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchFailed("the host name does not resolve") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FetchFailed("the host resolves to a private or reserved address")


def get_json(url: str, *, allow_private: bool, headers: dict[str, str] | None = None,
             session: requests.Session | None = None, timeout: float = TIMEOUT_S,
             max_bytes: int = MAX_BYTES) -> Any:
    """GET a JSON document; FetchFailed on a refused address, a network failure, a status
    other than 200, an answer over `max_bytes` or one that is not JSON."""
    check_address(url, allow_private=allow_private)
    getter = session or requests
    # requests' timeout bounds each wait, not the whole: a server trickling bytes is cut off.
    deadline = time.monotonic() + timeout
    try:
        with getter.get(url, headers={"Accept": "application/json", **(headers or {})},
                        timeout=timeout, allow_redirects=False, stream=True) as response:
            if response.status_code != 200:
                raise FetchFailed(f"the server answered {response.status_code}")
            body = bytearray()
            for chunk in response.iter_content(chunk_size=65536):
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FetchFailed(f"the answer is over {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise FetchFailed(f"no whole answer within {timeout:g} s")
    except requests.RequestException as error:
        raise FetchFailed(f"the request failed ({type(error).__name__})") from error
    try:
        return json.loads(body)
    except ValueError as error:
        raise FetchFailed("the answer is not JSON") from error
