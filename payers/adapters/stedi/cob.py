"""Stedi's Coordination of Benefits Check API: the other plans a patient holds, and their order.

One JSON POST to the route's ``cob_url`` (``.../2024-04-01/coordination-of-benefits``) with
the API key as the whole ``Authorization`` header, under the transport rules (timeout, no
redirects, size cap, 429/503 with Retry-After as PAYER_BUSY). The request names the payer
(``tradingPartnerServiceId``), the provider, the subscriber (and a dependent without an
own member id) and the encounter (date of service, service type 30: Stedi answers COB for
the plan as a whole). The reply's ``coordinationOfBenefits`` says whether coordination is
needed and whether primacy was determined (``classification``); each other plan is a
``benefitsInformation`` entry with code ``R`` whose ``benefitsRelatedEntities`` name the
payer (``entityIdentifier`` "Primary Payer", "Secondary Payer", "Tertiary Payer", or
"Payer" when the order is unknown) and the patient's id there, with the plan's dates in
``benefitsDateInformation``. Error objects (``errors``) end the check as a refusal
(PAYER_ENVELOPE_ERROR, the vendor's code kept as a safe token) or, for an AAA reason, a
rejection the payer made (PAYER_REQUEST_INVALID: the patient was not found as given).
References: https://www.stedi.com/docs/healthcare/api-reference/post-coordination-of-benefits
and https://www.stedi.com/docs/healthcare/cob-response.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import requests

from payers.adapters.clearinghouse.errors import AAA_CODE, error_objects
from payers.adapters.clearinghouse.map import provider_json
from payers.adapters.clearinghouse.oauth import ApiKey
from payers.adapters.jsonvalues import (
    ReplyShapeError,
    date_of,
    json_object,
    object_at,
    text_of,
)
from payers.base import Exchange, PayerError, PayerErrorCode
from payers.cob import CobAnswer, CobQuery, OtherPlan, Primacy
from payers.directory import PayerEntry
from payers.replies import check_status, safe_token
from payers.transport import HttpReply, Transport

PRIMACY = {"primary payer": Primacy.PRIMARY, "secondary payer": Primacy.SECONDARY,
           "tertiary payer": Primacy.TERTIARY}
PAYER_ROLES = (*PRIMACY, "payer")
MEMBER_ROLES = ("insured or subscriber", "subscriber", "insured")
CLASSIFICATIONS = frozenset({
    "MemberFoundNoCob", "CoverageOverlapNoBenefitOverlap",
    "CoverageOverlapExistsNotSubjectToCob", "CobInstanceExistsPrimacyUndetermined",
    "CobInstanceExistsPrimacyDetermined"})


class StediCobAdapter:
    def __init__(self, *, entry: PayerEntry, session: requests.Session,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.route = entry.id
        self.entry = entry
        self.url = entry.cob_url or ""
        self.transport = Transport(route=entry.id, session=session, timeout_s=entry.timeout_s,
                                   sleep=sleep, max_reply_bytes=entry.max_reply_bytes)
        self.key = ApiKey(entry=entry, test_prefix="test_")

    def check(self, query: CobQuery) -> CobAnswer:
        record = json.dumps(request_body(self.entry, query))
        started = time.monotonic()
        authorization = self.key.authorization(record=record, started=started)
        reply = self.transport.post(self.url, record=record, data=record.encode("utf-8"),
                                    headers={"Authorization": authorization,
                                             "Content-Type": "application/json",
                                             "Accept": "application/json"})
        check_status(self.transport, reply, record=record, started=started)
        exchange = Exchange(route=self.route, request=record, response=reply.text,
                            http_status=reply.status, elapsed_ms=reply.elapsed_ms)
        try:
            return read_reply(reply, exchange=exchange, route=self.route)
        except PayerError as err:
            err.exchange = exchange
            raise


def request_body(entry: PayerEntry, query: CobQuery) -> dict[str, Any]:
    """The COB request: like an eligibility check's, with ISO dates and one service type."""
    inquiry = query.inquiry
    dependent = inquiry.dependent
    body: dict[str, Any] = {"tradingPartnerServiceId": entry.payer_id,
                            "provider": provider_json(query.receiver)}
    if dependent is not None and (dependent.member_id or "").strip():
        # A patient with an own member id is asked about as the subscriber (Stedi's rule).
        body["subscriber"] = _person(dependent.name, dependent.birth_date, dependent.member_id)
    else:
        s = inquiry.subscriber
        body["subscriber"] = _person(s.name, s.birth_date, s.member_id)
        if dependent is not None:
            body["dependent"] = _person(dependent.name, dependent.birth_date, None)
    encounter: dict[str, Any] = {"serviceTypeCode": "30"}
    if inquiry.service_date is not None:
        encounter["dateOfService"] = inquiry.service_date.isoformat()
    body["encounter"] = encounter
    return body


