"""The stedi adapter: Stedi's real-time eligibility APIs, authenticated with an API key.

Stedi takes the key as the whole ``Authorization`` header (no "Bearer"); a ``test_`` key
answers with Stedi's mock data, so it is refused on a production route and a production
key on a test route (``usage: T``). The entry's ``api`` picks the endpoint its ``url`` is:

- ``v3``: the legacy JSON API (``.../change/medicalnetwork/eligibility/v3``), the Change
  Healthcare v3 shape: the clearinghouse-json request body and reply mapping, whose AAA
  errors keep their code, follow-up, loop and Stedi's description and resolution text.
- ``raw-x12``: ``.../change/medicalnetwork/eligibility/v3/raw-x12``: our own 270 as
  ``{"x12": ...}``; the payer's 271 comes back in the reply's ``x12`` field and is read by
  our codec, like a CORE payer's. The AAA codes, follow-ups and loops are the 271's; what
  Stedi says of each in the JSON beside it (description, possible resolutions) is added to
  the matching rejection, since X12 carries no such text.

Stedi's CAQH CORE SOAP endpoint needs no adapter of its own: a ``core-soap`` entry with
the Stedi account id as username and the API key as password (docs/connectors.md).
References: https://www.stedi.com/docs/healthcare/api-reference/post-healthcare-eligibility-legacy,
https://www.stedi.com/docs/healthcare/api-reference/post-healthcare-eligibility-raw-x12 and
https://www.stedi.com/docs/api/apikeys (the key in the Authorization header).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import requests

from payers.adapters.clearinghouse import ClearinghouseAdapter
from payers.adapters.clearinghouse.errors import refusals, rejections
from payers.adapters.clearinghouse.oauth import ApiKey
from payers.adapters.jsonvalues import ReplyShapeError, json_object
from payers.adapters.rawx12 import RawX12Adapter
from payers.base import EligibilityAdapter, PayerErrorCode
from payers.directory import PayerEntry
from payers.replies import safe_token
from payers.transport import HttpReply
from payers.x12.x271 import Eligibility271

TEST_KEY_PREFIX = "test_"


def stedi_adapter(*, entry: PayerEntry, session: requests.Session,
                  sleep: Callable[[float], None] = time.sleep) -> EligibilityAdapter:
    """The adapter for the entry's ``api``."""
    key = ApiKey(entry=entry, test_prefix=TEST_KEY_PREFIX)
    if entry.api == "v3":
        return ClearinghouseAdapter(entry=entry, session=session, sleep=sleep,
                                    credentials=key)
    if entry.api == "raw-x12":
        return StediRawX12Adapter(entry=entry, session=session, sleep=sleep, key=key)
    raise ValueError(f"unknown stedi api {entry.api!r}")


class StediRawX12Adapter(RawX12Adapter):
    """Our 270 in ``{"x12": ...}``, the 271 from the reply's ``x12``."""

    def _send(self, x270: str, key: str) -> HttpReply:
        return self.transport.post(self.url, record=x270,
                                   data=json.dumps({"x12": x270}).encode("utf-8"),
                                   headers={"Authorization": key,
                                            "Content-Type": "application/json",
                                            "Accept": "application/json"})

    def _payload(self, reply: HttpReply, *, x270: str, started: float) -> str:
        try:
            body = json_object(reply.body)
        except ReplyShapeError as exc:
            raise self.invalid(str(exc), reply=reply, x270=x270, started=started) from exc
        refused = refusals(body)
        x271 = body.get("x12")
        if refused and not isinstance(x271, str):
            raise self.transport.error(
                PayerErrorCode.ENVELOPE_ERROR, f"the clearinghouse refused the request "
                f"(error {safe_token(refused[0])})", record=x270, reached=False,
                started=started, reply=reply)
        if not isinstance(x271, str) or not x271.strip():
            raise self.invalid("the reply holds no x12 271", reply=reply, x270=x270,
                               started=started)
        return x271

    def _annotate(self, answer: Eligibility271, reply: HttpReply) -> None:
        said = {(r.level, r.reason): r.text for r in rejections(json_object(reply.body))
                if r.text}
        if not said:
            return
        for letter in "ABCD":
            for level in answer.levels(letter):
                for rejection in (*level.rejections, *level.party.rejections):
                    rejection.text = rejection.text or said.get(
                        (letter, rejection.reason), said.get(("", rejection.reason), ""))

