"""What a field means wherever it appears (request, answer, change), described once."""

from __future__ import annotations

# The OpenAPI document gives a field this description unless the field carries its own
# (metadata["description"]), which wins: a name below means the same in every schema.
DESCRIPTIONS: dict[str, str] = {
    # Ids and times
    "id": "The record's id (a UUID); the path of its own URL",
    "coverage_id": "The coverage's id (a UUID) within the caller's practice",
    "patient_id": "The patient's id (a UUID) within the caller's practice",
    "check_id": "The eligibility check's id (a UUID)",
    "previous_check_id": "The earlier check (a UUID) this one is compared with",
    "run_id": "The run's id (a UUID)",
    "created_at": "When the record was created (ISO 8601, UTC)",
    "updated_at": "When the record last changed (ISO 8601, UTC); what updated_since compares",
    "at": "When it happened (ISO 8601, UTC)",
    "actor": "Who did it: api_key:<id>, user:<id> or cli:<command>",
    "request_id": "X-Request-ID of the request that did it; null when it came from no request",
    "items": "This page's rows, in the list's order",
    # People and coverages
    "first_name": "First name, as on the insurance card",
    "last_name": "Last name, as on the insurance card",
    "birth_date": "Date of birth (YYYY-MM-DD), not in the future, 1900 or later",
    "member_id": "The member id on the insurance card",
    "group_number": "The plan's group number; null when there is none or none was stated",
    "relationship": "The patient's relationship to the subscriber (the policy holder): self "
                    "when the patient holds the plan",
    "subscriber": "The policy holder when it is not the patient; null when relationship is "
                  "self",
    "priority": "primary or secondary: which plan pays first",
    "network_status": "Whether the practice is in or out of the plan's network: which of the "
                      "plan's cost shares apply",
    "payer": "The payer's id in the directory (GET /v1/payers)",
    "external_id": "The caller's own id for the record (e.g. the EHR's); null when none was "
                   "given",
    # Visits and authorizations
    "code": "The CPT or HCPCS code of the service (e.g. 90837)",
    "codes": "CPT or HCPCS codes the authorization covers; empty: any mental-health service",
    "minutes": "The session's length in minutes; null when not known (a unit-based "
               "authorization then counts 1 unit)",
    "provider_npi": "The rendering provider's NPI (10 digits); null: the practice's billing NPI",
    "number": "The authorization number the payer gave (letters, digits and -)",
    "unit": "visit: quantity counts visits; unit: quantity counts time units of "
            "minutes_per_unit minutes",
    "quantity": "How many visits or units (as `unit` says) the payer approved",
    "minutes_per_unit": "Minutes in one unit of a unit-based authorization (e.g. 15); null "
                        "for visit-based ones",
    "start_date": "First day the authorization covers (YYYY-MM-DD)",
    "end_date": "Last day the authorization covers, inclusive (YYYY-MM-DD)",
    "used": "Visits or units drawn by completed visits (and, as the practice's counting "
            "settings say, late cancellations and no-shows)",
    "reserved": "Visits or units held by scheduled visits",
    "history": "Every change made to the record, oldest first",
    "authorization_id": "The authorization the visit draws on; null when none fits",
    "reasons": "Why the verdict is what it is, the most severe first",
    "date": "The visit's date (YYYY-MM-DD)",
    "units": "Units the visit draws from a unit-based authorization (1 for a visit-based one)",
    "verdict": "Whether insurance covers the visit, as last worked out; null for a visit "
               "cancelled, missed or deleted",
    "estimate": "What the client would owe for the visit, from the latest eligibility answer",
    "assumptions": "What the estimate assumes, in sentences for a person",
    "message": "A sentence for a person: its wording may change, so programs read the code "
               "or kind beside it",
    "changes": "The fields changed: each name with its value before (and after) the change",
    # Checks
    "service_types": "X12 service type codes (EQ01) asked, e.g. MH, A6",
    "service_date": "The date of service asked about (YYYY-MM-DD); null: the day of the check",
    # Practice settings
    "scheduled_reserves": "Whether a scheduled visit holds a unit of its authorization",
    "late_cancel_uses": "Whether a late cancellation uses a unit of its authorization",
    "no_show_uses": "Whether a no-show uses a unit of its authorization",
    "unverified_days": "Days after which an eligibility answer is too old to rely on: a "
                       "visit's verdict then warns",
    "auth_low_threshold": "Visits or units remaining at or below which a verdict warns and an "
                          "auth_low alert is raised",
    "auth_expiring_days": "Days before an authorization's end_date from which a verdict warns "
                          "and an auth_expiring alert is raised",
    "visit_limit_low_threshold": "Visits remaining under the plan's limit (after the visit) at "
                                 "or below which a verdict warns (VISIT_LIMIT_LOW)",
    "counting": "Which visit statuses hold or use an authorization's units",
    "thresholds": "When alerts are raised",
}
