"""Builders for test data: practices with keys, patients and coverages through the API."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.practice import practices
from tests.support.people import PEOPLE, Person

VALID_NPIS = ("1234567893", "1245319599", "1003000126")


def new_practice(
    app: Flask, *, scopes: frozenset[str] = frozenset({"read", "write", "admin"}),
    name: str = "Northside Counseling", npi: str = VALID_NPIS[0],
) -> tuple[uuid.UUID, str]:
    wiring = app.extensions["coverwatch"]
    practice_id = practices.create_practice(uow=wiring.uow(), clock=wiring.clock, name=name,
                                            npi=npi)
    key = practices.create_api_key(uow=wiring.uow(), clock=wiring.clock,
                                   practice_id=practice_id, scopes=scopes)
    return practice_id, key


def new_key(app: Flask, practice_id: uuid.UUID, scopes: set[str]) -> str:
    wiring = app.extensions["coverwatch"]
    return practices.create_api_key(uow=wiring.uow(), clock=wiring.clock,
                                    practice_id=practice_id, scopes=frozenset(scopes))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def create_patient(
    client: FlaskClient, key: str, person: Person = PEOPLE[0], **extra: Any
) -> dict[str, Any]:
    response = client.post("/v1/patients", json=person.patient_json(**extra), headers=bearer(key))
    assert response.status_code in (200, 201), response.json
    return dict(response.json or {})


def create_coverage(
    client: FlaskClient, key: str, patient_id: str, person: Person = PEOPLE[0], **extra: Any
) -> dict[str, Any]:
    body = {"payer": "sandbox", "member_id": person.member_id, "relationship": "self", **extra}
    response = client.post(f"/v1/patients/{patient_id}/coverages", json=body,
                           headers=bearer(key))
    assert response.status_code == 201, response.json
    return dict(response.json or {})


def authorized_coverage(app: Flask, client: FlaskClient, *, number: str,
                        quantity: int) -> dict[str, Any]:
    """A practice, a patient whose coverage the sandbox payer says needs authorization for
    therapy (member ZZT0000003), its answered check, and one approved authorization for 90837
    through 2026."""
    practice_id, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id="ZZT0000003")
    checked = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                          headers=bearer(key))
    assert checked.json is not None and checked.json["status"] == "active"
    auth = client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage["id"], "number": number, "quantity": quantity,
        "start_date": "2026-11-01", "end_date": "2026-12-31", "codes": ["90837"]})
    assert auth.status_code == 201, auth.json
    return {"key": key, "practice_id": practice_id, "coverage_id": coverage["id"],
            "auth": auth.json}
