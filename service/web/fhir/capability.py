"""GET /fhir/metadata: the CapabilityStatement, naming only what this server does."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from flask import Response, url_for

from service.fhir.search import PARAMETERS
from service.web.fhir.blueprint import FHIR_JSON, answer, bp

# The day this statement last changed (FHIR requires a date).
STATEMENT_DATE = "2026-12-07"
SUBMIT_DEFINITION = "urn:coverwatch:fhir:OperationDefinition/CoverageEligibilityRequest-submit"
# Each search parameter's FHIR type, and what it matches here.
SEARCH_PARAMS: dict[str, tuple[str, str]] = {
    "identifier": ("token", "Patient: the EHR's id (external_id); Coverage: the member id. "
                            "Any system matches."),
    "subscriber-id": ("token", "The member id on the card. Prefer POST _search: a member id "
                               "in a URL may be logged by what lies between."),
    "patient": ("reference", "Patient/<id> or <id>"),
    "beneficiary": ("reference", "Patient/<id> or <id>"),
    "payor": ("reference", "A payer directory id (urn:coverwatch:payer|<id> or <id>)"),
    "request": ("reference", "CoverageEligibilityRequest/<id>: the check's id"),
    "created": ("date", "When the payer's answer was stored (eq, ge, gt, le, lt; twice "
                        "for a range)"),
}
READ_ONLY = ["CoverageEligibilityRequest"]


def _resource(kind: str) -> dict[str, Any]:
    searchable = kind in PARAMETERS
    found: dict[str, Any] = {
        "type": kind, "versioning": "no-version", "readHistory": False,
        "updateCreate": False, "conditionalCreate": False, "conditionalUpdate": False,
        "conditionalDelete": "not-supported",
        "interaction": [{"code": "read"}, *([{"code": "search-type"}] if searchable else [])],
    }
    if searchable:
        found["searchParam"] = [
            {"name": name, "type": SEARCH_PARAMS[name][0],
             "documentation": SEARCH_PARAMS[name][1]} for name in PARAMETERS[kind]]
    if kind == "CoverageEligibilityRequest":
        found["operation"] = [{"name": "submit", "definition": SUBMIT_DEFINITION,
                               "documentation": "Runs a live eligibility check and answers a "
                                                "CoverageEligibilityResponse (docs/fhir.md)."}]
    return found


def statement() -> CapabilityStatement:
    return CapabilityStatement.model_validate({
        "resourceType": "CapabilityStatement", "status": "active", "date": STATEMENT_DATE,
        "kind": "instance", "fhirVersion": "4.3.0", "format": ["json", FHIR_JSON],
        "software": {"name": "Coverwatch"},
        "implementation": {"description": "Coverwatch FHIR facade: coverages and live "
                                          "eligibility checks",
                           "url": url_for("fhir.metadata", _external=True).rsplit("/", 1)[0]},
        "rest": [{
            "mode": "server",
            "documentation": "Search results are paged: follow Bundle.link next. Unknown "
                             "search parameters are refused (400).",
            "security": {"cors": False, "description": (
                "Send 'Authorization: Bearer <API key>' (the /v1 API's keys): read scope "
                "for read and search, write scope for $submit. Each key sees its own "
                "practice's records only.")},
            "resource": [_resource(kind) for kind in (*PARAMETERS, *READ_ONLY)],
        }],
    })


@bp.route("/metadata", methods=["GET"])
def metadata() -> Response:
    """capabilities: open without a key, as FHIR clients expect before they authenticate."""
    return answer(statement())
