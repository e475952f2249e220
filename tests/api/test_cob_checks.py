"""POST /v1/coverages/{id}/cob-checks: the other plans a patient holds, through a Stedi route
with a COB endpoint (a simulator over real HTTP), and the refusals around it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer

from payers.directory import parse_directory
from service import create_app
from tests.integration.payers.stedi_cob_sim import (
    ALONE,
    OTHER_MEMBER,
    OTHER_PRIMARY,
    OTHER_SECONDARY,
    PATH,
    StediCobSimulator,
)
from tests.integration.payers.stedi_sim import KEY
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.openapi import CheckedClient
from tests.support.people import PEOPLE


def _closed_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{PATH}"


def _stedi(route_id: str, server: HTTPServer, cob_url: str) -> dict[str, Any]:
    return {"id": route_id, "name": "Tidewater Health Test", "payer_id": "TIDE01",
            "adapter": "stedi", "api": "v3", "url": server.url_for("/eligibility"),
            "cob_url": cob_url, "api_key_env": "CW_TEST_STEDI_KEY", "usage": "T",
            "timeout_s": 2}


@pytest.fixture
def simulator(httpserver: HTTPServer) -> Iterator[StediCobSimulator]:
    release = threading.Event()
    sim = StediCobSimulator(release=release)
    httpserver.expect_request(PATH, method="POST").respond_with_handler(sim)
    yield sim
    release.set()


@pytest.fixture
def cob_app(db_url: str, clock: Any, httpserver: HTTPServer,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("CW_TEST_STEDI_KEY", KEY)
    directory = parse_directory({"payers": [
        _stedi("tide-stedi", httpserver, httpserver.url_for(PATH)),
        _stedi("tide-down", httpserver, _closed_url()),
        {"id": "sandbox", "name": "Sandbox payer", "payer_id": "SANDBOX",
         "adapter": "sandbox"}]})
    app = create_app({"database_url": db_url, "log_level": "DEBUG"}, payers=directory,
                     clock=clock)
    app.test_client_class = CheckedClient
    yield app
    app.extensions["coverwatch"].dispose()


def _coverage(app: Flask, member_id: str, payer: str = "tide-stedi",
              ) -> tuple[Any, str, str]:
    client = app.test_client()
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[2])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[2], payer=payer,
                               member_id=member_id)
    return client, key, coverage["id"]


def test_another_plan_found_that_pays_first(
    cob_app: Flask, simulator: StediCobSimulator, caplog: pytest.LogCaptureFixture,
) -> None:
    client, key, coverage_id = _coverage(cob_app, OTHER_PRIMARY)

    response = client.post(f"/v1/coverages/{coverage_id}/cob-checks", json={},
                           headers=bearer(key))

    assert response.status_code == 200, response.json
    body = response.json
    assert (body["primary"], body["this_coverage_primacy"]) == ("other_coverage", "secondary")
    assert body["cob_required"] is True
    assert body["other_coverages"] == [{
        "payer_name": "Lanternbay Mutual Test", "payer_id": "LANT07",
        "member_id": OTHER_MEMBER, "primacy": "primary", "begin": "2025-06-01",
        "end": "2026-12-31"}]
    # The member ids travel in the answer only, never in a log line.
    assert OTHER_MEMBER not in caplog.text and OTHER_PRIMARY not in caplog.text
    audit = client.get("/v1/audit-events", headers=bearer(key)).json["items"]
    assert {"action": "cob_check", "resource_type": "coverage",
            "resource_id": coverage_id} in [
        {k: e[k] for k in ("action", "resource_type", "resource_id")} for e in audit]


def test_another_plan_found_that_pays_second(
    cob_app: Flask, simulator: StediCobSimulator,
) -> None:
    client, key, coverage_id = _coverage(cob_app, OTHER_SECONDARY)

    body = client.post(f"/v1/coverages/{coverage_id}/cob-checks", json={},
                       headers=bearer(key)).json

    assert (body["primary"], body["this_coverage_primacy"]) == ("this_coverage", "primary")
    assert [o["primacy"] for o in body["other_coverages"]] == ["secondary"]


def test_no_other_plan_found(cob_app: Flask, simulator: StediCobSimulator) -> None:
    client, key, coverage_id = _coverage(cob_app, ALONE)

    body = client.post(f"/v1/coverages/{coverage_id}/cob-checks",
                       json={"service_date": "2026-01-15"}, headers=bearer(key)).json

    assert body["classification"] == "MemberFoundNoCob"
    assert (body["other_coverages"], body["primary"]) == ([], "this_coverage")
    assert simulator.requests[-1]["encounter"]["dateOfService"] == "2026-01-15"


def test_a_route_that_cannot_run_cob_checks_is_422_and_nothing_is_sent(
    cob_app: Flask, simulator: StediCobSimulator,
) -> None:
    client, key, coverage_id = _coverage(cob_app, "ZZT0000001", payer="sandbox")

    response = client.post(f"/v1/coverages/{coverage_id}/cob-checks", json={},
                           headers=bearer(key))

    assert response.status_code == 422
    assert response.json["errors"]["reason"] == "COB_NOT_SUPPORTED"
    assert "coverage_id" in response.json["errors"]
    assert simulator.requests == []


def test_another_practices_coverage_is_404(
    cob_app: Flask, simulator: StediCobSimulator,
) -> None:
    client, _, coverage_id = _coverage(cob_app, OTHER_PRIMARY)
    _, other_key = new_practice(cob_app)

    response = client.post(f"/v1/coverages/{coverage_id}/cob-checks", json={},
                           headers=bearer(other_key))

    assert response.status_code == 404
    assert simulator.requests == []


def test_a_payer_that_is_down_is_502_with_its_code(
    cob_app: Flask, simulator: StediCobSimulator,
) -> None:
    client, key, coverage_id = _coverage(cob_app, OTHER_PRIMARY, payer="tide-down")

    response = client.post(f"/v1/coverages/{coverage_id}/cob-checks", json={},
                           headers=bearer(key))

    assert response.status_code == 502
    assert (response.json["error"], response.json["errors"]["reason"]) == (
        "payer_error", "PAYER_UNAVAILABLE")
    assert OTHER_PRIMARY not in response.get_data(as_text=True)


def test_a_throttling_payer_is_503_with_its_retry_after(
    cob_app: Flask, simulator: StediCobSimulator,
) -> None:
    simulator.throttled = 3
    client, key, coverage_id = _coverage(cob_app, OTHER_PRIMARY)

    response = client.post(f"/v1/coverages/{coverage_id}/cob-checks", json={},
                           headers=bearer(key))

    assert response.status_code == 503
    assert response.json["errors"]["reason"] == "PAYER_BUSY"
    assert response.headers["Retry-After"] == "7"
