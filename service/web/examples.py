"""Examples of the main request and response bodies, shown in /openapi.json (synthetic people)."""

from __future__ import annotations

from typing import Any

from werkzeug.http import HTTP_STATUS_CODES

from schemas.errors import ERROR_BY_STATUS
from service.web.errors import MESSAGES

PATIENT_ID = "6c1e2f3a-4b5d-4e6f-8a7b-9c0d1e2f3a4b"
COVERAGE_ID = "0b7e6d5c-4a3b-4c2d-9e1f-0a1b2c3d4e5f"
CHECK_ID = "1d2e3f4a-5b6c-4d7e-8f90-a1b2c3d4e5f6"
AUTH_ID = "2e3f4a5b-6c7d-4e8f-9a01-b2c3d4e5f6a7"
VISIT_ID = "3f4a5b6c-7d8e-4f90-a1b2-c3d4e5f6a7b8"
AT = "2026-03-02T15:04:05+00:00"
NPI = "1234567893"

PATIENT_IN = {"first_name": "Avery", "last_name": "Quill", "birth_date": "1990-04-12",
              "gender": "F", "external_id": "EHR-1042"}
COVERAGE_IN = {"payer": "sandbox", "member_id": "SBX100200", "group_number": "G-77",
               "relationship": "self", "priority": "primary", "network_status": "in"}
AMOUNTS = {"total": "1500.00", "remaining": "1125.00", "level": "individual",
           "family": {"total": "3000.00", "remaining": "2600.00"}}
COST_SHARE = {"copay": "25.00", "coinsurance": "0.20", "deductible": AMOUNTS,
              "out_of_pocket": {"total": "6000.00", "remaining": "5400.00",
                                "level": "individual", "family": None},
              "tiers": []}
SUMMARY = {
    "active": True,
    "plan": {"name": "Sandbox PPO", "group_number": "G-77", "begin": "2026-01-01",
             "end": "2026-12-31", "eligibility_end": None},
    "in_network": COST_SHARE,
    "out_of_network": {**COST_SHARE, "copay": None, "coinsurance": "0.40"},
    "visit_limit": {"total": "30", "remaining": "24", "period": "Calendar Year"},
    "auth_required": False, "carve_out": None, "messages": [], "rejections": [],
    "telehealth": {"copay": "0.00", "coinsurance": None, "places": ["02", "10"]},
    "provider_network": {"status": "unknown", "evidence": None}, "other_coverage": [],
    "mh_benefits_reported": True,
}
VERDICT: dict[str, Any] = {"status": "covered", "authorization_id": None, "reasons": []}

EXAMPLES: dict[str, Any] = {
    "PatientIn": PATIENT_IN,
    "PatientOut": {"id": PATIENT_ID, **PATIENT_IN, "created_at": AT, "updated_at": AT},
    "CoverageIn": COVERAGE_IN,
    "CoverageOut": {"id": COVERAGE_ID, "patient_id": PATIENT_ID, **COVERAGE_IN,
                    "subscriber": None, "status": "active", "end_date": None,
                    "created_at": AT, "updated_at": AT},
    "CheckIn": {"coverage_id": COVERAGE_ID, "service_types": ["MH"],
                "service_date": "2026-03-02"},
    "CheckOut": {
        "id": CHECK_ID, "coverage_id": COVERAGE_ID, "payer": "sandbox", "route": "sandbox",
        "routes_tried": ["sandbox"], "status": "active", "reused": False,
        "service_types": ["MH"], "service_date": "2026-03-02", "provider_npi": NPI,
        "network_status": "in", "started_at": AT, "checked_at": AT, "elapsed_ms": 412.0,
        "summary": SUMMARY, "rejections": [], "error": None, "carve_out_check_id": None,
        "carve_out_of_id": None, "question": None, "source": "payer", "phone_call": None,
    },
    "ManualVerificationIn": {
        "verified_at": AT, "rep_name": "Dana", "reference": "CALL-77120", "active": True,
        "plan_begin": "2026-01-01", "plan_end": "2026-12-31", "copay": "30.00",
        "coinsurance": "0.20", "deductible": "500.00", "deductible_remaining": "120.00",
        "out_of_pocket": "3000.00", "out_of_pocket_remaining": "2500.00", "visit_limit": 30,
        "visits_remaining": 24, "auth_required": False, "notes": None},
    "AuthorizationIn": {"coverage_id": COVERAGE_ID, "number": "PA-5531", "unit": "visit",
                        "quantity": 12, "start_date": "2026-03-01", "end_date": "2026-08-31",
                        "codes": ["90837"], "status": "approved"},
    "VisitIn": {"coverage_id": COVERAGE_ID, "date": "2026-03-09", "code": "90837",
                "minutes": 53, "external_id": "APPT-881", "status": "scheduled"},
    "VisitOut": {"id": VISIT_ID, "coverage_id": COVERAGE_ID, "external_id": "APPT-881",
                 "date": "2026-03-09", "code": "90837", "minutes": 53, "provider_npi": None,
                 "status": "scheduled", "authorization_id": AUTH_ID, "units": 1,
                 "verdict": {**VERDICT, "authorization_id": AUTH_ID}},
    "CheckVerdictOut": {**VERDICT, "estimate": {
        "amount": "25.00", "basis": "copay", "allowed_amount": "140.00", "assumptions": []}},
    "ForecastIn": {"coverage_id": COVERAGE_ID, "code": "90837", "first_date": "2026-03-09",
                   "every_days": 7, "count": 2},
    "ForecastOut": {"first_uncovered": None, "visits": [
        {**VERDICT, "date": "2026-03-09"}, {**VERDICT, "date": "2026-03-16"}]},
    **{f"Error{status}": {"code": status, "status": HTTP_STATUS_CODES[status],
                          "error": code, "message": MESSAGES.get(status, "Error.")}
       for status, code in ERROR_BY_STATUS.items()},
}
EXAMPLES["Error422"]["errors"] = {"birth_date": ["Birth date cannot be in the future."]}
EXAMPLES["Error"] = EXAMPLES["Error422"]
