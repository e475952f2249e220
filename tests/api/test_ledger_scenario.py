"""The worked scenario of the visit ledger, through the API on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.support.builders import authorized_coverage, bearer


@pytest.fixture
def ledger(app, client, clock):
    return authorized_coverage(app, client, number="AUTH-3", quantity=3)


def post(client, key, path, **body):
    return client.post(path, json=body, headers=bearer(key))


def codes(verdict):
    return {r["code"] for r in verdict["reasons"]}


def test_the_worked_scenario_of_an_authorization_running_out(client, ledger):
    key, coverage_id, auth = ledger["key"], ledger["coverage_id"], ledger["auth"]
    booked = [post(client, key, "/v1/visits", coverage_id=coverage_id, date=f"2026-11-{d}",
                   code="90837", minutes=55, external_id=f"V-{d}").json
              for d in (10, 17, 24)]
    assert all(v["authorization_id"] == auth["id"] for v in booked)
    state = client.get(f"/v1/authorizations/{auth['id']}", headers=bearer(key)).json
    assert (state["reserved"], state["remaining"]) == (3, 0)

    fourth = post(client, key, "/v1/visits/check", coverage_id=coverage_id, date="2026-12-01",
                  code="90837", minutes=55).json
    assert fourth["status"] == "not_covered" and "AUTH_EXHAUSTED" in codes(fourth)

    cancelled = post(client, key, f"/v1/visits/{booked[1]['id']}/status", status="cancelled")
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    freed = post(client, key, "/v1/visits/check", coverage_id=coverage_id, date="2026-12-01",
                 code="90837", minutes=55).json
    assert not any(r["severity"] == "block" for r in freed["reasons"])
    assert freed["authorization_id"] == auth["id"]

    other_code = post(client, key, "/v1/visits/check", coverage_id=coverage_id,
                      date="2026-12-01", code="90834", minutes=45).json
    assert "AUTH_CODE_NOT_COVERED" in codes(other_code)
    too_late = post(client, key, "/v1/visits/check", coverage_id=coverage_id,
                    date="2027-01-05", code="90837", minutes=55).json
    assert "AUTH_EXPIRED" in codes(too_late)
    short = post(client, key, "/v1/visits/check", coverage_id=coverage_id, date="2026-12-01",
                 code="90837", minutes=40).json
    assert "CPT_TIME_MISMATCH" in codes(short)


def test_a_forecast_of_weekly_visits_names_the_first_uncovered_date(client, ledger):
    forecast = post(client, ledger["key"], "/v1/visits/forecast",
                    coverage_id=ledger["coverage_id"], code="90837", minutes=55,
                    first_date="2026-11-02", every_days=7, count=6).json
    assert [v["status"] != "not_covered" for v in forecast["visits"]] == [
        True, True, True, False, False, False]
    assert forecast["first_uncovered"] == "2026-11-23"


def test_completing_a_visit_uses_its_unit_and_a_no_show_releases_it(client, ledger):
    key, coverage_id, auth = ledger["key"], ledger["coverage_id"], ledger["auth"]
    one = post(client, key, "/v1/visits", coverage_id=coverage_id, date="2026-11-10",
               code="90837", minutes=55).json
    two = post(client, key, "/v1/visits", coverage_id=coverage_id, date="2026-11-17",
               code="90837", minutes=55).json
    post(client, key, f"/v1/visits/{one['id']}/status", status="completed")
    post(client, key, f"/v1/visits/{two['id']}/status", status="no_show")
    state = client.get(f"/v1/authorizations/{auth['id']}", headers=bearer(key)).json
    assert (state["used"], state["reserved"], state["remaining"]) == (1, 0, 2)


def test_the_same_external_id_updates_and_reallocates_the_visit(client, ledger):
    key, coverage_id, auth = ledger["key"], ledger["coverage_id"], ledger["auth"]
    first = post(client, key, "/v1/visits", coverage_id=coverage_id, date="2026-11-10",
                 code="90837", minutes=55, external_id="EHR-9")
    assert first.status_code == 201 and first.json["authorization_id"] == auth["id"]
    moved = post(client, key, "/v1/visits", coverage_id=coverage_id, date="2026-11-10",
                 code="90834", minutes=45, external_id="EHR-9")
    assert moved.status_code == 200 and moved.json["id"] == first.json["id"]
    assert moved.json["authorization_id"] is None
    state = client.get(f"/v1/authorizations/{auth['id']}", headers=bearer(key)).json
    assert state["reserved"] == 0
