"""The ledger API around the scenario: 278 imports, amendments with history, tenancy,
counting policy, payer rules, fees and estimates, alerts and the code-mix report."""

from __future__ import annotations

from datetime import date

import pytest

from payers.directory import load_directory
from service import create_app
from tests.support.builders import (
    VALID_NPIS,
    bearer,
    create_coverage,
    create_patient,
    new_practice,
)
from tests.support.people import PEOPLE
from tests.support.x278 import Decision, Review, member, response_278

DIRECTORY = """
payers:
  - {id: sandbox, name: Sandbox Health Plan, payer_id: SANDBOX01, adapter: sandbox}
  - id: strictplan
    name: Strict Plan
    payer_id: STRICT01
    adapter: sandbox
    rules: {auth_required_codes: ["90837"], counting: {no_show_uses: true}}
"""


@pytest.fixture
def app(db_url, clock, tmp_path):
    path = tmp_path / "payers.yaml"
    path.write_text(DIRECTORY)
    application = create_app({"database_url": db_url}, payers=load_directory(path), clock=clock)
    yield application
    application.extensions["coverwatch"].dispose()


@pytest.fixture
def setup(app, client):
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id="ZZT0000003")
    client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                headers=bearer(key))
    return key, coverage["id"]


def post(client, key, path, **body):
    return client.post(path, json=body, headers=bearer(key))


def auth_body(coverage_id, **extra):
    return {"coverage_id": coverage_id, "number": "A-1", "quantity": 4,
            "start_date": "2026-11-01", "end_date": "2027-01-31", "codes": ["90837", "90834"],
            **extra}


def test_an_authorization_is_created_from_a_278_and_updated_by_the_next(client, setup):
    key, coverage_id = setup
    x12 = response_278(Review(subscriber=member(PEOPLE[0], "ZZT0000003"), decisions=(
        Decision(start=date(2026, 3, 1), end=date(2026, 5, 31)),)))
    created = post(client, key, "/v1/authorizations/from-278", coverage_id=coverage_id, x12=x12)
    assert created.status_code == 201, created.json
    body = created.json
    assert (body["number"], body["quantity"], body["unit"]) == ("ZZAUTH0001", 12, "visit")
    assert (body["start_date"], body["end_date"], body["status"]) == (
        "2026-03-01", "2026-05-31", "approved")
    assert body["source"] == "x12-278"
    assert body["imported"] == [{"id": body["id"], "number": "ZZAUTH0001", "created": True}]
    again = post(client, key, "/v1/authorizations/from-278", coverage_id=coverage_id, x12=x12)
    assert again.status_code == 200 and again.json["id"] == body["id"]
    assert again.json["imported"][0]["created"] is False


@pytest.mark.parametrize(("action", "status"), [("A3", "denied"), ("A4", "pending")])
def test_denied_and_pended_278s_are_recorded_with_that_status(client, setup, action, status):
    key, coverage_id = setup
    x12 = response_278(Review(subscriber=member(PEOPLE[0], "ZZT0000003"),
                              decisions=(Decision(action=action, number=None),)))
    response = post(client, key, "/v1/authorizations/from-278", coverage_id=coverage_id, x12=x12)
    assert response.status_code == 201, response.json
    assert response.json["status"] == status
    assert response.json["number"] == "CWA0000031"


def test_garbage_instead_of_a_278_is_a_422_naming_the_field(client, setup):
    key, coverage_id = setup
    response = post(client, key, "/v1/authorizations/from-278", coverage_id=coverage_id,
                    x12="this is not an X12 interchange at all")
    assert response.status_code == 422 and "x12" in response.json["errors"]


def test_amendments_are_kept_in_the_history_with_who_and_when(client, setup, clock):
    key, coverage_id = setup
    auth = post(client, key, "/v1/authorizations", **auth_body(coverage_id)).json
    clock.advance(days=1)
    changed = client.patch(f"/v1/authorizations/{auth['id']}", headers=bearer(key),
                           json={"quantity": 8, "end_date": "2027-03-31"})
    assert changed.status_code == 200 and changed.json["quantity"] == 8
    history = client.get(f"/v1/authorizations/{auth['id']}", headers=bearer(key)).json["history"]
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["changes"] == {"quantity": {"before": 4, "after": 8},
                                     "end_date": {"before": "2027-01-31",
                                                  "after": "2027-03-31"}}
    assert history[1]["actor"].startswith("api_key:")
    assert history[1]["at"] > history[0]["at"]


