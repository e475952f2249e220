"""Availity's Coverages API (1.0.0): the form a query is posted as, and a completed coverage
mapped into the decoded 271 every other adapter returns.

Reference: the Coverages swagger Availity publishes (https://developer.availity.com/partner/
documentation, "Coverages 1.0.0": POST /v1/coverages as application/x-www-form-urlencoded,
GET /v1/coverages/{id}; Coverage, plans[].benefits[].amounts, BenefitDetail, NetworkBenefit,
FieldError). What maps where:

- payer (responseName / responsePayerId, else name / payerId) -> 2100A; requestingProvider
  -> 2100B; subscriber -> 2100C; the patient -> 2100D when we asked about a dependent.
- the coverage ``id`` is echoed as the patient's TRN (TRN01 2): the id our POST was given
  is what a poll's reply must carry, so verify() refuses a reply to another request.
- plans[0]: ``statusCode`` as the plan's EB01 (1 active, 6 inactive...) for service type 30,
  groupNumber (REF 6P), planStartDate / planEndDate (DTP 346/347), eligibilityStartDate /
  eligibilityEndDate (DTP 356/357).
- each benefit (``type``: its service type code): its ``statusCode`` as an EB01, and each
  NetworkBenefit of amounts.coPayment (EB B), coInsurance (EB A, a percent), deductibles
  (EB C), outOfPocket (EB G) and limitations (EB F, with quantity) as one EB row: network
  from the list it is in (inNetwork Y, outOfNetwork N, notApplicableNetwork W),
  ``levelCode`` (IND, FAM...), ``amountTimePeriodCode``, ``authorizationRequired`` and
  ``payerNotes`` as MSG lines.
- ``validationMessages`` whose code is an AAA reason are the payer's rejections (the
  message text kept); others mean the request was refused (errors.py of clearinghouse).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from payers.adapters.clearinghouse.errors import AAA_CODE
from payers.adapters.jsonvalues import ReplyShapeError
from payers.adapters.jsonvalues import code_of as _code
from payers.adapters.jsonvalues import decimal_of as _decimal
from payers.adapters.jsonvalues import object_at as _dict
from payers.adapters.jsonvalues import text_of as _text
from payers.base import EligibilityQuery
from payers.directory import PayerEntry
from payers.x12.x271.loops import Benefit, Eligibility271
from payers.x12.x271.make import Made271, benefit, eb, organization, person
from payers.x12.x271.parts import Name

AMOUNTS = (("coPayment", "B"), ("coInsurance", "A"), ("deductibles", "C"),
           ("outOfPocket", "G"))
NETWORKS = (("inNetwork", "Y"), ("outOfNetwork", "N"), ("notApplicableNetwork", "W"),
            ("noNetwork", ""))
SELF = "18"


def request_form(entry: PayerEntry, query: EligibilityQuery) -> list[tuple[str, str]]:
    """The POST /v1/coverages form fields, in order (service types repeat)."""
    inquiry, receiver = query.inquiry, query.receiver
    dependent = inquiry.dependent
    own_id = dependent is not None and bool((dependent.member_id or "").strip())
    subscriber = inquiry.subscriber
    patient_name = dependent.name if dependent is not None else subscriber.name
    born = dependent.birth_date if dependent is not None else subscriber.birth_date
    gender = dependent.gender if dependent is not None else subscriber.gender
    relationship = SELF if dependent is None or own_id else str(dependent.relationship or "")
    member_id = (dependent.member_id if own_id and dependent is not None
                 else subscriber.member_id) or ""
    fields = [("payerId", entry.payer_id), ("providerNpi", receiver.npi or "")]
    if receiver.organization_name:
        fields.append(("providerLastName", receiver.organization_name))
    elif receiver.person is not None:
        fields += [("providerLastName", receiver.person.last),
                   ("providerFirstName", receiver.person.first or "")]
    fields += [("memberId", member_id), ("patientLastName", patient_name.last),
               ("patientFirstName", patient_name.first or "")]
    if born:
        fields.append(("patientBirthDate", born.isoformat()))
    if gender:
        fields.append(("patientGender", str(gender)))
    fields.append(("subscriberRelationship", relationship))
    fields += [("serviceType", code) for code in inquiry.service_types]
    if inquiry.service_date:
        fields.append(("asOfDate", inquiry.service_date.isoformat()))
    return [(name, value) for name, value in fields if value]


def to_271(coverage: dict[str, Any], query: EligibilityQuery, *,
           trace_originator: str) -> Eligibility271:
    """The 271 a completed coverage says; its ``id`` is echoed as our trace."""
    echoed = _text(coverage.get("id"))
    subscriber = _dict(coverage, "subscriber")
    if not subscriber:
        raise ReplyShapeError("the coverage names no subscriber")
    made = Made271(control_number=echoed, reference=echoed)
    payer = _dict(coverage, "payer")
    source = made.level(organization(
        "PR", _text(payer.get("responseName") or payer.get("name")), qualifier="PI",
        identifier=_text(payer.get("responsePayerId") or payer.get("payerId"))))
    provider = _dict(coverage, "requestingProvider")
    receiver = made.level(organization("1P", _text(provider.get("lastName")), qualifier="XX",
                                       identifier=_text(provider.get("npi"))), parent=source)
    top = made.level(_name("IL", subscriber), parent=receiver)
    dependent = query.inquiry.dependent is not None and not (
        query.inquiry.dependent.member_id or "").strip()
    patient = made.level(_name("03", _dict(coverage, "patient")), parent=top) \
        if dependent else top
    made.trace(patient, "2", echoed, trace_originator)
    rejected = [m for m in coverage.get("validationMessages") or []
                if isinstance(m, dict) and AAA_CODE.match(str(m.get("code", "")))]
    for message in rejected:
        made.rejection(patient.party, str(message["code"]), "C",
                       text=_text(message.get("errorMessage")))
    if rejected:
        return made.done()
    plans = coverage.get("plans")
    plan = plans[0] if isinstance(plans, list) and plans and isinstance(plans[0], dict) \
        else {}
    group = _text(plan.get("groupNumber"))
    if group:
        made.reference(top.party, "6P", group)
    for qualifier, key in (("346", "planStartDate"), ("347", "planEndDate"),
                           ("356", "eligibilityStartDate"), ("357", "eligibilityEndDate")):
        day = _day(plan.get(key))
        if day is not None:
            made.date(patient.party, qualifier, day)
    made.benefits(patient, _benefits(plan))
    return made.done()


def _benefits(plan: dict[str, Any]) -> list[Benefit]:
    found: list[Benefit] = []
    status = _code(plan.get("statusCode"))
    if status:
        found.append(benefit(eb(status, coverage_level="IND", service_types=("30",),
                                insurance_type=_code(plan.get("insuranceTypeCode")),
                                plan_description=_text(plan.get("description")))))
    for item in plan.get("benefits") or []:
        if not isinstance(item, dict) or not _code(item.get("type")):
            continue
        types = (_code(item.get("type")),)
        if _code(item.get("statusCode")):
            found.append(benefit(eb(_code(item.get("statusCode")), service_types=types)))
        amounts = _dict(item, "amounts")
        for key, code in AMOUNTS:
            found += _rows(code, types, _dict(amounts, key), percent=code == "A")
        found += _rows("F", types, _dict(item, "limitations"), percent=False)
    return found


def _rows(code: str, types: tuple[str, ...], detail: dict[str, Any], *,
          percent: bool) -> list[Benefit]:
    rows: list[Benefit] = []
    for key, network in NETWORKS:
        for value in detail.get(key) or []:
            if not isinstance(value, dict):
                continue
            amount = _decimal(value.get("amount"))
            if percent and amount is not None and amount > 1:
                amount = amount / Decimal(100)  # a percent given as 20 rather than 0.2
            auth = value.get("authorizationRequired")
            notes = [n for n in value.get("payerNotes") or [] if isinstance(n, str)]
            rows.append(benefit(eb(
                code, coverage_level=_code(value.get("levelCode")), service_types=types,
                time_period=_code(value.get("amountTimePeriodCode")),
                amount=None if percent else amount, percent=amount if percent else None,
                quantity_qualifier=_code(value.get("quantityQualifierCode")),
                quantity=_decimal(value.get("quantity")),
                auth_required=auth if isinstance(auth, bool) else None, network=network),
                messages=notes))
    return rows


def _name(entity_id: str, value: dict[str, Any]) -> Name:
    return person(entity_id, _text(value.get("lastName")), first=_text(value.get("firstName")),
                  member_id=_text(value.get("memberId")))


def _day(value: Any) -> date | None:
    """A date from Availity's date-time text (2026-01-01T00:00:00.000+0000)."""
    text = str(value or "")[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
