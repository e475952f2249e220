"""What the payer says beside the figures, end to end over HTTP: a CORE payer (on
pytest-httpserver) says the provider is out of network and names Medicare as primary; the
stored check, the verdict and the estimate all say so."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from pytest_httpserver import HTTPServer

from tests.integration.test_eligibility_http import ask
from tests.support.builders import bearer
from tests.support.payer_facts import OUT_OF_NETWORK, SAYS_MORE, service_with_route
from tests.support.scripted_payer import ScriptedPayer


@pytest.fixture
def app(db_url, clock, httpserver: HTTPServer):
    built = service_with_route(db_url, clock, httpserver.url_for("/core"))
    yield built
    built.extensions["coverwatch"].dispose()


def test_an_out_of_network_provider_and_another_payer_reach_the_verdict_and_the_estimate(
    app, httpserver: HTTPServer
):
    # Given a payer whose 271 says the provider is out of network and names Medicare
    payer = ScriptedPayer(default=[("benefits", SAYS_MORE)])
    httpserver.expect_request("/core", method="POST").respond_with_handler(payer)
    # When the coverage, booked in network, is checked
    response, _, client, key = ask(app, "acme")
    assert response.status_code == 201, response.json
    summary = response.json["summary"]
    # Then the stored summary carries what the payer said
    assert summary["provider_network"] == {"status": "out", "evidence": OUT_OF_NETWORK}
    assert summary["other_coverage"] == [{
        "payer_name": "MEDICARE PART B TEST", "payer_id": "00000", "member_id": None,
        "hint": "Primary payer; Medicare Part B"}]
    assert summary["in_network"]["copay"] == "25.00"
    assert [t["label"] for t in summary["in_network"]["tiers"]] == ["HIGHEST BENEFIT"]
    # And a visit's verdict warns about both, estimated at the out-of-network figures
    put = client.put("/v1/fee-schedule", headers=bearer(key),
                     json={"payer": "acme", "code": "90837", "allowed_amount": "140.00"})
    assert put.status_code == 200, put.json
    verdict = client.post("/v1/visits/check", headers=bearer(key), json={
        "coverage_id": response.json["coverage_id"], "date": "2026-11-10", "code": "90837",
        "minutes": 55}).json
    assert verdict["status"] == "at_risk"
    reasons = {r["code"]: r for r in verdict["reasons"]}
    assert {"PROVIDER_OUT_OF_NETWORK", "OTHER_COVERAGE_REPORTED"} <= set(reasons)
    assert "MEDICARE PART B TEST" in reasons["OTHER_COVERAGE_REPORTED"]["message"]
    assert (verdict["estimate"]["amount"], verdict["estimate"]["basis"]) == (
        "140.00", "deductible")


def test_the_fhir_response_carries_the_tier_and_the_providers_network(
    app, httpserver: HTTPServer
):
    # Given a check whose 271 lists a HIGHEST BENEFIT tier and says the provider is out
    payer = ScriptedPayer(default=[("benefits", SAYS_MORE)])
    httpserver.expect_request("/core", method="POST").respond_with_handler(payer)
    response, _, client, key = ask(app, "acme")
    assert response.status_code == 201, response.json

    # When an EHR reads it as FHIR
    read = client.get(f"/fhir/CoverageEligibilityResponse/{response.json['id']}",
                      headers=bearer(key))

    # Then it is a valid R4 resource with an item per fact
    assert read.status_code == 200, read.json
    found = CoverageEligibilityResponse.model_validate(read.json)
    items = found.insurance[0].item
    (tier,) = [i for i in items if i.name == "HIGHEST BENEFIT"]
    assert tier.benefit[0].allowedMoney.value == 0
    (said,) = [i for i in items if i.provider is not None]
    assert said.network.coding[0].code == "out"
    assert said.provider.identifier.value == response.json["provider_npi"]
    assert OUT_OF_NETWORK in said.description
