"""Stedi routes end to end: the eligibility API asks a Stedi simulator over real HTTP through
an ``api: raw-x12`` route and an ``api: v3`` route, and the same 271 gives the same summary."""

from __future__ import annotations

import threading

import pytest
from pytest_httpserver import HTTPServer

from payers.directory import parse_directory
from service import create_app
from tests.integration.payers.stedi_sim import KEY, StediSimulator
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE

V3 = "/2024-04-01/change/medicalnetwork/eligibility/v3"
RAW = V3 + "/raw-x12"


def stedi_route(route_id: str, url: str, api: str) -> dict[str, object]:
    return {"id": route_id, "name": "Tidewater Health Test", "payer_id": "TIDE01",
            "adapter": "stedi", "api": api, "url": url, "api_key_env": "CW_TEST_STEDI_KEY",
            "usage": "T", "timeout_s": 5}


@pytest.fixture
def stedi(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CW_TEST_STEDI_KEY", KEY)
    release = threading.Event()
    simulator = StediSimulator(release=release)
    httpserver.expect_request(V3, method="POST").respond_with_handler(simulator.v3)
    httpserver.expect_request(RAW, method="POST").respond_with_handler(simulator.raw_x12)
    yield simulator
    release.set()


@pytest.mark.parametrize(("member_id", "status"), [
    ("ZZT0000001", "active"), ("ZZT0000002", "active"), ("ZZT0000004", "active"),
    ("ZZT0000005", "inactive"), ("ZZT0000072", "rejected")])
def test_raw_x12_and_v3_routes_give_the_same_summary_for_the_same_271(
    db_url, clock, httpserver: HTTPServer, stedi: StediSimulator, member_id: str,
    status: str,
) -> None:
    # Given one practice whose payer is reachable through both of Stedi's APIs
    app = create_app({"database_url": db_url}, payers=parse_directory({"payers": [
        stedi_route("tide-raw", httpserver.url_for(RAW), "raw-x12"),
        stedi_route("tide-v3", httpserver.url_for(V3), "v3")]}), clock=clock)
    try:
        client = app.test_client()
        answers = {}
        # When the same member is checked through each route (by two practices: a
        # patient holds one card per plan)
        for route in ("tide-raw", "tide-v3"):
            _, key = new_practice(app)
            patient = create_patient(client, key, PEOPLE[1])
            coverage = create_coverage(client, key, patient["id"], PEOPLE[1], payer=route,
                                       member_id=member_id)
            response = client.post("/v1/eligibility-checks",
                                   json={"coverage_id": coverage["id"]}, headers=bearer(key))
            assert response.status_code == 201, response.json
            answers[route] = response.json
    finally:
        app.extensions["coverwatch"].dispose()

    # Then both reached Stedi, each its own way, and say the same
    raw, v3 = answers["tide-raw"], answers["tide-v3"]
    assert [sorted(body) for body in stedi.requests] == [["x12"], sorted(
        ["controlNumber", "tradingPartnerServiceId", "provider", "subscriber", "encounter"])]
    assert (raw["route"], v3["route"]) == ("tide-raw", "tide-v3")
    assert raw["status"] == v3["status"] == status
    assert raw["summary"] == v3["summary"]


def test_a_rejection_shows_stedis_own_words_in_the_summary(
    db_url, clock, httpserver: HTTPServer, stedi: StediSimulator,
) -> None:
    # Given a Stedi route whose payer does not recognise the member id
    app = create_app({"database_url": db_url}, payers=parse_directory({"payers": [
        stedi_route("tide-v3", httpserver.url_for(V3), "v3")]}), clock=clock)
    try:
        client = app.test_client()
        _, key = new_practice(app)
        patient = create_patient(client, key, PEOPLE[1])
        coverage = create_coverage(client, key, patient["id"], PEOPLE[1], payer="tide-v3",
                                   member_id="ZZT0000072")
        # When it is checked
        response = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                               headers=bearer(key))
    finally:
        app.extensions["coverwatch"].dispose()

    # Then the rejection carries Stedi's description and resolution beside the AAA code
    assert response.status_code == 201, response.json
    (rejection,) = response.json["summary"]["rejections"]
    assert rejection["code"] == "72"
    assert rejection["text"] == ("rejected — Check the member ID on the patient's card and "
                                 "resubmit.")
    assert response.json["rejections"][0]["text"] == rejection["text"]
