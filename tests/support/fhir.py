"""FHIR test helpers: every answer parsed by fhir.resources' R4B models, request builders."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from flask import Flask
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from payers.adapters.sandbox.server import SimulatedPayerApp
from payers.directory import parse_directory
from service import create_app
from tests.support.builders import bearer
from tests.support.people import Person

FHIR_JSON = "application/fhir+json"
SERVICE_TYPES = "https://codesystem.x12.org/005010/1365"


def parsed(response: TestResponse, kind: str) -> Any:
    """The body as its R4B model (a failed parse fails the test), after checking it is
    FHIR JSON of resource type `kind`."""
    assert response.mimetype == FHIR_JSON, response.get_data(as_text=True)[:300]
    body = response.get_json(force=True)
    assert body["resourceType"] == kind, body
    return get_fhir_model_class(kind).model_validate(body)


def issues(response: TestResponse, status: int) -> list[Any]:
    """The issues of an OperationOutcome answered with `status`."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return list(parsed(response, "OperationOutcome").issue)


def fhir_headers(key: str) -> dict[str, str]:
    return {**bearer(key), "Content-Type": FHIR_JSON}


def contained_patient(person: Person, external_id: str, local_id: str = "pat") -> dict[str, Any]:
    return {"resourceType": "Patient", "id": local_id,
            "identifier": [{"system": "urn:ehr:mrn", "value": external_id}],
            "name": [{"family": person.last_name, "given": [person.first_name]}],
            "gender": {"F": "female", "M": "male"}.get(person.gender, "unknown"),
            "birthDate": person.birth_date}


def contained_coverage(member_id: str, payer: str, local_id: str = "cov",
                       beneficiary: str = "#pat") -> dict[str, Any]:
    return {"resourceType": "Coverage", "id": local_id, "status": "active",
            "beneficiary": {"reference": beneficiary},
            "payor": [{"identifier": {"system": "urn:coverwatch:payer", "value": payer}}],
            "subscriberId": member_id,
            "relationship": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                "code": "self"}]}}


def eligibility_request(coverage: str, *, patient: str = "#pat",
                        contained: list[dict[str, Any]] | None = None,
                        purpose: tuple[str, ...] = ("benefits", "validation"),
                        service_types: tuple[str, ...] = ("MH",),
                        **extra: Any) -> dict[str, Any]:
    """A CoverageEligibilityRequest for `coverage` (Coverage/<id> or #<contained id>)."""
    body: dict[str, Any] = {
        "resourceType": "CoverageEligibilityRequest", "status": "active",
        "purpose": list(purpose), "patient": {"reference": patient},
        "created": "2026-11-02", "insurer": {"display": "The coverage's payer"},
        "insurance": [{"focal": True, "coverage": {"reference": coverage}}],
        "item": [{"category": {"coding": [{"system": SERVICE_TYPES, "code": code}]}}
                 for code in service_types],
        **extra,
    }
    if contained:
        body["contained"] = contained
    return body


@contextlib.contextmanager
def app_with_served_payer(db_url: str, clock: Callable[[], datetime]) -> Iterator[Flask]:
    """The app, its payer `sandbox` the simulated payer served over HTTP as a CORE SOAP
    endpoint with a 1 s timeout; the payer's "no answer" lasts 1.5 s."""
    payer = SimulatedPayerApp(sleep=lambda seconds: time.sleep(min(seconds, 1.5)))
    server = make_server("127.0.0.1", 0, payer, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    directory = parse_directory({"payers": [
        {"id": "sandbox", "name": "Sandbox Health Plan", "payer_id": "SANDBOX01",
         "adapter": "core-soap", "url": f"http://127.0.0.1:{server.port}/core",
         "username": "cw-user", "password": "cw-secret", "timeout_s": 1}]})
    application = create_app({"database_url": db_url, "log_level": "DEBUG"}, payers=directory,
                             clock=clock)
    try:
        yield application
    finally:
        application.extensions["coverwatch"].dispose()
        server.shutdown()
        server.server_close()
