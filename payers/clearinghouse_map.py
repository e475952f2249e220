"""The clearinghouse JSON eligibility API (the Optum/Change Healthcare v3 shape): the request
body for a query, and the reply mapped into the same decoded 271 as every other adapter.

The reply is rewritten as 271 text with the 271 writer and read back with the codec's
reader, so summarize() and verify() see exactly the structure a payer's own 271 gives.
Errors carrying an AAA reason code (two digits, e.g. 72) are rejections, i.e. data; any
other error in the reply means the clearinghouse refused the request (ENVELOPE_ERROR).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from payers.base import EligibilityQuery
from payers.directory import PayerEntry
from payers.reply271 import Aaa, BenefitLine, Entity, Person, Reply, clean

AAA_CODE = re.compile(r"^[0-9A-Z]{2}$")
CODE = re.compile(r"^[0-9A-Z]{1,3}$")
FOLLOW_UPS = {  # AAA04 descriptions as the API spells them out
    "please correct and resubmit": "C", "resubmission not allowed": "N",
    "please resubmit original transaction": "P", "resubmission allowed": "R",
    "do not resubmit; inquiry initiated to a third party": "S",
    "please wait 30 days and resubmit": "W", "please wait 10 days and resubmit": "X",
    "do not resubmit; we will hand over to the correct party": "Y",
}
ENTITIES = {"payer": "PR", "vendor": "VN", "third-party administrator": "2B",
            "third party administrator": "2B", "utilization management organization": "X3",
            "managed care organization": "Y2", "primary care provider": "P3"}


class ReplyShapeError(ValueError):
    """The JSON does not have the shape of an eligibility reply; never quotes values."""


def request_body(entry: PayerEntry, query: EligibilityQuery) -> dict[str, Any]:
    inquiry, receiver = query.inquiry, query.receiver
    provider: dict[str, Any] = {"npi": receiver.npi}
    if receiver.organization_name:
        provider["organizationName"] = receiver.organization_name
    elif receiver.person is not None:
        provider |= {"firstName": receiver.person.first, "lastName": receiver.person.last}
    dependent = inquiry.dependent
    own_id = dependent is not None and bool((dependent.member_id or "").strip())
    if dependent is not None and own_id:
        # Like the 270: a patient with an own member id is asked about as the subscriber.
        subscriber = _person(dependent.name, dependent.birth_date, dependent.gender,
                             dependent.member_id)
        dependents: list[dict[str, Any]] = []
    else:
        s = inquiry.subscriber
        subscriber = _person(s.name, s.birth_date, s.gender, s.member_id)
        dependents = [] if dependent is None else [
            _person(dependent.name, dependent.birth_date, dependent.gender, None)
            | ({"relationshipToSubscriberCode": str(dependent.relationship)}
               if dependent.relationship else {})]
    encounter: dict[str, Any] = {"serviceTypeCodes": list(inquiry.service_types)}
    if inquiry.service_date and inquiry.service_end_date and \
            inquiry.service_end_date != inquiry.service_date:
        encounter |= {"beginningDateOfService": f"{inquiry.service_date:%Y%m%d}",
                      "endDateOfService": f"{inquiry.service_end_date:%Y%m%d}"}
    elif inquiry.service_date:
        encounter["dateOfService"] = f"{inquiry.service_date:%Y%m%d}"
    body: dict[str, Any] = {
        "controlNumber": f"{query.control_number:09d}", "tradingPartnerServiceId": entry.payer_id,
        "provider": provider, "subscriber": subscriber, "encounter": encounter}
    if dependents:
        body["dependents"] = dependents
    return body


def _person(name: Any, born: date | None, gender: Any, member_id: str | None) -> dict[str, Any]:
    person: dict[str, Any] = {"firstName": name.first, "lastName": name.last}
    if member_id:
        person["memberId"] = member_id
    if born:
        person["dateOfBirth"] = f"{born:%Y%m%d}"
    if gender:
        person["gender"] = str(gender)
    return {k: v for k, v in person.items() if v}


def refusals(body: dict[str, Any]) -> list[str]:
    """Codes of errors that are not AAA rejections (the request itself was refused)."""
    return [str(e.get("code", "")) for e in _errors(body)
            if not AAA_CODE.match(str(e.get("code", "")))]


def to_reply(body: dict[str, Any], query: EligibilityQuery, *, sender: str,
             receiver: str, stamp: datetime) -> Reply:
    """The 271 the JSON says, echoing our trace (the caller checked controlNumber)."""
    subscriber = _reply_person(body.get("subscriber"))
    dependents = body.get("dependents")
    dependent = _reply_person(dependents[0]) if isinstance(dependents, list) and \
        dependents and query.inquiry.dependent is not None else None
    payer, provider = _dict(body, "payer"), _dict(body, "provider")
    payer_aaa, patient_aaa = _rejections(body)
    if subscriber is None and not payer_aaa:
        raise ReplyShapeError("the reply names no subscriber")
    plan_begin, plan_end = _plan_dates(body.get("planDateInformation"))
    plan = _dict(body, "planInformation")
    traces = [("2", query.inquiry.trace_number.strip(), "9CLEARHOUS")]
    for trace in body.get("subscriberTraceNumbers") or []:
        if isinstance(trace, dict) and str(trace.get("traceTypeCode")) == "1":
            ref, origin = clean(str(trace.get("referenceIdentification", ""))), clean(
                str(trace.get("originatingCompanyIdentifier", "")))
            if ref and origin:
                traces.append(("1", ref, origin))
    return Reply(
        control_number=query.control_number, sender_id=sender,
        receiver_id=receiver, usage="P", timestamp=stamp,
        reference=query.inquiry.trace_number.strip(),
        payer_name=clean(str(payer.get("name", ""))) or "PAYER",
        payer_id=clean(str(payer.get("payorIdentification") or payer.get("payerIdentification")
                           or "")) or "UNKNOWN",
        provider_name=clean(str(provider.get("providerOrgName") or provider.get(
            "organizationName") or provider.get("providerName") or "")),
        provider_npi=clean(str(provider.get("npi") or "")),
        payer_rejections=tuple(payer_aaa), subscriber=subscriber if not payer_aaa else None,
        dependent=dependent, traces=tuple(traces), patient_rejections=tuple(patient_aaa),
        group_number=clean(str(plan.get("groupNumber") or "")),
        plan_begin=plan_begin, plan_end=plan_end,
        benefits=tuple(_benefit(b) for b in _list(body, "benefitsInformation")))


def _errors(body: dict[str, Any]) -> list[dict[str, Any]]:
    found = [e for e in _list(body, "errors")]
    for holder in (body.get("subscriber"), *(body.get("dependents") or [])):
        if isinstance(holder, dict):
            found += [e for e in holder.get("aaaErrors") or [] if isinstance(e, dict)]
    unique: dict[tuple[str, str], dict[str, Any]] = {}
    for e in found:
        unique.setdefault((str(e.get("code")), str(e.get("location", ""))), e)
    return list(unique.values())


def _rejections(body: dict[str, Any]) -> tuple[list[Aaa], list[Aaa]]:
    payer: list[Aaa] = []
    patient: list[Aaa] = []
    for e in _errors(body):
        code = str(e.get("code", ""))
        if not AAA_CODE.match(code):
            continue
        action = str(e.get("followupAction", "")).strip()
        follow = action if CODE.match(action) else FOLLOW_UPS.get(action.lower(), "C")
        aaa = Aaa(reason=code, follow_up=follow, valid_request=code in ("42", "80"))
        location = str(e.get("location", "")).upper()
        (payer if location.endswith(("2000A", "2100A")) else patient).append(aaa)
    return payer, patient


def _reply_person(value: Any) -> Person | None:
    if not isinstance(value, dict):
        return None
    return Person(last=clean(str(value.get("lastName") or "")) or "",
                  first=clean(str(value.get("firstName") or "")),
                  member_id=clean(str(value.get("memberId") or "")),
                  birth_date=_date(value.get("dateOfBirth")),
                  gender=value.get("gender") if value.get("gender") in ("F", "M", "U") else None)


def _benefit(b: dict[str, Any]) -> BenefitLine:
    code = str(b.get("code", ""))
    if not CODE.match(code):
        raise ReplyShapeError("a benefitsInformation entry has no valid code")
    stcs = tuple(str(c) for c in b.get("serviceTypeCodes") or [] if CODE.match(str(c)))
    auth = b.get("authOrCertIndicator")
    messages = tuple(str(i.get("description", "")) for i in b.get("additionalInformation") or []
                     if isinstance(i, dict))
    return BenefitLine(
        code=code, coverage_level=_code(b.get("coverageLevelCode")), service_types=stcs,
        insurance_type=_code(b.get("insuranceTypeCode")),
        plan_description=clean(str(b.get("planCoverage") or "")),
        time_period=_code(b.get("timeQualifierCode")), amount=_decimal(b.get("benefitAmount")),
        percent=_decimal(b.get("benefitPercent")),
        quantity_qualifier=_code(b.get("quantityQualifierCode")),
        quantity=_decimal(b.get("benefitQuantity")),
        auth_required=True if auth == "Y" else False if auth == "N" else None,
        network=_code(b.get("inPlanNetworkIndicatorCode")), messages=messages,
        entity=_entity(b))


def _entity(b: dict[str, Any]) -> Entity | None:
    raw = b.get("benefitsRelatedEntity")
    if raw is None and isinstance(b.get("benefitsRelatedEntities"), list):
        raw = next(iter(b["benefitsRelatedEntities"]), None)
    if not isinstance(raw, dict):
        return None
    ident = str(raw.get("entityIdentifierCode") or raw.get("entityIdentifier") or "")
    # A code when the API sends one; else its description; a named administrator is a vendor.
    entity_id = ident if CODE.match(ident) else ENTITIES.get(ident.strip().lower(), "VN")
    contacts = (raw.get("contactInformation") or {}).get("contacts") or []
    phone = next((clean(str(c.get("communicationNumber"))) for c in contacts
                  if isinstance(c, dict) and str(c.get("communicationMode", "")).lower()
                  in ("telephone", "te")), None)
    return Entity(entity_id=entity_id, name=clean(str(raw.get("entityName") or "")) or "",
                  payer_id=clean(str(raw.get("entityIdentificationValue") or "")),
                  phone=phone)


def _plan_dates(info: Any) -> tuple[date | None, date | None]:
    if not isinstance(info, dict):
        return None, None
    begin = _date(info.get("planBegin") or info.get("eligibilityBegin"))
    end = _date(info.get("planEnd") or info.get("eligibilityEnd"))
    plan = str(info.get("plan") or "")
    if "-" in plan and begin is None:
        first, _, last = plan.partition("-")
        begin, end = _date(first), _date(last)
    return begin, end


def _dict(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def _list(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = body.get(key) or []
    if not isinstance(value, list):
        raise ReplyShapeError(f"{key} is not a list")
    return [item for item in value if isinstance(item, dict)]


def _code(value: Any) -> str | None:
    text = str(value or "")
    return text if CODE.match(text) else None


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ReplyShapeError("an amount, percent or quantity is not a number") from exc
    if not number.is_finite():
        raise ReplyShapeError("an amount, percent or quantity is not a number")
    return number


def _date(value: Any) -> date | None:
    text = str(value or "").replace("-", "")
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None
