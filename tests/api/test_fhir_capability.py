"""GET /fhir/metadata: a CapabilityStatement that parses and is true — every interaction and
search parameter it names works, and nothing it leaves out is accepted."""

from __future__ import annotations

import uuid

import pytest

from tests.support.builders import bearer, new_practice
from tests.support.fhir import issues, parsed

SOME_ID = str(uuid.UUID(int=7))
# A value of each search parameter type the statement may name.
VALUES = {"token": "ZX-1", "date": "2026-11-02"}


@pytest.fixture
def key(app) -> str:
    return new_practice(app)[1]


@pytest.fixture
def statement(client):
    return parsed(client.get("/fhir/metadata"), "CapabilityStatement")


def reference_to(name: str) -> str:
    return {"request": f"CoverageEligibilityRequest/{SOME_ID}", "payor": "sandbox"}.get(
        name, f"Patient/{SOME_ID}")


def test_the_statement_needs_no_key_and_names_what_is_served(statement):
    rest = statement.rest[0]
    served = {r.type: sorted(i.code for i in r.interaction) for r in rest.resource}
    assert served == {"Patient": ["read", "search-type"], "Coverage": ["read", "search-type"],
                      "CoverageEligibilityResponse": ["read", "search-type"],
                      "CoverageEligibilityRequest": ["read"]}
    operations = {(r.type, o.name) for r in rest.resource for o in r.operation or []}
    assert operations == {("CoverageEligibilityRequest", "submit")}
    assert "Bearer" in rest.security.description
    assert statement.fhirVersion == "4.3.0" and "json" in statement.format


def test_every_search_parameter_it_names_is_accepted(client, key, statement):
    for resource in statement.rest[0].resource:
        for param in resource.searchParam or []:
            value = VALUES.get(param.type) or reference_to(param.name)
            response = client.get(f"/fhir/{resource.type}", query_string={param.name: value},
                                  headers=bearer(key))
            assert response.status_code == 200, (resource.type, param.name, response.json)
            assert parsed(response, "Bundle").type == "searchset"


def test_a_parameter_it_does_not_name_is_refused(client, key, statement):
    for resource in statement.rest[0].resource:
        if resource.searchParam:
            names = {p.name for p in resource.searchParam}
            unnamed = next(n for n in ("name", "status", "_id", "created") if n not in names)
            response = client.get(f"/fhir/{resource.type}", query_string={unnamed: "x"},
                                  headers=bearer(key))
            assert issues(response, 400)[0].code == "invalid"


def test_every_read_it_names_answers_for_an_id(client, key, statement):
    for resource in statement.rest[0].resource:
        response = client.get(f"/fhir/{resource.type}/{SOME_ID}", headers=bearer(key))
        assert issues(response, 404)[0].code == "not-found"


def test_interactions_it_leaves_out_are_not_served(client, key):
    for method in ("put", "delete", "patch"):
        response = getattr(client, method)(f"/fhir/Patient/{SOME_ID}", headers=bearer(key),
                                           data="{}", content_type="application/fhir+json")
        assert response.status_code in (404, 405)
        parsed(response, "OperationOutcome")
    create = client.post("/fhir/Patient", data="{}", headers=bearer(key),
                         content_type="application/fhir+json")
    assert create.status_code in (404, 405)
    parsed(create, "OperationOutcome")


def test_json_is_the_one_format_served(client, key, statement):
    assert statement.format == ["json", "application/fhir+json"]
    asked_json = client.get("/fhir/Patient", query_string={"_format": "json"},
                            headers={**bearer(key), "Accept": "application/fhir+json"})
    assert parsed(asked_json, "Bundle").type == "searchset"
    for headers, query in (({"Accept": "application/fhir+xml"}, {}),
                           ({}, {"_format": "xml"})):
        refused = client.get("/fhir/Patient", query_string=query,
                             headers={**bearer(key), **headers})
        assert issues(refused, 406)[0].code == "not-supported"
