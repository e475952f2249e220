"""Our patients and coverages as FHIR R4B Patient and Coverage resources."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fhir.resources.R4B.coverage import Coverage as FhirCoverage
from fhir.resources.R4B.patient import Patient as FhirPatient

from service.db.models import Coverage, Patient
from service.fhir.codes import (
    COVERAGE_CLASS_SYSTEM,
    GENDER_TO_FHIR,
    IDENTIFIER_TYPE_SYSTEM,
    ORDER,
    PAYER_SYSTEM,
    RELATIONSHIP_SYSTEM,
    RELATIONSHIP_TO_FHIR,
    concept,
)

SUBSCRIBER = "subscriber"  # the contained RelatedPerson of a dependent's Coverage


def given(first_name: str | None) -> dict[str, Any]:
    return {"given": [first_name]} if first_name else {}


def meta(record: Patient | Coverage) -> dict[str, Any]:
    return {"versionId": str(record.version), "lastUpdated": record.updated_at.isoformat()}


def patient(record: Patient) -> FhirPatient:
    """Identifier: the EHR's external id (type MR), when the patient has one."""
    body: dict[str, Any] = {
        "resourceType": "Patient", "id": str(record.id), "meta": meta(record),
        "name": [{"family": record.last_name, **given(record.first_name)}],
        "gender": GENDER_TO_FHIR.get(record.gender, "unknown"),
        "birthDate": record.birth_date.isoformat(),
    }
    if record.external_id:
        body["identifier"] = [{"use": "usual", "type": concept(IDENTIFIER_TYPE_SYSTEM, "MR"),
                               "value": record.external_id}]
    return FhirPatient.model_validate(body)


def payor(payer: str, payer_name: Callable[[str], str | None]) -> dict[str, Any]:
    """A payer of the directory, by its id (we serve no Organization resources)."""
    found: dict[str, Any] = {"identifier": {"system": PAYER_SYSTEM, "value": payer}}
    name = payer_name(payer)
    if name:
        found["display"] = name
    return found


def coverage(record: Coverage, payer_name: Callable[[str], str | None]) -> FhirCoverage:
    """The card as FHIR has it: the member id as identifier (type MB) and subscriberId; a
    dependent's subscriber as a contained RelatedPerson."""
    body: dict[str, Any] = {
        "resourceType": "Coverage", "id": str(record.id), "meta": meta(record),
        "status": "active" if record.end_date is None else "cancelled",
        "identifier": [{"type": concept(IDENTIFIER_TYPE_SYSTEM, "MB"),
                        "value": record.member_id}],
        "subscriberId": record.subscriber_member_id or record.member_id,
        "beneficiary": {"reference": f"Patient/{record.patient_id}"},
        "relationship": concept(RELATIONSHIP_SYSTEM,
                                RELATIONSHIP_TO_FHIR.get(record.relationship, "other")),
        "payor": [payor(record.payer, payer_name)],
        "order": ORDER.get(record.priority, 1),
        "network": record.network_status,
    }
    if record.end_date is not None:
        body["period"] = {"end": record.end_date.isoformat()}
    if record.group_number:
        body["class"] = [{"type": concept(COVERAGE_CLASS_SYSTEM, "group"),
                          "value": record.group_number}]
    if record.relationship == "self":
        body["subscriber"] = {"reference": f"Patient/{record.patient_id}"}
    elif record.subscriber_last_name:
        body["subscriber"] = {"reference": f"#{SUBSCRIBER}"}
        related: dict[str, Any] = {
            "resourceType": "RelatedPerson", "id": SUBSCRIBER,
            "patient": {"reference": f"Patient/{record.patient_id}"},
            "name": [{"family": record.subscriber_last_name,
                      **given(record.subscriber_first_name)}],
            "gender": GENDER_TO_FHIR.get(record.subscriber_gender or "U", "unknown"),
        }
        if record.subscriber_birth_date is not None:
            related["birthDate"] = record.subscriber_birth_date.isoformat()
        body["contained"] = [related]
    return FhirCoverage.model_validate(body)
