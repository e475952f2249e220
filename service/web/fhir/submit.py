"""POST /fhir/CoverageEligibilityRequest/$submit: a live check, answered as a
CoverageEligibilityResponse. The check runs as POST /v1/eligibility-checks runs it
(service/web/eligibility.py live_check); the request's own fields are held to the same
schemas as /v1's (patients, coverages, checks), their messages placed by FHIRPath."""

from __future__ import annotations

import json
from typing import Any

import marshmallow as ma
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest
from flask import Response, abort, request
from pydantic import ValidationError

from schemas.coverages import CoverageIn
from schemas.eligibility import CheckIn
from schemas.patients import PatientIn
from service import logs
from service.domain.errors import InvalidInput
from service.fhir import eligibility, reads, submission
from service.fhir.outcomes import Issue
from service.fhir.submit import coverage_for
from service.web.auth import current_caller, require
from service.web.eligibility import live_check
from service.web.fhir.blueprint import JSON_TYPES, answer, bp, payer_name
from service.web.fhir.errors import Malformed
from service.wiring import current_wiring

ROOT = submission.ROOT
QUESTION_PATHS = {"service_types": f"{ROOT}.item", "service_date": f"{ROOT}.servicedDate",
                  "provider_npi": f"{ROOT}.provider", "coverage_id": f"{ROOT}.insurance[0]"}


@bp.route("/CoverageEligibilityRequest/$submit", methods=["POST"])
@require("write")
def submit() -> Response:
    resource = _parsed()
    asked = submission.read(resource)
    coverage_id = asked.coverage_id
    if asked.contained is not None:
        coverage_id = _contained(asked.contained)
    question = _load(CheckIn(), {
        "coverage_id": str(coverage_id), "service_date": _iso(asked.service_date),
        "service_types": list(asked.service_types) if asked.service_types else None,
        "provider_npi": asked.provider_npi,
    }, QUESTION_PATHS)
    check = live_check(question).check
    wiring = current_wiring()
    owner = reads.patients_of(uow=wiring.uow(), caller=current_caller(),
                              coverage_ids=[check.coverage_id])[check.coverage_id]
    return answer(eligibility.response(check, patient_id=owner, payer_name=payer_name))


def _parsed() -> CoverageEligibilityRequest:
    """The body as an R4B CoverageEligibilityRequest; 400 naming each place it fails."""
    if request.mimetype not in JSON_TYPES:
        abort(415)
    try:
        body = json.loads(request.get_data() or b"null")
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict) or body.get("resourceType") != ROOT:
        raise Malformed([Issue(code="structure", text=f"Send one {ROOT} resource as JSON.")])
    try:
        return CoverageEligibilityRequest.model_validate(body)
    except ValidationError as error:
        raise Malformed([_issue(detail) for detail in error.errors()]) from error


def _issue(detail: Any) -> Issue:
    path = ROOT + "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                          for part in detail["loc"])
    text = str(detail["msg"])
    value = detail.get("input")
    if isinstance(value, str | int | float) and str(value) and str(value) in text:
        # The message must not repeat what was sent: it may be a name or a member id.
        text = text.replace(str(value), "[value]")
    return Issue(code="structure" if detail["type"] == "extra_forbidden" else "value",
                 text=text, expression=path)


def _contained(found: submission.Contained) -> Any:
    """The contained coverage (and patient), held to /v1's schemas, matched or created."""
    wiring = current_wiring()
    patient: Any = found.patient_id
    if found.patient is not None:
        patient = _load(PatientIn(), found.patient,
                        {name: f"{found.patient_path}.{path}"
                         for name, path in submission.PERSON_PATHS.items()})
    paths = {name: f"{found.coverage_path}.{path}"
             for name, path in submission.COVERAGE_PATHS.items()}
    card = _load(CoverageIn(), found.coverage, paths)
    try:
        return coverage_for(uow=wiring.uow, clock=wiring.clock, caller=current_caller(),
                            patient=patient, card=card, payer_ids=wiring.payers.ids())
    except InvalidInput as error:
        # The rules past the schema (a payer of the directory) name our fields too.
        raise InvalidInput({paths.get(name, name): messages
                            for name, messages in error.errors.items()},
                           reason=error.reason) from error


def _load(schema: ma.Schema, data: dict[str, Any], paths: dict[str, str]) -> dict[str, Any]:
    """`data` loaded by a /v1 schema; its field messages placed at `paths`."""
    try:
        loaded: dict[str, Any] = schema.load({k: v for k, v in data.items() if v is not None})
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        raise InvalidInput({paths.get(name, ROOT): _flat(name, found)
                            for name, found in messages.items()}) from error
    logs.remember_phi(loaded)
    return loaded


def _flat(name: str, messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [f"{field}: {text}" for field, texts in messages.items()
                for text in _flat(field, texts)]
    return [str(text) for text in messages] if isinstance(messages, list) else [str(messages)]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