def _person(name: Any, born: date | None, member_id: str | None) -> dict[str, Any]:
    person: dict[str, Any] = {"firstName": name.first, "lastName": name.last}
    if born is not None:
        person["dateOfBirth"] = born.isoformat()
    if member_id:
        person["memberId"] = member_id
    return {k: v for k, v in person.items() if v}


def read_reply(reply: HttpReply, *, exchange: Exchange, route: str) -> CobAnswer:
    """The answer in a 2xx reply; PayerError for errors or a reply of another shape."""
    try:
        body = json_object(reply.body)
    except ReplyShapeError as exc:
        raise _invalid(str(exc), route) from exc
    errors = error_objects(body)
    if errors:
        code = str(errors[0].get("code", ""))
        if AAA_CODE.match(code):
            raise PayerError(PayerErrorCode.REQUEST_INVALID, f"the payer did not find the "
                             f"patient as given (AAA {code})", route=route,
                             reached_payer=True)
        raise PayerError(PayerErrorCode.ENVELOPE_ERROR, f"the clearinghouse refused the "
                         f"request (error {safe_token(code)})", route=route,
                         reached_payer=False)
    status = object_at(body, "coordinationOfBenefits")
    classification = text_of(status.get("classification"))
    if classification not in CLASSIFICATIONS:
        raise _invalid("the reply holds no coordination of benefits status", route)
    benefits = body.get("benefitsInformation") or []
    if not isinstance(benefits, list):
        raise _invalid("benefitsInformation is not a list", route)
    others: list[OtherPlan] = []
    for item in benefits:
        if isinstance(item, dict) and item.get("code") == "R":
            plan = _other_plan(item)
            if plan not in others:
                others.append(plan)
    return CobAnswer(
        classification=classification, cob_required=status.get("instanceExists") is True,
        primacy_determined=status.get("primacyDetermined") is True,
        coverage_overlap=status.get("coverageOverlap") is True,
        benefit_overlap=status.get("benefitOverlap") is True,
        others=tuple(others), exchange=exchange)


def _other_plan(item: dict[str, Any]) -> OtherPlan:
    entities = [e for e in item.get("benefitsRelatedEntities") or [] if isinstance(e, dict)]
    payer = next((e for e in entities
                  if text_of(e.get("entityIdentifier")).lower() in PAYER_ROLES), None)
    member = next((e for e in entities
                   if text_of(e.get("entityIdentifier")).lower() in MEMBER_ROLES), None)
    dates = object_at(item, "benefitsDateInformation")
    role = text_of(payer.get("entityIdentifier")).lower() if payer else ""
    return OtherPlan(
        payer_name=text_of(payer.get("entityName")) or None if payer else None,
        payer_id=text_of(payer.get("entityIdentificationValue")) or None if payer else None,
        member_id=text_of(member.get("entityIdentificationValue")) or None if member else None,
        primacy=PRIMACY.get(role, Primacy.UNKNOWN),
        begin=date_of(dates.get("benefitBegin") or dates.get("planBegin")
                    or dates.get("coordinationOfBenefits")),
        end=date_of(dates.get("benefitEnd") or dates.get("planEnd")))


def _invalid(message: str, route: str) -> PayerError:
    return PayerError(PayerErrorCode.RESPONSE_INVALID, message, route=route,
                      reached_payer=True)
