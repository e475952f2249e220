"""The eligibility API against payers reached over real HTTP (the CORE payer double on
pytest-httpserver): CAQH CORE SOAP end to end, a payer slower than its timeout, and failover
to a fallback."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from pytest_httpserver import HTTPServer

from payers.directory import parse_directory
from service import create_app
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE
from tests.support.scripted_payer import ScriptedPayer


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def route(route_id: str, url: str, **extra: object) -> dict[str, object]:
    return {"id": route_id, "name": f"{route_id} plan", "payer_id": route_id.upper(),
            "adapter": "core-soap", "url": url, "username": "cw-test", "password": "pw-test",
            "timeout_s": 1, **extra}


@pytest.fixture
def make_app(db_url, clock):
    apps = []

    def build(*entries: dict[str, object]):
        app = create_app({"database_url": db_url},
                         payers=parse_directory({"payers": list(entries)}), clock=clock)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["coverwatch"].dispose()


def ask(app, payer: str):
    _, key = new_practice(app)
    client = app.test_client()
    patient = create_patient(client, key, PEOPLE[1])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[1], payer=payer,
                               member_id="ZZT0000001")
    started = time.monotonic()
    response = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                           headers=bearer(key))
    return response, time.monotonic() - started, client, key


def test_a_core_soap_payer_is_asked_over_http_and_its_271_stored(make_app, httpserver: HTTPServer):
    payer = ScriptedPayer()
    httpserver.expect_request("/core", method="POST").respond_with_handler(payer)
    app = make_app(route("acme", httpserver.url_for("/core")))
    response, _, client, key = ask(app, "acme")
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "active" and body["route"] == "acme"
    assert body["summary"]["in_network"]["copay"] == "25.00"
    raw = client.get(f"/v1/eligibility-checks/{body['id']}?include=x12",
                     headers=bearer(key)).json["x12"]
    assert "NM1*PR*2*ACME PLAN*****PI*ACME~" in raw["request"]
    assert raw["response"].startswith("ISA") and "ST*271*" in raw["response"]
    assert len(payer.calls) == 1


def test_a_payer_slower_than_its_timeout_answers_within_timeout_plus_one_second(
    make_app, httpserver: HTTPServer
):
    release = threading.Event()
    httpserver.expect_request("/core").respond_with_handler(
        ScriptedPayer(default=[("hold",)], release=release))
    app = make_app(route("slowpay", httpserver.url_for("/core")))
    try:
        response, elapsed, client, key = ask(app, "slowpay")
    finally:
        release.set()  # the stand-in serves one request at a time: free it for the next test
    assert elapsed < 2.0
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "error" and body["error"]["code"] == "PAYER_TIMEOUT"
    stored = client.get(f"/v1/eligibility-checks/{body['id']}?include=x12",
                        headers=bearer(key)).json
    assert stored["x12"]["request"].startswith("ISA") and stored["x12"]["response"] is None


def test_a_down_route_fails_over_to_its_fallback_and_says_which_answered(
    make_app, httpserver: HTTPServer
):
    httpserver.expect_request("/core").respond_with_handler(ScriptedPayer())
    app = make_app(
        route("primary", f"http://127.0.0.1:{closed_port()}/core", fallback="backup"),
        route("backup", httpserver.url_for("/core"), payer_id="PRIMARY"),
    )
    response, _, client, key = ask(app, "primary")
    body = response.json
    assert body["status"] == "active"
    assert body["payer"] == "primary" and body["route"] == "backup"
    assert body["routes_tried"] == ["primary", "backup"]
    # The failed attempt on the primary route is stored too, with what was sent.
    history = client.get(f"/v1/coverages/{body['coverage_id']}/eligibility-checks",
                         headers=bearer(key)).json["items"]
    failed = [c for c in history if c["route"] == "primary"]
    assert len(history) == 2 and len(failed) == 1
    assert failed[0]["error"]["code"] == "PAYER_UNAVAILABLE"


def test_a_carve_out_named_by_the_payer_is_checked_over_http_and_linked(
    make_app, httpserver: HTTPServer
):
    payer = ScriptedPayer()
    httpserver.expect_request("/core", method="POST").respond_with_handler(payer)
    app = make_app(route("acme", httpserver.url_for("/core")),
                   route("bho", httpserver.url_for("/core"), payer_id="SANDBOXBHO"))
    _, key = new_practice(app)
    client = app.test_client()
    patient = create_patient(client, key, PEOPLE[2])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[2], payer="acme",
                               member_id="ZZT0000004")
    parent = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                         headers=bearer(key)).json
    assert parent["summary"]["carve_out"]["name"] == "SANDBOX BEHAVIORAL HEALTH"
    child = client.get(f"/v1/eligibility-checks/{parent['carve_out_check_id']}",
                       headers=bearer(key)).json
    assert child["route"] == "bho" and child["carve_out_of_id"] == parent["id"]
    assert child["status"] == "active"
    assert len(payer.calls) == 2


def test_a_reused_answer_and_a_blocked_resend_send_nothing_to_the_payer(
    make_app, httpserver: HTTPServer, clock
):
    payer = ScriptedPayer()
    httpserver.expect_request("/core", method="POST").respond_with_handler(payer)
    app = make_app(route("acme", httpserver.url_for("/core")))
    response, _, client, key = ask(app, "acme")
    coverage_id = response.json["coverage_id"]
    again = client.post("/v1/eligibility-checks", json={"coverage_id": coverage_id},
                        headers=bearer(key))
    assert again.status_code == 200 and again.json["reused"] is True
    assert len(payer.calls) == 1


def test_a_timed_out_270_is_not_sent_again_within_90_seconds(
    make_app, httpserver: HTTPServer, clock
):
    release = threading.Event()
    payer = ScriptedPayer(default=[("hold",)], release=release)
    httpserver.expect_request("/core").respond_with_handler(payer)
    app = make_app(route("slowpay", httpserver.url_for("/core")))
    try:
        first, _, client, key = ask(app, "slowpay")
    finally:
        release.set()
    coverage_id = first.json["coverage_id"]
    clock.advance(seconds=89)
    blocked = client.post("/v1/eligibility-checks",
                          json={"coverage_id": coverage_id, "force": True},
                          headers=bearer(key))
    assert blocked.status_code == 409
    assert blocked.json["errors"]["reason"] == "PAYER_RESEND_TOO_SOON"
    assert blocked.headers["Retry-After"] == "2"
    assert len(payer.calls) == 1
    clock.advance(seconds=2)
    release.clear()
    try:
        retried = client.post("/v1/eligibility-checks", json={"coverage_id": coverage_id},
                              headers=bearer(key)).json
    finally:
        release.set()
    assert retried["error"]["code"] == "PAYER_TIMEOUT"
    assert len(payer.calls) == 2
