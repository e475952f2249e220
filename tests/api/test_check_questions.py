"""An answer is about the question asked: corrected coverage or patient data sends the next
check to the payer, and until then verdicts do not trust the old answer (issue 18, 1)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from payers.directory import load_directory
from service import create_app
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE

DIRECTORY = """
payers:
  - {id: sandbox, name: Sandbox Health Plan, payer_id: SANDBOX01, adapter: sandbox,
     timeout_s: 1}
"""


@pytest.fixture
def app(db_url, clock, tmp_path: Path):
    path = tmp_path / "payers.yaml"
    path.write_text(DIRECTORY)
    application = create_app({"database_url": db_url}, payers=load_directory(path),
                             clock=clock)
    yield application
    application.extensions["coverwatch"].dispose()


@pytest.fixture
def key(app: Flask) -> str:
    return new_practice(app)[1]


@pytest.fixture
def coverage(client, key) -> dict:
    patient = create_patient(client, key, PEOPLE[0])
    return create_coverage(client, key, patient["id"], PEOPLE[0], member_id="ZZT0000001")


def check(client, key, coverage_id: str, **body):
    return client.post("/v1/eligibility-checks", json={"coverage_id": coverage_id, **body},
                       headers=bearer(key))


def verdict(client, key, coverage_id: str, clock) -> dict:
    response = client.post("/v1/visits/check", headers=bearer(key), json={
        "coverage_id": coverage_id, "date": (clock().date() + timedelta(days=3)).isoformat(),
        "code": "90834", "minutes": 45})
    assert response.status_code == 200, response.json
    return dict(response.json)


def changed(found: dict) -> list[dict]:
    return [r for r in found["reasons"] if r["code"] == "ELIGIBILITY_UNVERIFIED"
            and r["data"].get("coverage_changed")]


def test_a_check_echoes_the_question_it_asked_without_patient_data(client, key, coverage):
    body = check(client, key, coverage["id"], service_types=["MH", "30"],
                 service_date="2026-11-05").json
    assert body["question"] == {
        "route": "sandbox", "payer_id": "SANDBOX01", "relationship": "self",
        "subscriber_named": False, "service_types": ["30", "MH"],
        "service_date": "2026-11-05", "provider_npi": body["provider_npi"]}
    shown = str(body["question"]).upper()
    assert PEOPLE[0].last_name.upper() not in shown and "ZZT0000001" not in shown


def test_a_corrected_member_id_sends_the_next_check_to_the_payer_and_verdicts_wait_for_it(
    client, key, coverage, clock
):
    # Given an answer about the coverage as it was, reused while nothing changes
    first = check(client, key, coverage["id"])
    assert first.status_code == 201 and first.json["status"] == "active"
    assert check(client, key, coverage["id"]).status_code == 200
    before = verdict(client, key, coverage["id"], clock)
    assert before["status"] == "covered" and changed(before) == []
    # When the front desk corrects the member id
    patched = client.patch(f"/v1/coverages/{coverage['id']}", json={"member_id": "ZZT0000002"},
                           headers=bearer(key))
    assert patched.status_code == 200
    # Then verdicts no longer trust the old answer, at once
    after = verdict(client, key, coverage["id"], clock)
    assert after["status"] == "at_risk"
    [reason] = changed(after)
    assert "changed since the last check" in reason["message"]
    assert "ZZT0000002" not in reason["message"]
    # And the next check is sent to the payer, not answered from the old one
    again = check(client, key, coverage["id"])
    assert again.status_code == 201 and again.json["reused"] is False
    assert again.json["id"] != first.json["id"]
    assert changed(verdict(client, key, coverage["id"], clock)) == []


def test_a_corrected_patient_name_sends_the_next_check_to_the_payer(
    client, key, coverage, clock
):
    assert check(client, key, coverage["id"]).status_code == 201
    assert changed(verdict(client, key, coverage["id"], clock)) == []
    patched = client.patch(f"/v1/patients/{coverage['patient_id']}",
                           json={"last_name": "Quarrington"}, headers=bearer(key))
    assert patched.status_code == 200, patched.json
    assert changed(verdict(client, key, coverage["id"], clock)) != []
    assert check(client, key, coverage["id"]).status_code == 201


def test_other_service_types_or_another_date_are_another_question(client, key, coverage):
    assert check(client, key, coverage["id"]).status_code == 201
    assert check(client, key, coverage["id"], service_types=["MH"]).status_code == 201
    assert check(client, key, coverage["id"], service_types=["MH"]).status_code == 200
    dated = check(client, key, coverage["id"], service_types=["MH"], service_date="2026-11-09")
    assert dated.status_code == 201


def test_a_network_status_change_shows_in_verdicts_and_estimates_at_once(
    client, key, coverage, clock
):
    assert check(client, key, coverage["id"]).status_code == 201
    inside = verdict(client, key, coverage["id"], clock)
    patched = client.patch(f"/v1/coverages/{coverage['id']}", json={"network_status": "out"},
                           headers=bearer(key))
    assert patched.status_code == 200
    outside = verdict(client, key, coverage["id"], clock)
    assert inside["estimate"] != outside["estimate"]
    assert any("out-of-network" in a for a in outside["estimate"]["assumptions"])
    # Network status is not part of the question: the answer is still about this coverage.
    assert changed(outside) == [] and check(client, key, coverage["id"]).status_code == 200
