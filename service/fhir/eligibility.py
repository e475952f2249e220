"""Stored eligibility checks as CoverageEligibilityRequest and CoverageEligibilityResponse.

A check is both: the question asked (the request, whose id is the check's) and the payer's
answer (the response, the same id). Rejections and payer faults become `error` codes and a
contained OperationOutcome carrying the front desk's next step.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse

from service.db.models import EligibilityCheck
from service.domain.eligibility import ERROR_MESSAGES, with_actions
from service.fhir.benefits import items
from service.fhir.codes import (
    CHECK_ERROR_SYSTEM,
    NPI_SYSTEM,
    OUTCOME_EXTENSION,
    REJECT_REASON_SYSTEM,
    SERVICE_TYPE_NAMES,
    SERVICE_TYPE_SYSTEM,
    SOURCE_EXTENSION,
    concept,
)
from service.fhir.outcomes import Issue, outcome
from service.fhir.records import payor

# Every check asks whether the coverage is in force and what it pays for.
PURPOSE = ["validation", "benefits"]
OUTCOMES = {"pending": "queued", "active": "complete", "inactive": "complete",
            "rejected": "error", "error": "error"}
DISPOSITIONS = {"pending": "The payer is being asked.",
                "active": "The payer says the coverage is in force.",
                "inactive": "The payer says the coverage is not in force."}
# A phone verification: what the payer's representative said on a call.
BY_PHONE = {"active": "The payer said by phone that the coverage is in force.",
            "inactive": "The payer said by phone that the coverage is not in force."}
OUTCOME_ID = "outcome"
# Issue codes of payer faults a client may simply try again later.
TRANSIENT = frozenset({"PAYER_TIMEOUT", "PAYER_UNAVAILABLE", "PAYER_CIRCUIT_OPEN",
                       "PAYER_BUSY", "CHECK_ABANDONED", "PAYER_RESEND_TOO_SOON"})
PayerName = Callable[[str], str | None]


def request(check: EligibilityCheck, *, patient_id: uuid.UUID,
            payer_name: PayerName) -> CoverageEligibilityRequest:
    body: dict[str, Any] = {
        "resourceType": "CoverageEligibilityRequest", "id": str(check.id),
        "status": "active", "purpose": PURPOSE,
        "patient": {"reference": f"Patient/{patient_id}"},
        "created": check.started_at.isoformat(),
        "insurer": payor(check.payer, payer_name),
        "provider": {"identifier": {"system": NPI_SYSTEM, "value": check.provider_npi}},
        "insurance": [{"focal": True, "coverage": {"reference": f"Coverage/{check.coverage_id}"}}],
        "item": [{"category": concept(SERVICE_TYPE_SYSTEM, code, SERVICE_TYPE_NAMES.get(code))}
                 for code in check.service_types.split(",")],
    }
    if check.service_date is not None:
        body["servicedDate"] = check.service_date.isoformat()
    return CoverageEligibilityRequest.model_validate(body)


def response(check: EligibilityCheck, *, patient_id: uuid.UUID,
             payer_name: PayerName) -> CoverageEligibilityResponse:
    created = (check.checked_at or check.started_at).isoformat()
    body: dict[str, Any] = {
        "resourceType": "CoverageEligibilityResponse", "id": str(check.id),
        "meta": {"lastUpdated": created},
        "status": "active", "purpose": PURPOSE,
        "patient": {"reference": f"Patient/{patient_id}"},
        "created": created,
        "request": {"reference": f"CoverageEligibilityRequest/{check.id}"},
        "outcome": OUTCOMES[check.status],
        "insurer": payor(check.route or check.payer, payer_name),
        "insurance": [_insurance(check)],
    }
    if check.service_date is not None:
        body["servicedDate"] = check.service_date.isoformat()
    issues = _issues(check)
    if issues:
        body["error"] = [{"code": issue.details} for issue in issues]
        body["disposition"] = " ".join(issue.text for issue in issues)
        body["contained"] = [outcome(issues, resource_id=OUTCOME_ID).model_dump(
            mode="json", exclude_none=True)]
        body["extension"] = [{"url": OUTCOME_EXTENSION,
                              "valueReference": {"reference": f"#{OUTCOME_ID}"}}]
    else:
        body["disposition"] = (BY_PHONE if check.source == "phone" else DISPOSITIONS)[
            check.status]
    # A check made in this process before it was stored has no source yet: the payer's.
    body.setdefault("extension", []).append(
        {"url": SOURCE_EXTENSION, "valueCode": check.source or "payer"})
    return CoverageEligibilityResponse.model_validate(body)


def _insurance(check: EligibilityCheck) -> dict[str, Any]:
    found: dict[str, Any] = {"coverage": {"reference": f"Coverage/{check.coverage_id}"}}
    summary = check.summary or {}
    if check.status in ("active", "inactive"):
        found["inforce"] = check.status == "active"
        plan = summary.get("plan") or {}
        period = {k: plan[v] for k, v in (("start", "begin"), ("end", "end")) if plan.get(v)}
        if period:
            found["benefitPeriod"] = period
        benefits = items(summary, service_types=check.service_types,
                         network=check.network_status, provider_npi=check.provider_npi)
        if benefits:
            found["item"] = benefits
    return found


def _issues(check: EligibilityCheck) -> list[Issue]:
    """The payer's rejections, each with its next step, or the fault that left no answer."""
    if check.status == "rejected":
        summary = check.summary or {}
        return [Issue(code="transient" if r.get("retryable") else "processing",
                      text=r["action"],
                      details=concept(REJECT_REASON_SYSTEM, str(r["code"]), r.get("description"),
                                      text=r["action"]))
                for r in with_actions(summary.get("rejections") or [])]
    if check.status == "error" and check.error_code:
        text = ERROR_MESSAGES.get(check.error_code, check.error_message or "The check failed.")
        code = "transient" if check.error_code in TRANSIENT else "exception"
        return [Issue(code=code, text=text,
                      details=concept(CHECK_ERROR_SYSTEM, check.error_code, text=text))]
    return []
