"""The claimmd adapter: Claim.MD's real-time eligibility API for X12 270 files.

Our 270 is uploaded as a form (``AccountKey`` and ``File``) to the route's ``url``
(``https://svc.claim.md/services/elig/``); the reply body is the payer's 271, read by our
codec like a CORE payer's. The account key is the entry's ``api_key`` (or ``api_key_env``)
and travels only in the form body, never in the URL. A reply that is not a 271 (Claim.MD
states its errors in text, XML or JSON) is kept as received and refused as
PAYER_RESPONSE_INVALID.
Reference: Claim.MD's API documentation (https://docs.claim.md, "API Technical
Documentation"; its eligibility calls as published in the collection
https://raw.githubusercontent.com/api-evangelist/claim-md/main/collections/claim-md-eligibility-api.opencollection.json:
"Submit eligibility request (270 file)", POST /services/elig/ with AccountKey and File,
answered with the X12 271).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from payers.adapters.clearinghouse.oauth import ApiKey
from payers.adapters.rawx12 import RawX12Adapter
from payers.directory import PayerEntry
from payers.transport import HttpReply


class ClaimMdAdapter(RawX12Adapter):
    """Our 270 as the ``File`` of a form with the ``AccountKey``; the 271 is the body."""

    def __init__(self, *, entry: PayerEntry, session: requests.Session,
                 base_url: str | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(entry=entry, session=session, key=ApiKey(entry=entry),
                         base_url=base_url, sleep=sleep)

    def _send(self, x270: str, key: str) -> HttpReply:
        return self.transport.post(self.url, record=x270, files={
            "AccountKey": (None, key), "File": ("270.x12", x270)})

    def _payload(self, reply: HttpReply, *, x270: str, started: float) -> str:
        text = reply.text.strip()
        if not text.startswith("ISA"):
            raise self.invalid("the reply is not an X12 271", reply=reply, x270=x270,
                               started=started)
        return text
