"""The OpenAPI document is valid, describes every endpoint, and /docs renders it offline."""

import re

from openapi_spec_validator import validate

UNDOCUMENTED = {"/openapi.json", "/docs", "/docs/assets/<path:filename>", "/static/<path:filename>"}
# The front desk web app's HTML pages (/ and /app/...) are not part of the JSON API, and the
# FHIR facade (/fhir) is described by its own CapabilityStatement (GET /fhir/metadata,
# docs/fhir.md), its answers checked by fhir.resources in tests/api/test_fhir_*.py.
WEB_APP_ENDPOINTS = ("ui.", "root", "fhir.")
# CDS Hooks describes itself (GET /cds-services, docs/cds-hooks.md), outside the /v1 document.
OWN_PROTOCOL_ENDPOINTS = ("cds.",)


def test_the_openapi_document_is_valid_openapi_3(client):
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_every_route_of_the_app_is_described(app, client):
    spec = client.get("/openapi.json").json
    documented = {
        (path, method.upper()) for path, ops in spec["paths"].items() for method in ops
        if method in {"get", "post", "patch", "put", "delete"}
    }
    for rule in app.url_map.iter_rules():
        if rule.rule in UNDOCUMENTED or rule.endpoint.startswith(
                WEB_APP_ENDPOINTS + OWN_PROTOCOL_ENDPOINTS):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} is not in /openapi.json"


def test_api_operations_require_the_bearer_scheme_and_ops_do_not(client):
    spec = client.get("/openapi.json").json
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/healthz"]["get"]["security"] == []


def test_docs_page_renders_swagger_ui_from_local_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/openapi.json" in html and "/docs/assets/swagger-ui-bundle.js" in html
    asset = client.get("/docs/assets/swagger-ui-bundle.js")
    size = len(asset.data)
    asset.close()
    assert asset.status_code == 200 and size > 100_000


def test_a_live_check_documents_its_async_answer_and_its_refusal(client):
    operation = client.get("/openapi.json").json["paths"]["/v1/eligibility-checks"]["post"]
    responses = operation["responses"]
    assert {"200", "201", "202", "409", "429"} <= set(responses)
    assert {"Location", "Preference-Applied"} <= set(responses["202"]["headers"])
    assert "Retry-After" in responses["409"]["headers"]
    assert "PAYER_RESEND_TOO_SOON" in responses["409"]["description"]
    headers = [p["name"] for p in operation["parameters"] if p.get("in") == "header"]
    assert headers == ["Prefer"]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in operation["parameters"]
    assert "blocks" in operation["description"]
