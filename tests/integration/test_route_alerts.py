"""A payer route that keeps failing opens a route_degraded alert for the practice whose
checks failed (listed by the API, with its alert.opened event); once the route answers
again, the alert is resolved (alert.resolved). Real checks over HTTP to a Stedi simulator."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer

from payers.directory import parse_directory
from service import create_app
from service.domain.webhooks import EVENT_TYPES
from tests.integration.payers.stedi_sim import KEY, StediSimulator
from tests.integration.test_webhook_events import events
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE
from tests.support.web import signed_in_client

V3 = "/2024-04-01/change/medicalnetwork/eligibility/v3"


@pytest.fixture
def stedi(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch,
          ) -> Iterator[StediSimulator]:
    monkeypatch.setenv("CW_TEST_STEDI_KEY", KEY)
    release = threading.Event()
    simulator = StediSimulator(release=release, case="server_error")
    httpserver.expect_request(V3, method="POST").respond_with_handler(simulator.v3)
    yield simulator
    release.set()


@pytest.fixture
def app(db_url: str, clock: Any, httpserver: HTTPServer) -> Iterator[Flask]:
    directory = parse_directory({"payers": [{
        "id": "tide-stedi", "name": "Tidewater Health Test", "payer_id": "TIDE01",
        "adapter": "stedi", "api": "v3", "url": httpserver.url_for(V3),
        "api_key_env": "CW_TEST_STEDI_KEY", "usage": "T", "timeout_s": 2,
        "breaker_cooldown_s": 0}]})
    application = create_app({"database_url": db_url, "log_level": "DEBUG",
                              "route_alert_interval_s": 0, "route_alert_min_checks": 4},
                             payers=directory, clock=clock)
    yield application
    application.extensions["coverwatch"].dispose()


def _route_alerts(client: Any, key: str, query: str = "") -> list[dict[str, Any]]:
    body = client.get(f"/v1/alerts{query}", headers=bearer(key)).json
    return [a for a in body["items"] if a["kind"] == "route_degraded"]


def test_a_failing_route_opens_an_alert_and_its_recovery_resolves_it(
    app: Flask, clock: Any, stedi: StediSimulator,
) -> None:
    client = app.test_client()
    practice_id, key = new_practice(app)
    assert client.post("/v1/webhook-endpoints", headers=bearer(key), json={
        "url": "https://ehr.example.com/hook", "events": list(EVENT_TYPES)}).status_code == 201
    patient = create_patient(client, key, PEOPLE[4])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[4], payer="tide-stedi",
                               member_id="ZZT0000001")

    def check() -> str:
        response = client.post("/v1/eligibility-checks", headers=bearer(key),
                               json={"coverage_id": coverage["id"], "force": True})
        assert response.status_code == 201, response.json
        clock.advance(seconds=91)  # past the 90-second rule for an inquiry that may have arrived
        return str(response.json["status"])

    # Given a route whose checks fail: three are too few to judge it
    assert [check() for _ in range(3)] == ["error"] * 3
    assert _route_alerts(client, key) == []

    # When the fourth fails too
    check()

    # Then the practice is told the route is degraded, once, with the route's figures only
    (alert,) = _route_alerts(client, key)
    assert alert["subject_id"] == "tide-stedi" and alert["coverage_id"] is None
    assert alert["data"] == {"route": "tide-stedi", "checks": 4, "success_share": 0.0,
                             "within_20s_share": 0.0}
    check()
    assert len(_route_alerts(client, key)) == 1
    (opened,) = events(app, "alert.opened")
    assert opened["data"]["alert_id"] == alert["id"]
    assert opened["data"]["subject_id"] == "tide-stedi"
    # And the web app shows it on the alerts page and the manager's dashboard
    manager = signed_in_client(app, practice_id)
    for page in ("/app/alerts", "/app/dashboard"):
        html = manager.get(page).get_data(as_text=True)
        assert "Payer route tide-stedi is degraded" in html, page

    # When the route answers again after its failures have aged out of the hour
    stedi.case = None
    clock.advance(hours=1)
    assert check() == "active"

    # Then the alert is resolved by the system, with its alert.resolved event
    assert _route_alerts(client, key) == []
    (resolved,) = _route_alerts(client, key, "?include_resolved=true")
    assert (resolved["id"], resolved["resolved_by"]) == (alert["id"], "system")
    (closed,) = events(app, "alert.resolved")
    assert closed["data"]["alert_id"] == alert["id"]
