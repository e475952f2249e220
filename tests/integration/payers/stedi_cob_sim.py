"""Stedi's Coordination of Benefits Check endpoint, simulated for tests with pytest-httpserver.

Written from Stedi's API reference:
- https://www.stedi.com/docs/healthcare/api-reference/post-coordination-of-benefits -- a
  JSON POST to ``/2024-04-01/coordination-of-benefits`` with the API key as the whole
  ``Authorization`` header; the body names ``tradingPartnerServiceId``, ``provider``
  (``organizationName`` and ``npi``), ``subscriber`` (names, ``dateOfBirth`` as
  YYYY-MM-DD, ``memberId``), an optional ``dependent`` and ``encounter``
  (``dateOfService``, ``serviceTypeCode`` 30);
- https://www.stedi.com/docs/healthcare/cob-response -- the reply's
  ``coordinationOfBenefits`` (``classification``, ``instanceExists``, ``primacyDetermined``,
  ``coverageOverlap``, ``benefitOverlap``) and, per other plan, a ``benefitsInformation``
  entry with code ``R`` ("Other or Additional Payor") whose ``benefitsRelatedEntities`` give
  the payer with its primacy as ``entityIdentifier`` ("Primary Payer", "Secondary Payer",
  "Tertiary Payer", "Payer") and ``benefitsDateInformation`` the dates;
- errors as in Stedi's other eligibility APIs: ``errors`` with ``code``, ``description``,
  ``followupAction``, ``location``; a refused key is a 403.

Which answer comes back is chosen by the subscriber's member id (the constants below);
``case`` forces a failure and ``throttled`` 429s come first, as in stedi_sim.py.
"""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.wrappers import Request, Response

from tests.integration.payers.stedi_sim import StediSimulator

OTHER_PRIMARY, OTHER_SECONDARY, ALONE, NOT_FOUND = (
    "ZZC0000001", "ZZC0000002", "ZZC0000003", "ZZC0000075")
OTHER_MEMBER = "ZOP9900112"  # the patient's synthetic id with the other payer
PATH = "/2024-04-01/coordination-of-benefits"
STATUSES = {
    OTHER_PRIMARY: ("CobInstanceExistsPrimacyDetermined", True, True, "Primary Payer"),
    OTHER_SECONDARY: ("CobInstanceExistsPrimacyDetermined", True, True, "Secondary Payer"),
    ALONE: ("MemberFoundNoCob", False, False, None),
}


class StediCobSimulator(StediSimulator):
    """One Stedi account's COB endpoint: the key, forced cases and 429s of StediSimulator."""

    def __init__(self, *, release: threading.Event, retry_after: str | None = "7") -> None:
        super().__init__(release=release, retry_after=retry_after)

    def __call__(self, request: Request) -> Response:
        return self._serve(request, lambda body, wrong: answer(body))


def answer(body: dict[str, Any]) -> dict[str, Any]:
    """Stedi's reply for the request ``body``."""
    subscriber = body["subscriber"]
    member = subscriber.get("memberId")
    payer = {"name": "Tidewater Health Test", "payerIdentification": body[
        "tradingPartnerServiceId"]}
    if member not in STATUSES:
        return {"payer": payer, "errors": [{
            "code": "75", "description": "Subscriber/Insured Not Found",
            "followupAction": "Please Correct and Resubmit", "location": "Loop 2100C"}]}
    classification, exists, determined, role = STATUSES[member]
    benefits: list[dict[str, Any]] = [{
        "code": "1", "name": "Active Coverage", "serviceTypeCodes": ["30"],
        "benefitsDateInformation": {"benefitBegin": "20260101"}}]
    if role is not None:
        benefits.append({
            "code": "R", "name": "Other or Additional Payor", "serviceTypeCodes": ["30"],
            "benefitsDateInformation": {"benefitBegin": "20250601",
                                        "benefitEnd": "20261231"},
            "benefitsRelatedEntities": [
                {"entityIdentifier": role, "entityType": "Non-Person Entity",
                 "entityName": "Lanternbay Mutual Test", "entityIdentification": "PI",
                 "entityIdentificationValue": "LANT07"},
                {"entityIdentifier": "Insured or Subscriber", "entityType": "Person",
                 "entityIdentification": "MI", "entityIdentificationValue": OTHER_MEMBER}]})
    return {
        "meta": {"applicationMode": "test", "traceId": "01SIMULATEDCOB"},
        "payer": payer,
        "subscriber": {"firstName": subscriber.get("firstName"),
                       "lastName": subscriber.get("lastName"), "memberId": member},
        "benefitsInformation": benefits,
        "coordinationOfBenefits": {"classification": classification, "instanceExists": exists,
                                   "primacyDetermined": determined,
                                   "coverageOverlap": exists, "benefitOverlap": exists},
    }
