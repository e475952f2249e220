"""The CDS services this deployment offers, as GET /cds-services lists them."""

from __future__ import annotations

from typing import Any

PATIENT = "Patient/{{context.patientId}}"
COVERAGE = "Coverage?patient={{context.patientId}}&status=active"
BOOKED = "Appointment?patient={{context.patientId}}&status=booked&_count=50"

SERVICES: dict[str, dict[str, Any]] = {
    "appointment-book": {
        "hook": "appointment-book",
        "id": "appointment-book",
        "title": "Insurance coverage of the appointments being booked",
        "description": "For each proposed appointment: covered (info, with the client's "
                       "estimated share), at risk (warning) or not covered (critical), with "
                       "the reasons - eligibility, authorizations, visit limits, CPT time "
                       "rules - and links to the client in Coverwatch.",
        "prefetch": {"patient": PATIENT, "coverage": COVERAGE},
        "usageRequirements": "Register the EHR's JWT issuer first: POST /v1/cds-clients.",
    },
    "patient-view": {
        "hook": "patient-view",
        "id": "patient-view",
        "title": "Insurance problems of the client's upcoming appointments",
        "description": "Cards for the client's booked appointments ahead that are at risk or "
                       "not covered, with the reasons.",
        "prefetch": {"patient": PATIENT, "coverage": COVERAGE, "appointments": BOOKED},
        "usageRequirements": "Register the EHR's JWT issuer first: POST /v1/cds-clients.",
    },
}


def discovery() -> dict[str, Any]:
    return {"services": list(SERVICES.values())}
