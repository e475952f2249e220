"""Search results as Bundle searchset pages, and the page tokens of their links.

A search may name a member id (subscriber-id, identifier), which must never appear in a URL
we make. So every link a Bundle carries is `?_page=<token>`: the search's parameters and the
keyset cursor of the next page, encrypted and authenticated (Fernet, keyed by the app's
SECRET_KEY) and valid for PAGE_TTL_S. The client's own URL is its business; ours carry no PHI.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from fhir.resources.R4B.bundle import Bundle
from flask import url_for

from service.fhir.outcomes import Issue
from service.web.fhir.errors import Malformed
from service.wiring import current_wiring

PAGE_TTL_S = 3600
Args = dict[str, list[str]]


def _fernet() -> Fernet:
    secret = current_wiring().config.secret_key
    key = hashlib.sha256(f"coverwatch-fhir-page:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _now() -> int:
    return int(current_wiring().clock().timestamp())


def token(resource: str, args: Args, cursor: str | None) -> str:
    text = json.dumps({"r": resource, "a": args, "c": cursor}, separators=(",", ":"))
    return _fernet().encrypt_at_time(text.encode(), _now()).decode()


def opened(resource: str, text: str) -> tuple[Args, str | None]:
    """The search parameters and cursor a page token carries; 400 when it is not one of
    ours for this resource type, or has expired."""
    try:
        found = json.loads(_fernet().decrypt_at_time(text.encode(), PAGE_TTL_S, _now()))
    except (InvalidToken, ValueError):
        found = None
    if not isinstance(found, dict) or found.get("r") != resource:
        raise Malformed([Issue(code="invalid", text="_page: not a page of this search, or "
                                                    "older than an hour; search again.")])
    return found["a"], found["c"]


def bundle(resource: str, args: Args, cursor: str | None, following: str | None,
           entries: Sequence[tuple[str, Any]]) -> Bundle:
    """A searchset page: `entries` are (id, resource); links self and, when more follow,
    next."""
    links = [{"relation": "self", "url": _link(resource, args, cursor)}]
    if following is not None:
        links.append({"relation": "next", "url": _link(resource, args, following)})
    return Bundle.model_validate({
        "resourceType": "Bundle", "type": "searchset", "link": links,
        "entry": [{"fullUrl": url_for("fhir.read", kind=resource, item=item, _external=True),
                   "resource": found, "search": {"mode": "match"}}
                  for item, found in entries],
    })


def _link(resource: str, args: Args, cursor: str | None) -> str:
    return url_for("fhir.search_get", kind=resource, _page=token(resource, args, cursor),
                   _external=True)

