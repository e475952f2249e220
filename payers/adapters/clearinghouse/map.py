"""The clearinghouse JSON eligibility API (the Optum/Change Healthcare v3 shape): the request
body for a query, and the reply mapped into the decoded 271 every other adapter returns.

The reply is mapped straight into the 271 reader's model (payers.x12.x271.make), so
summarize() and verify() see the structure a payer's own 271 gives, with the reply's own
words: payer messages and names are kept whole, and the 271's echo of our request (TRN01 2
and BHT03) is the ``controlNumber`` the reply echoes, so that verify() can tell a reply to
another request. Its error objects are read by errors.py: AAA rejections (data, placed at
the loop they name, with the vendor's words) and refusals (ENVELOPE_ERROR).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from payers.adapters.clearinghouse.errors import VendorRejection, rejections
from payers.adapters.jsonvalues import CODE, ReplyShapeError
from payers.adapters.jsonvalues import code_of as _code
from payers.adapters.jsonvalues import date_of as _date
from payers.adapters.jsonvalues import decimal_of as _decimal
from payers.adapters.jsonvalues import object_at as _dict
from payers.adapters.jsonvalues import text_of as _text
from payers.base import EligibilityQuery
from payers.directory import PayerEntry
from payers.x12.x270 import InformationReceiver
from payers.x12.x271.loops import Benefit, Eligibility271, Level
from payers.x12.x271.make import Made271, benefit, eb, entity, organization, person
from payers.x12.x271.parts import Name, Party

ENTITIES = {"payer": "PR", "vendor": "VN", "third-party administrator": "2B",
            "third party administrator": "2B", "utilization management organization": "X3",
            "managed care organization": "Y2", "primary care provider": "P3"}


def request_body(entry: PayerEntry, query: EligibilityQuery) -> dict[str, Any]:
    inquiry, receiver = query.inquiry, query.receiver
    provider = provider_json(receiver)
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
        "controlNumber": control_number(query), "tradingPartnerServiceId": entry.payer_id,
        "provider": provider, "subscriber": subscriber, "encounter": encounter}
    if dependents:
        body["dependents"] = dependents
    return body


def provider_json(receiver: InformationReceiver) -> dict[str, Any]:
    """Who asks: the NPI and the organization's name (or the person's)."""
    provider: dict[str, Any] = {"npi": receiver.npi}
    if receiver.organization_name:
        provider["organizationName"] = receiver.organization_name
    elif receiver.person is not None:
        provider |= {"firstName": receiver.person.first, "lastName": receiver.person.last}
    return provider


def _person(name: Any, born: date | None, gender: Any, member_id: str | None) -> dict[str, Any]:
    person: dict[str, Any] = {"firstName": name.first, "lastName": name.last}
    if member_id:
        person["memberId"] = member_id
    if born:
        person["dateOfBirth"] = f"{born:%Y%m%d}"
    if gender:
        person["gender"] = str(gender)
    return {k: v for k, v in person.items() if v}


def control_number(query: EligibilityQuery) -> str:
    """The controlNumber a request for ``query`` carries, and a reply to it echoes."""
    return f"{query.control_number:09d}"


def to_271(body: dict[str, Any], query: EligibilityQuery, *,
           trace_originator: str) -> Eligibility271:
    """The 271 the JSON says. What it echoes of our request (TRN01 2 and BHT03) is the
    reply's own controlNumber, never our query's, so that verify() can tell a reply to
    another request; TRN03 names us (``trace_originator``), who numbered it."""
    echoed = _text(body.get("controlNumber"))
    subscriber = body.get("subscriber") if isinstance(body.get("subscriber"), dict) else None
    dependents = body.get("dependents")
    dependent = dependents[0] if isinstance(dependents, list) and dependents and isinstance(
        dependents[0], dict) and query.inquiry.dependent is not None else None
    rejected = rejections(body)
    payer_aaa = [r for r in rejected if r.level == "A"]
    if subscriber is None and not payer_aaa:
        raise ReplyShapeError("the reply names no subscriber")
    benefits = [_benefit(b) for b in _list(body, "benefitsInformation")]
    made = Made271(control_number=echoed, reference=echoed)
    payer = _dict(body, "payer")
    source = made.level(organization(
        "PR", _text(payer.get("name")), qualifier="PI",
        identifier=_text(payer.get("payorIdentification") or payer.get("payerIdentification"))))
    _reject(made, source, payer_aaa)
    if payer_aaa or subscriber is None:
        return made.done()
    provider = _dict(body, "provider")
    receiver = made.level(organization(
        "1P", _text(provider.get("providerOrgName") or provider.get("organizationName")
                    or provider.get("providerName")), qualifier="XX",
        identifier=_text(provider.get("npi"))), parent=source)
    _reject(made, receiver, [r for r in rejected if r.level == "B"])
    top = made.level(_reply_name("IL", subscriber), parent=receiver)
    group = _text(_dict(body, "planInformation").get("groupNumber"))
    if group:
        made.reference(top.party, "6P", group)
    _born(made, top.party, subscriber)
    patient = top if dependent is None else made.level(_reply_name("03", dependent), parent=top)
    _traces(made, patient, body, echoed, trace_originator)
    if dependent is not None:
        _born(made, patient.party, dependent)
        _reject(made, top, [r for r in rejected if r.level == "C"])
    # Without a dependent level, an error naming the dependent's loop is the patient's.
    own = ("", "D") if dependent is not None else ("", "C", "D")
    _reject(made, patient, [r for r in rejected if r.level in own])
    if any(r.level != "A" for r in rejected):
        return made.done()
    begin, end = _plan_dates(body.get("planDateInformation"))
    if begin:
        made.date(patient.party, "346", begin)
    if end:
        made.date(patient.party, "347", end)
    made.benefits(patient, benefits)
    return made.done()


def _traces(made: Made271, level: Level, body: dict[str, Any], echoed: str,
            originator: str) -> None:
    """The echo of our request, then the clearinghouse's own traces (TRN01 1). Its TRN01 2
    traces echo the 270 it sent the payer, not our request, so they are left out."""
    made.trace(level, "2", echoed, originator)
    for trace in body.get("subscriberTraceNumbers") or []:
        if isinstance(trace, dict) and str(trace.get("traceTypeCode")) == "1":
            reference = _text(trace.get("referenceIdentification"))
            if reference:
                made.trace(level, "1", reference,
                           _text(trace.get("originatingCompanyIdentifier")))


def _reject(made: Made271, level: Level, found: list[VendorRejection]) -> None:
    for r in found:
        # 42 / 80: the payer could not answer now; the request itself was valid.
        made.rejection(level.party, r.reason, r.follow_up, text=r.text,
                       valid_request=r.reason in ("42", "80"))


def _reply_name(entity_id: str, value: dict[str, Any]) -> Name:
    return person(entity_id, _text(value.get("lastName")), first=_text(value.get("firstName")),
                  member_id=_text(value.get("memberId")))


def _born(made: Made271, party: Party, value: dict[str, Any]) -> None:
    born = _date(value.get("dateOfBirth"))
    if born is not None:
        gender = value.get("gender")
        made.born(party, born, gender if gender in ("F", "M", "U") else "")


def _benefit(b: dict[str, Any]) -> Benefit:
    code = str(b.get("code", ""))
    if not CODE.match(code):
        raise ReplyShapeError("a benefitsInformation entry has no valid code")
    auth = b.get("authOrCertIndicator")
    messages = [i["description"] for i in b.get("additionalInformation") or []
                if isinstance(i, dict) and isinstance(i.get("description"), str)
                and i["description"].strip()]
    return benefit(eb(
        code, coverage_level=_code(b.get("coverageLevelCode")),
        service_types=[str(c) for c in b.get("serviceTypeCodes") or [] if CODE.match(str(c))],
        insurance_type=_code(b.get("insuranceTypeCode")),
        plan_description=_text(b.get("planCoverage")),
        time_period=_code(b.get("timeQualifierCode")), amount=_decimal(b.get("benefitAmount")),
        percent=_decimal(b.get("benefitPercent")),
        quantity_qualifier=_code(b.get("quantityQualifierCode")),
        quantity=_decimal(b.get("benefitQuantity")),
        auth_required=True if auth == "Y" else False if auth == "N" else None,
        network=_code(b.get("inPlanNetworkIndicatorCode"))), messages=messages,
        entity=_entity(b))


def _entity(b: dict[str, Any]) -> Party | None:
    raw = b.get("benefitsRelatedEntity")
    if raw is None and isinstance(b.get("benefitsRelatedEntities"), list):
        raw = next(iter(b["benefitsRelatedEntities"]), None)
    if not isinstance(raw, dict):
        return None
    ident = str(raw.get("entityIdentifierCode") or raw.get("entityIdentifier") or "")
    # A code when the API sends one; else its description; a named administrator is a vendor.
    entity_id = ident if CODE.match(ident) else ENTITIES.get(ident.strip().lower(), "VN")
    contacts = (raw.get("contactInformation") or {}).get("contacts") or []
    phone = next((_text(c.get("communicationNumber")) for c in contacts
                  if isinstance(c, dict) and str(c.get("communicationMode", "")).lower()
                  in ("telephone", "te")), "")
    return entity(organization(entity_id, _text(raw.get("entityName")), qualifier="PI",
                               identifier=_text(raw.get("entityIdentificationValue"))),
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




def _list(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = body.get(key) or []
    if not isinstance(value, list):
        raise ReplyShapeError(f"{key} is not a list")
    return [item for item in value if isinstance(item, dict)]
