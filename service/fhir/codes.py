"""Code systems and value maps the FHIR facade writes and reads (docs/fhir.md lists them)."""

from __future__ import annotations

from typing import Any

# Identifier and code systems of our own: the directory's payer ids, our stored checks' error
# codes, the reasons of refusals. X12 code lists are named by their element number, as HL7's
# X12 code systems are.
PAYER_SYSTEM = "urn:coverwatch:payer"
CHECK_ERROR_SYSTEM = "urn:coverwatch:check-error"
REFUSAL_SYSTEM = "urn:coverwatch:error"  # why a request was refused (errors.reason in /v1)
SERVICE_TYPE_SYSTEM = "https://codesystem.x12.org/005010/1365"
REJECT_REASON_SYSTEM = "https://codesystem.x12.org/005010/901"
BENEFIT_CODE_SYSTEM = "https://codesystem.x12.org/005010/1390"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
IDENTIFIER_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
RELATIONSHIP_SYSTEM = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
BENEFIT_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/benefit-type"
NETWORK_SYSTEM = "http://terminology.hl7.org/CodeSystem/benefit-network"
UNIT_SYSTEM = "http://terminology.hl7.org/CodeSystem/benefit-unit"
TERM_SYSTEM = "http://terminology.hl7.org/CodeSystem/benefit-term"
COVERAGE_CLASS_SYSTEM = "http://terminology.hl7.org/CodeSystem/coverage-class"
# Where a CoverageEligibilityResponse names the OperationOutcome it contains.
OUTCOME_EXTENSION = "urn:coverwatch:fhir:operation-outcome"
# Where an answer came from (valueCode payer or phone), as the API's `source`.
SOURCE_EXTENSION = "urn:coverwatch:fhir:answer-source"

GENDER_TO_FHIR = {"M": "male", "F": "female", "U": "unknown"}
# FHIR's "other" has no X12 gender: the payer is told unknown.
GENDER_FROM_FHIR = {"male": "M", "female": "F", "unknown": "U", "other": "U"}
# Ours to FHIR's subscriber-relationship codes, and back (FHIR's finer codes are "other").
RELATIONSHIP_TO_FHIR = {"self": "self", "spouse": "spouse", "child": "child", "other": "other"}
RELATIONSHIP_FROM_FHIR = {"self": "self", "spouse": "spouse", "child": "child",
                          "common": "other", "parent": "other", "other": "other",
                          "injured": "other"}
# A Coverage's order: our priorities as FHIR's positive integers.
ORDER = {"primary": 1, "secondary": 2}
# The service type that names a mental-health benefit item, in the order the summary's
# service types take precedence (a check asks about several; the first asked names it).
MENTAL_HEALTH_TYPES = ("MH", "A6", "A8", "CF", "AI", "30")
SERVICE_TYPE_NAMES = {"MH": "Mental Health", "A6": "Psychotherapy",
                      "A8": "Psychiatric - Outpatient", "CF": "Mental Health Provider - "
                      "Outpatient", "AI": "Substance Abuse", "30": "Health Benefit Plan "
                      "Coverage"}


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str | None = None,
            text: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"coding": [coding(system, code, display)]}
    if text:
        found["text"] = text
    return found
