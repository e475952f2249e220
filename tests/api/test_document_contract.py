"""/openapi.json as a contract generated clients can build on: names, types, errors, headers."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import pytest

from payers.x12.codes import AaaReason, FollowUpAction
from schemas.errors import ERROR_CODES
from service import create_app
from tests.conftest import PAYERS_FILE
from tests.support.builders import (
    bearer,
    create_coverage,
    create_patient,
    new_key,
    new_practice,
)
from tests.support.openapi import CheckedClient, Document
from tests.support.people import PEOPLE

METHODS = ("get", "post", "put", "patch", "delete")
UNTYPED = {"type": "object", "nullable": True}


@pytest.fixture
def spec(client) -> dict[str, Any]:
    return client.get("/openapi.json").json


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in spec["paths"].items()
            for method, op in item.items() if method in METHODS]


def walk(node: Any, where: str = "") -> Any:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from walk(value, f"{where}/{n}")


def test_every_operation_has_its_own_operation_id(spec):
    ids = [op.get("operationId") for _, _, op in operations(spec)]
    assert None not in ids
    assert [name for name, n in Counter(ids).items() if n > 1] == []
    assert all(name[0].islower() and name.isalnum() for name in ids)


def test_no_schema_anywhere_has_an_untyped_branch(spec):
    untyped = [where for where, node in walk(spec) for key in ("anyOf", "oneOf", "allOf")
               if UNTYPED in node.get(key, [])]
    assert untyped == []


def test_a_nullable_object_is_all_of_its_schema_and_nullable(spec):
    summary = spec["components"]["schemas"]["CheckOut"]["properties"]["summary"]
    assert {k: v for k, v in summary.items() if k != "description"} == {
        "allOf": [{"$ref": "#/components/schemas/SummaryOut"}], "nullable": True}


def test_every_property_has_a_type_or_a_schema(spec):
    untyped = [f"{name}.{prop}" for name, schema in spec["components"]["schemas"].items()
               for prop, body in schema.get("properties", {}).items()
               if not {"type", "$ref", "allOf", "oneOf"} & set(body)]
    assert untyped == []


def test_every_property_is_described(spec):
    undescribed = [f"{name}.{prop}" for name, schema in spec["components"]["schemas"].items()
                   for prop, body in schema.get("properties", {}).items()
                   if not body.get("description", "").strip()]
    assert undescribed == []


def test_the_document_names_its_license_and_maintainers(spec):
    assert spec["info"]["license"]["name"] == "Apache-2.0"
    assert spec["info"]["contact"] == {"name": "Coverwatch maintainers"}


@pytest.mark.parametrize(("schema", "prop", "values"), [
    ("CheckOut", "status", {"pending", "active", "inactive", "rejected", "error"}),
    ("VisitOut", "status", {"scheduled", "completed", "cancelled", "late_cancelled", "no_show",
                              "deleted"}),
    ("VerdictOut", "status", {"covered", "at_risk", "not_covered"}),
    ("ReasonOut", "severity", {"block", "warn", "info"}),
    ("AuthorizationOut", "unit", {"visit", "unit"}),
    ("AuthorizationOut", "source", {"manual", "x12-278"}),
    ("CoverageOut", "network_status", {"in", "out"}),
    ("ReverificationRunOut", "mode", {"inline", "queue"}),
    ("Error", "error", set(ERROR_CODES)),
    ("RejectionOut", "code", {code.value for code in AaaReason}),
    ("RejectionOut", "follow_up", {code.value for code in FollowUpAction}),
    ("RejectionOut", "loop", {"2000A", "2000B", "2000C", "2000D", "2100A", "2100B", "2100C",
                              "2100D"}),
    ("VisitLimitOut", "period", {"Calendar Year", "Service Year", "Visit", "Lifetime"}),
    ("BenefitChangeOut", "field", {"status", "plan_begin", "plan_end", "copay", "coinsurance",
                                   "deductible", "deductible_remaining", "out_of_pocket",
                                   "out_of_pocket_remaining", "visit_limit",
                                   "visit_limit_remaining", "auth_required", "carve_out"}),
    ("ChangeOut", "action", {"create", "update", "from-278"}),
    ("VisitChangeOut", "action", {"create", "update", "status", "delete"}),
    ("AuditEventOut", "action", {"create", "read", "update", "delete", "revoke", "sign_in",
                                 "sign_in_failed", "sign_in_locked", "throttled", "locked",
                                 "unlock", "sign_out_all", "cob_check"}),
    ("AuditEventOut", "resource_type", {"patient", "coverage", "eligibility_check",
                                        "authorization", "visit", "alert", "reverification_run",
                                        "staff_user", "api_key", "cds_client"}),
    ("ApiKeyOut", "status", {"active", "revoked"}),
    ("HealthOut", "status", {"ok", "ready", "database unreachable"}),
])
def test_closed_sets_are_enums(spec, schema, prop, values):
    enum = set(spec["components"]["schemas"][schema]["properties"][prop]["enum"]) - {None}
    # A visit limit's period is any X12 time period: the common ones are checked to be there.
    assert enum >= values if prop == "period" else enum == values


def test_each_scope_of_a_key_is_from_the_closed_set(spec):
    scopes = spec["components"]["schemas"]["ApiKeyOut"]["properties"]["scopes"]
    assert set(scopes["items"]["enum"]) == {"read", "write", "admin"}


@pytest.mark.parametrize(("schema", "prop"), [
    ("CostShareOut", "copay"), ("CostShareOut", "coinsurance"), ("AmountsOut", "remaining"),
    ("EstimateOut", "amount"), ("EstimateOut", "allowed_amount"), ("FeeIn", "allowed_amount"),
    ("FeeOut", "allowed_amount"),
])
def test_money_and_rates_are_described_decimal_strings(spec, schema, prop):
    body = spec["components"]["schemas"][schema]["properties"][prop]
    assert (body["type"], body["format"]) == ("string", "decimal")
    assert "decimal string" in body["description"]


def test_every_operation_declares_the_errors_it_can_answer(spec):
    for path, method, op in operations(spec):
        declared = set(op["responses"])
        expected = {"500", "503"}
        if op.get("security") != []:
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in op:
            expected |= {"400", "413", "415", "422"}
        if method in ("patch", "delete"):
            expected.add("412")
        assert expected <= declared, f"{method} {path}: {sorted(expected - declared)}"
        assert "default" not in declared


@pytest.mark.parametrize(("source", "status", "targets", "parameter"), [
    ("createPatient", "201", {"getPatient", "updatePatient", "createCoverage"},
     "$response.body#/id"),
    ("createCoverage", "201", {"getCoverage", "createEligibilityCheck", "createAuthorization",
                               "createVisit", "checkVisit"}, "$response.body#/id"),
    ("createVisit", "201", {"getVisit", "updateVisit", "deleteVisit", "setVisitStatus",
                            "getVisitHistory"}, "$response.body#/id"),
    ("createEligibilityCheck", "201", {"getEligibilityCheck"}, "$response.body#/id"),
    ("createApiKey", "201", {"getApiKey", "revokeApiKey"}, "$response.body#/api_key/id"),
])
def test_a_create_links_to_the_operations_its_id_feeds(spec, source, status, targets, parameter):
    [operation] = [op for _, _, op in operations(spec) if op["operationId"] == source]
    links = operation["responses"][status]["links"]
    assert targets <= set(links)
    for target in targets:
        assert links[target]["operationId"] == target
        filled = {**links[target].get("parameters", {}), **links[target].get("requestBody", {})}
        assert list(filled.values()) == [parameter]


def test_every_link_names_an_operation_of_the_document(spec):
    ids = {op["operationId"] for _, _, op in operations(spec)}
    linked = {link["operationId"] for _, _, op in operations(spec)
              for response in op["responses"].values() if isinstance(response, dict)
              for link in response.get("links", {}).values()}
    assert linked and linked <= ids


def test_the_document_names_its_server(spec):
    assert spec["servers"] == [{"url": "/", "description": "The server that serves this document"}]


def test_each_operation_names_the_scope_it_needs(spec):
    operation = spec["paths"]["/v1/settings"]["put"]
    assert operation["x-scope"] == "admin" and operation["security"] == [{"bearerAuth": []}]
    assert "`admin` scope" in operation["description"]
    assert spec["paths"]["/v1/visits"]["post"]["x-scope"] == "write"


def test_headers_are_declared_by_rule(spec):
    header = "#/components/headers/{}".format
    create = spec["paths"]["/v1/visits"]["post"]
    assert create["responses"]["201"]["headers"]["Location"] == {"$ref": header("Location")}
    assert create["responses"]["201"]["headers"]["ETag"] == {"$ref": header("ETag")}
    read = spec["paths"]["/v1/visits/{visit_id}"]["get"]["responses"]["200"]["headers"]
    assert set(read) == {"X-Request-ID", "ETag"}
    patch = spec["paths"]["/v1/visits/{visit_id}"]["patch"]
    assert {"$ref": "#/components/parameters/IfMatch"} in patch["parameters"]
    limited = spec["components"]["responses"]["RateLimited"]["headers"]
    assert set(limited) == {"X-Request-ID", "Retry-After"}
    assert "X-Request-ID" in spec["components"]["responses"]["NotFound"]["headers"]


def test_the_examples_fit_their_schemas(spec):
    doc = Document(spec)
    examples = {name: schema["example"] for name, schema in spec["components"]["schemas"].items()
                if "example" in schema}
    assert {"PatientIn", "PatientOut", "CoverageOut", "CheckOut", "AuthorizationIn", "VisitOut",
            "CheckVerdictOut", "ForecastOut", "Error"} <= set(examples)
    for name, example in examples.items():
        assert doc.schema_errors(name, example) == [], name
    for response in spec["components"]["responses"].values():
        assert doc.schema_errors("Error", response["content"]["application/json"]["example"]) == []


def _revoke_the_last_admin_key(app, client, _key):
    _, admin = new_practice(app, name="Lakeview Therapy")
    [own] = client.get("/v1/api-keys", headers=bearer(admin)).json["items"]
    return client.post(f"/v1/api-keys/{own['id']}/revoke", headers=bearer(admin))


def _resend_too_soon(_app, client, key):
    # The sandbox payer never answers this member (a 1 s timeout): a resend within 90 s is
    # refused.
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], member_id="ZZT0000504")
    for _ in range(2):
        answer = client.post("/v1/eligibility-checks", headers=bearer(key),
                             json={"coverage_id": coverage["id"], "force": True})
    return answer


def _stale_if_match(_app, client, key):
    patient = create_patient(client, key, PEOPLE[0])
    return client.patch(f"/v1/patients/{patient['id']}", json={"first_name": "Rowan"},
                        headers={**bearer(key), "If-Match": '"stale"'})


def _unexpected(app, client, key):
    def explode():
        raise RuntimeError("boom")

    app.add_url_rule("/v1/boom", "boom", explode)
    return client.get("/v1/boom", headers=bearer(key))


@pytest.mark.parametrize(("make", "status", "error"), [
    (lambda a, c, k: c.post("/v1/patients", data="{", headers={
        **bearer(k), "Content-Type": "application/json"}), 400, "bad_request"),
    (lambda a, c, k: c.get("/v1/patients"), 401, "unauthorized"),
    (lambda a, c, k: c.get("/v1/audit-events", headers=bearer(k)), 403, "forbidden"),
    (lambda a, c, k: c.get(f"/v1/patients/{uuid.uuid4()}", headers=bearer(k)), 404,
     "not_found"),
    (lambda a, c, k: c.delete("/v1/patients", headers=bearer(k)), 405, "method_not_allowed"),
    (_revoke_the_last_admin_key, 409, "conflict"),
    (_resend_too_soon, 409, "payer_resend_too_soon"),
    (_stale_if_match, 412, "precondition_failed"),
    (lambda a, c, k: c.post("/v1/patients", data="x" * 5_000_000, headers={
        **bearer(k), "Content-Type": "application/json"}), 413, "payload_too_large"),
    (lambda a, c, k: c.post("/v1/patients", data="a=b", headers={
        **bearer(k), "Content-Type": "text/plain"}), 415, "unsupported_media_type"),
    (lambda a, c, k: c.post("/v1/patients", json={}, headers=bearer(k)), 422,
     "validation_failed"),
    (_unexpected, 500, "internal_error"),
])
def test_every_error_carries_its_stable_code(app, make, status, error):
    practice_id, _ = new_practice(app)
    key = new_key(app, practice_id, {"read", "write"})
    response = make(app, app.test_client(), key)
    assert (response.status_code, response.json["error"]) == (status, error)
    assert response.json["code"] == status


def test_a_rate_limited_check_carries_its_stable_code(db_url, clock):
    app = create_app({"database_url": db_url, "payers_file": PAYERS_FILE, "check_burst": 1,
                      "check_rate_per_minute": 1}, clock=clock)
    app.test_client_class = CheckedClient
    client = app.test_client()
    _, key = new_practice(app)
    coverage = create_coverage(client, key, create_patient(client, key, PEOPLE[0])["id"])
    answers = [client.post("/v1/eligibility-checks", headers=bearer(key),
                           json={"coverage_id": coverage["id"], "force": True})
               for _ in range(2)]
    app.extensions["coverwatch"].dispose()
    assert [a.status_code for a in answers] == [201, 429]
    assert (answers[1].json["error"], answers[1].json["code"]) == ("rate_limited", 429)


def test_a_database_out_of_reach_answers_503_with_its_stable_code(tmp_path, clock):
    # A database file in a directory that does not exist cannot be opened: every request
    # that needs it (authentication first) finds no database.
    app = create_app({"database_url": f"sqlite:///{tmp_path}/gone/coverwatch.db",
                      "payers_file": PAYERS_FILE}, clock=clock)
    app.test_client_class = CheckedClient
    response = app.test_client().get("/v1/patients", headers=bearer(
        "cw_4d39bfed5c63_6JxbV5ETq0nPp3kQ9wXy2bLr7uZa1cVd8eFg4hJk5mN"))
    app.extensions["coverwatch"].dispose()
    assert (response.status_code, response.json["error"], response.json["code"]) == (
        503, "unavailable", 503)
    assert response.headers["Retry-After"]