@pytest.mark.parametrize(("change", "field"), [
    ({"end_date": "2026-10-01"}, "end_date"), ({"quantity": -1}, "quantity"),
    ({"codes": ["9083"]}, "codes"), ({"unit": "unit"}, "minutes_per_unit"),
    ({"provider_npi": "1234567890"}, "provider_npi"), ({"quantity": "4"}, "quantity")])
def test_invalid_authorizations_answer_422(client, setup, change, field):
    key, coverage_id = setup
    response = post(client, key, "/v1/authorizations", **auth_body(coverage_id, **change))
    assert response.status_code == 422 and field in response.json["errors"]


def test_a_second_authorization_with_the_same_number_is_refused(client, setup):
    key, coverage_id = setup
    post(client, key, "/v1/authorizations", **auth_body(coverage_id))
    again = post(client, key, "/v1/authorizations", **auth_body(coverage_id))
    assert again.status_code == 422 and "number" in again.json["errors"]


def test_another_practice_sees_no_authorization_visit_or_verdict(app, client, setup):
    key, coverage_id = setup
    auth = post(client, key, "/v1/authorizations", **auth_body(coverage_id)).json
    visit = post(client, key, "/v1/visits", coverage_id=coverage_id, date="2026-11-10",
                 code="90837", minutes=55).json
    _, other = new_practice(app, name="Other", npi=VALID_NPIS[1])
    assert client.get(f"/v1/authorizations/{auth['id']}", headers=bearer(other)).status_code \
        == 404
    assert client.get(f"/v1/visits/{visit['id']}", headers=bearer(other)).status_code == 404
    assert post(client, other, "/v1/visits/check", coverage_id=coverage_id, date="2026-11-10",
                code="90837").status_code == 404
    assert post(client, other, f"/v1/visits/{visit['id']}/status",
                status="completed").status_code == 404


def test_a_unit_based_authorization_draws_units_by_the_midpoint_rule(client, setup):
    key, coverage_id = setup
    auth = post(client, key, "/v1/authorizations", **auth_body(
        coverage_id, number="U-1", unit="unit", minutes_per_unit=15, quantity=10,
        codes=["H0004"])).json
    visit = post(client, key, "/v1/visits", coverage_id=coverage_id, date="2026-11-10",
                 code="H0004", minutes=38).json
    assert visit["authorization_id"] == auth["id"] and visit["units"] == 3
    state = client.get(f"/v1/authorizations/{auth['id']}", headers=bearer(key)).json
    assert (state["reserved"], state["remaining"]) == (3, 7)


def test_a_payer_rule_can_count_no_shows_and_require_authorization(app, client):
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[1])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[1], payer="strictplan",
                               member_id="ZZT0000001")
    coverage_id = coverage["id"]
    post(client, key, "/v1/eligibility-checks", coverage_id=coverage_id)
    needs = post(client, key, "/v1/visits/check", coverage_id=coverage_id, date="2026-11-10",
                 code="90837", minutes=55).json
    assert needs["status"] == "not_covered"
    assert "AUTH_REQUIRED" in {r["code"] for r in needs["reasons"]}
    auth = post(client, key, "/v1/authorizations", **auth_body(coverage_id)).json
    visit = post(client, key, "/v1/visits", coverage_id=coverage_id, date="2026-11-10",
                 code="90837", minutes=55).json
    post(client, key, f"/v1/visits/{visit['id']}/status", status="no_show")
    state = client.get(f"/v1/authorizations/{auth['id']}", headers=bearer(key)).json
    assert (state["used"], state["reserved"]) == (1, 0)


def test_the_practice_can_count_late_cancellations(client, setup):
    key, coverage_id = setup
    saved = client.put("/v1/settings", headers=bearer(key), json={
        "counting": {"late_cancel_uses": True}, "thresholds": {"auth_low_threshold": 0}})
    assert saved.status_code == 200 and saved.json["counting"]["late_cancel_uses"] is True
    auth = post(client, key, "/v1/authorizations", **auth_body(coverage_id)).json
    visit = post(client, key, "/v1/visits", coverage_id=coverage_id, date="2026-11-10",
                 code="90837", minutes=55).json
    post(client, key, f"/v1/visits/{visit['id']}/status", status="late_cancelled")
    state = client.get(f"/v1/authorizations/{auth['id']}", headers=bearer(key)).json
    assert (state["used"], state["reserved"]) == (1, 0)


