"""GET /v1/payers/{id}/health: each route of a payer over the last 24 hours of stored
checks, from checks made through real routes (the sandbox and a closed port)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from payers.directory import parse_directory
from service import create_app
from tests.integration.test_eligibility_http import closed_port
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.openapi import CheckedClient
from tests.support.people import PEOPLE


@pytest.fixture
def app(db_url: str, clock, unused_url: str) -> Iterator[Flask]:
    # A payer whose first route is down (nothing listens) and whose second is the sandbox
    entries = parse_directory({"payers": [
        {"id": "down-route", "name": "Tidewater Health Test", "payer_id": "SANDBOX01",
         "adapter": "core-soap", "url": unused_url, "username": "u", "password": "p",
         "fallback": "sandbox", "breaker_failures": 100},
        {"id": "sandbox", "name": "Sandbox Health Plan", "payer_id": "SANDBOX01",
         "adapter": "sandbox"},
    ]})
    application = create_app({"database_url": db_url}, payers=entries, clock=clock)
    application.test_client_class = CheckedClient
    yield application
    application.extensions["coverwatch"].dispose()


@pytest.fixture
def unused_url() -> str:
    return f"http://127.0.0.1:{closed_port()}/core"


def _check(client, key: str, coverage_id: str) -> None:
    response = client.post("/v1/eligibility-checks", headers=bearer(key),
                           json={"coverage_id": coverage_id, "force": True})
    assert response.status_code in (200, 201), response.json


def _five_checks_through_the_down_route(client, clock, app) -> str:
    """Five checks two minutes apart, each failing over to the sandbox; the practice's key."""
    key = new_practice(app)[1]
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], payer="down-route")
    for _ in range(5):
        _check(client, key, coverage["id"])
        clock.advance(seconds=120)
    return key


def test_a_down_route_shows_its_errors_and_the_fallback_its_answers(client, clock, app):
    key = _five_checks_through_the_down_route(client, clock, app)

    health = client.get("/v1/payers/down-route/health", headers=bearer(key))
    fallback = client.get("/v1/payers/sandbox/health", headers=bearer(key))

    # (Entries without a catalog payer are payers of their own, one route each)
    assert health.status_code == 200 and fallback.status_code == 200
    [down], [sandbox] = health.json["routes"], fallback.json["routes"]
    assert (down["route"], down["checks"], down["success_share"]) == ("down-route", 5, 0.0)
    assert down["errors"] == [{"code": "PAYER_UNAVAILABLE", "count": 5}]
    assert down["degraded"] is True and down["circuit"] == "closed"
    assert (sandbox["route"], sandbox["checks"], sandbox["success_share"]) == ("sandbox", 5, 1.0)
    assert sandbox["within_20s_share"] == 1.0 and sandbox["degraded"] is False
    assert sandbox["p50_ms"] is not None and sandbox["p50_ms"] <= sandbox["p95_ms"]


def test_checks_older_than_a_day_leave_the_window(client, clock, app):
    key = new_practice(app)[1]
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], payer="sandbox")
    _check(client, key, coverage["id"])
    clock.advance(hours=25)

    health = client.get("/v1/payers/sandbox/health", headers=bearer(key))

    [sandbox] = health.json["routes"]
    assert sandbox["checks"] == 0 and sandbox["success_share"] is None
    assert sandbox["errors"] == [] and sandbox["degraded"] is False


def test_an_unknown_payer_is_404(client, app):
    key = new_practice(app)[1]

    response = client.get("/v1/payers/nowhere/health", headers=bearer(key))

    assert response.status_code == 404


def test_metrics_show_each_routes_health_gauges(client, clock, app):
    _five_checks_through_the_down_route(client, clock, app)

    text = client.get("/metrics").get_data(as_text=True)

    assert 'coverwatch_payer_route_checks{route="down-route"} 5.0' in text
    assert 'coverwatch_payer_route_success_share{route="down-route"} 0.0' in text
    assert 'coverwatch_payer_route_degraded{route="down-route"} 1.0' in text
    assert 'coverwatch_payer_route_success_share{route="sandbox"} 1.0' in text
    assert 'coverwatch_payer_route_circuit_open{route="sandbox"} 0.0' in text
    assert 'coverwatch_payer_route_latency_p95_seconds{route="sandbox"}' in text