def test_the_estimate_uses_the_fee_schedule_and_the_copay(client, setup):
    key, coverage_id = setup
    put = client.put("/v1/fee-schedule", headers=bearer(key),
                     json={"payer": "sandbox", "code": "90837", "allowed_amount": "140.00"})
    assert put.status_code == 200 and put.json["allowed_amount"] == "140.00"
    post(client, key, "/v1/authorizations", **auth_body(coverage_id))
    verdict = post(client, key, "/v1/visits/check", coverage_id=coverage_id, date="2026-11-10",
                   code="90837", minutes=55).json
    assert verdict["estimate"]["basis"] == "copay"
    assert verdict["estimate"]["amount"] == "25.00"
    assert verdict["estimate"]["assumptions"]


def test_alerts_are_raised_resolved_by_hand_and_resolve_themselves(client, setup, clock):
    key, coverage_id = setup
    auth = post(client, key, "/v1/authorizations", **auth_body(coverage_id, quantity=2)).json
    post(client, key, "/v1/visits", coverage_id=coverage_id, date="2026-11-10", code="90837",
         minutes=40)
    alerts = client.get("/v1/alerts", headers=bearer(key)).json["items"]
    kinds = {a["kind"] for a in alerts}
    assert {"auth_low", "cpt_time_mismatch"} <= kinds
    low = next(a for a in alerts if a["kind"] == "auth_low")
    assert low["data"]["remaining"] == 1 and low["coverage_id"] == coverage_id
    resolved = post(client, key, f"/v1/alerts/{low['id']}/resolve")
    assert resolved.status_code == 200 and resolved.json["resolved_by"].startswith("api_key:")
    open_kinds = {a["kind"] for a in client.get("/v1/alerts", headers=bearer(key)).json["items"]}
    assert "auth_low" not in open_kinds
    client.patch(f"/v1/authorizations/{auth['id']}", headers=bearer(key), json={"quantity": 20})
    after = client.get("/v1/alerts?include_resolved=true&kind=auth_low",
                       headers=bearer(key)).json["items"]
    assert all(a["resolved_at"] for a in after)


def test_three_no_shows_in_thirty_days_raise_a_check_in_alert(client, setup, clock):
    key, coverage_id = setup
    for day in ("2026-10-20", "2026-10-27", "2026-11-01"):
        visit = post(client, key, "/v1/visits", coverage_id=coverage_id, date=day, code="90834",
                     minutes=45).json
        post(client, key, f"/v1/visits/{visit['id']}/status", status="no_show")
    alerts = client.get(f"/v1/alerts?kind=no_shows&coverage_id={coverage_id}",
                        headers=bearer(key)).json["items"]
    assert len(alerts) == 1 and alerts[0]["data"]["count"] == 3


def test_the_code_mix_report_flags_providers_billing_mostly_90837(client, setup):
    key, coverage_id = setup
    for n in range(12):
        code = "90837" if n < 11 else "90834"
        post(client, key, "/v1/visits", coverage_id=coverage_id, date=f"2026-11-{n + 1:02d}",
             code=code, minutes=55 if code == "90837" else 45, provider_npi=VALID_NPIS[2])
    report = client.get("/v1/reports/code-mix?from=2026-11-01&to=2026-11-30",
                        headers=bearer(key)).json
    row = next(p for p in report["providers"] if p["provider_npi"] == VALID_NPIS[2])
    assert row["sessions"] == 12 and row["share_90837"] == pytest.approx(0.917)
    assert row["flagged"] is True


def test_visits_are_listed_between_dates(client, setup):
    key, coverage_id = setup
    for day in ("2026-11-03", "2026-11-10", "2026-12-01"):
        post(client, key, "/v1/visits", coverage_id=coverage_id, date=day, code="90834",
             minutes=45)
    listed = client.get(f"/v1/coverages/{coverage_id}/visits?from=2026-11-05&to=2026-11-30",
                        headers=bearer(key)).json["items"]
    assert [v["date"] for v in listed] == ["2026-11-10"]
