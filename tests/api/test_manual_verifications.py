"""Phone verifications: what the payer said on a call, stored as an answer with `source:
phone`, judged by verdicts like any answer of its age, audited, never sent to a payer and
never taken for an answer about other data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from payers.directory import load_directory
from service import create_app
from service.db.models import AuditEvent, EligibilityCheck
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


def call(clock, **fields) -> dict:
    """A call an hour ago that said the coverage is active, with its figures."""
    return {"verified_at": (clock() - timedelta(hours=1)).isoformat(), "rep_name": "Dana",
            "reference": "CALL-20261102-77", "active": True, "plan_begin": "2026-01-01",
            "plan_end": "2026-12-31", "copay": "30.00", "coinsurance": "0.20",
            "deductible": "500.00", "deductible_remaining": "120.00",
            "out_of_pocket": "3000.00", "out_of_pocket_remaining": "2500.00",
            "visit_limit": 30, "visits_remaining": 24, "auth_required": False,
            "notes": "Benefits for outpatient therapy confirmed.", **fields}


def record(client, key, coverage_id: str, body: dict, **headers):
    return client.post(f"/v1/coverages/{coverage_id}/manual-verifications", json=body,
                       headers={**bearer(key), **headers})


def verdict(client, key, coverage_id: str, clock) -> dict:
    response = client.post("/v1/visits/check", headers=bearer(key), json={
        "coverage_id": coverage_id, "date": (clock().date() + timedelta(days=3)).isoformat(),
        "code": "90834", "minutes": 45})
    assert response.status_code == 200, response.json
    return dict(response.json)


def codes(found: dict) -> set[str]:
    return {r["code"] for r in found["reasons"]}


def test_a_call_is_stored_as_an_answer_with_source_phone(client, key, coverage, clock):
    response = record(client, key, coverage["id"], call(clock))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["source"] == "phone" and body["status"] == "active"
    assert body["phone_call"] == {"rep_name": "Dana", "reference": "CALL-20261102-77",
                                  "notes": "Benefits for outpatient therapy confirmed."}
    assert body["checked_at"] == (clock() - timedelta(hours=1)).isoformat()
    assert body["route"] is None and body["routes_tried"] == [] and body["reused"] is False
    summary = body["summary"]
    assert summary["in_network"]["copay"] == "30.00"
    assert summary["in_network"]["coinsurance"] == "0.20"
    assert summary["in_network"]["deductible"]["remaining"] == "120.00"
    assert summary["in_network"]["out_of_pocket"]["total"] == "3000.00"
    assert summary["visit_limit"] == {"total": "30", "remaining": "24", "period": None}
    assert summary["plan"]["begin"] == "2026-01-01" and summary["auth_required"] is False
    assert response.headers["Location"].endswith(f"/v1/eligibility-checks/{body['id']}")
    # Read back with the payer's answers, as one of them
    history = client.get(f"/v1/coverages/{coverage['id']}/eligibility-checks",
                         headers=bearer(key)).json
    assert [(c["id"], c["source"]) for c in history["items"]] == [(body["id"], "phone")]


def test_a_payer_s_answer_says_source_payer(client, key, coverage):
    live = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                       headers=bearer(key))
    assert live.status_code == 201
    assert live.json["source"] == "payer" and live.json["phone_call"] is None
    read = client.get(f"/v1/eligibility-checks/{live.json['id']}", headers=bearer(key))
    assert read.json["source"] == "payer"


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"verified_at": "2026-11-02T16:00:00+00:00"}, "verified_at", "future"),
    ({"plan_begin": "2026-06-01", "plan_end": "2026-05-31"}, "plan_end", "before"),
    ({"deductible_remaining": "600.00"}, "deductible_remaining", "More is left"),
    ({"out_of_pocket_remaining": "3000.01"}, "out_of_pocket_remaining", "More is left"),
    ({"visits_remaining": 31}, "visits_remaining", "More is left"),
    ({"copay": "-5.00"}, "copay", "negative"),
    ({"copay": 30}, "copay", "decimal string"),
    ({"coinsurance": "20"}, "coinsurance", "from 0 to 1"),
    ({"coinsurance": "-0.1"}, "coinsurance", "from 0 to 1"),
    ({"network": "maybe"}, "network", "Must be one of"),
    ({"active": "yes"}, "active", "Not a valid boolean"),
    ({"rep_name": ""}, "rep_name", "Length"),
    ({"verified_at": "2026-11-02T14:00:00"}, "verified_at", "aware"),
])
def test_a_wrong_field_is_named_with_its_message(client, key, coverage, clock, fields, field,
                                                 words):
    response = record(client, key, coverage["id"], call(clock, **fields))
    assert response.status_code == 422, response.json
    assert response.json["error"] == "validation_failed"
    assert set(response.json["errors"]) == {field}
    messages = response.json["errors"][field]
    assert any(words.lower() in m.lower() for m in messages), messages


def test_required_fields_are_named(client, key, coverage):
    response = record(client, key, coverage["id"], {})
    assert response.status_code == 422
    assert response.json["error"] == "validation_failed"
    assert set(response.json["errors"]) == {"verified_at", "rep_name", "reference", "active"}


def test_nothing_is_stored_when_a_field_is_wrong(app, client, key, coverage, clock):
    assert record(client, key, coverage["id"], call(clock, copay="-1")).status_code == 422
    with app.extensions["coverwatch"].uow() as work:
        assert work.session.scalars(select(EligibilityCheck)).all() == []


def test_recording_a_call_writes_an_audit_row_naming_the_check(app, client, key, coverage,
                                                               clock):
    body = record(client, key, coverage["id"], call(clock)).json
    with app.extensions["coverwatch"].uow() as work:
        rows = work.session.scalars(select(AuditEvent).where(
            AuditEvent.resource_type == "eligibility_check")).all()
    assert [(r.action, r.resource_id) for r in rows] == [("create", body["id"])]
    assert rows[0].actor.startswith("api_key:") and rows[0].at == clock.now


def test_a_call_that_says_active_turns_an_unverified_visit_covered(client, key, coverage,
                                                                   clock):
    before = verdict(client, key, coverage["id"], clock)
    assert before["status"] == "at_risk" and "ELIGIBILITY_UNVERIFIED" in codes(before)
    assert record(client, key, coverage["id"], call(clock)).status_code == 201
    after = verdict(client, key, coverage["id"], clock)
    assert after["status"] == "covered", after["reasons"]


def test_a_call_that_says_auth_is_required_applies_the_authorization_rules(client, key,
                                                                           coverage, clock):
    assert record(client, key, coverage["id"], call(clock, auth_required=True)).status_code \
        == 201
    found = verdict(client, key, coverage["id"], clock)
    assert "AUTH_REQUIRED" in codes(found) and "ELIGIBILITY_UNVERIFIED" not in codes(found)
    auth = client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage["id"], "number": "PA-1", "quantity": 10,
        "start_date": "2026-11-01", "end_date": "2026-12-31", "codes": ["90834"]})
    assert auth.status_code == 201, auth.json
    assert verdict(client, key, coverage["id"], clock)["status"] == "covered"


def test_a_call_that_says_inactive_makes_the_visit_not_covered(client, key, coverage, clock):
    assert record(client, key, coverage["id"], call(clock, active=False)).status_code == 201
    found = verdict(client, key, coverage["id"], clock)
    assert found["status"] == "not_covered" and "COVERAGE_INACTIVE" in codes(found)


def test_a_call_older_than_the_practice_s_window_leaves_the_visit_unverified(client, key,
                                                                            coverage, clock):
    old = (clock() - timedelta(days=45)).isoformat()
    assert record(client, key, coverage["id"], call(clock, verified_at=old)).status_code == 201
    assert "ELIGIBILITY_UNVERIFIED" in codes(verdict(client, key, coverage["id"], clock))


def test_a_changed_member_id_after_the_call_makes_the_visit_unverified_again(
    client, key, coverage, clock
):
    assert record(client, key, coverage["id"], call(clock)).status_code == 201
    assert verdict(client, key, coverage["id"], clock)["status"] == "covered"
    patched = client.patch(f"/v1/coverages/{coverage['id']}", json={"member_id": "ZZT0000009"},
                           headers=bearer(key))
    assert patched.status_code == 200
    after = verdict(client, key, coverage["id"], clock)
    assert after["status"] == "at_risk"
    assert any(r["code"] == "ELIGIBILITY_UNVERIFIED" and r["data"].get("coverage_changed")
               for r in after["reasons"])


def test_a_live_check_after_a_call_asks_the_payer_and_never_reuses_the_call(
    client, key, coverage, clock
):
    phone = record(client, key, coverage["id"], call(clock)).json
    live = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                       headers=bearer(key))
    assert live.status_code == 201 and live.json["reused"] is False
    assert live.json["id"] != phone["id"] and live.json["source"] == "payer"
    assert live.json["route"] == "sandbox"


def test_another_practice_s_coverage_is_not_found(app, client, coverage, clock):
    _, other = new_practice(app, name="Elsewhere Therapy")
    response = record(client, other, coverage["id"], call(clock))
    assert response.status_code == 404
    with app.extensions["coverwatch"].uow() as work:
        assert work.session.scalars(select(EligibilityCheck)).all() == []


def test_a_retry_with_the_same_idempotency_key_stores_one_answer(app, client, key, coverage,
                                                                 clock):
    first = record(client, key, coverage["id"], call(clock), **{"Idempotency-Key": "call-1"})
    again = record(client, key, coverage["id"], call(clock), **{"Idempotency-Key": "call-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"]
    with app.extensions["coverwatch"].uow() as work:
        assert len(work.session.scalars(select(EligibilityCheck)).all()) == 1


def test_fhir_shows_a_call_as_a_response_by_phone_with_its_figures(client, key, coverage,
                                                                   clock):
    phone = record(client, key, coverage["id"], call(clock)).json
    live = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                       headers=bearer(key)).json
    read = client.get(f"/fhir/CoverageEligibilityResponse/{phone['id']}", headers=bearer(key))
    assert read.status_code == 200, read.json
    body = read.json
    assert {"url": "urn:coverwatch:fhir:answer-source", "valueCode": "phone"} in \
        body["extension"]
    assert body["disposition"] == "The payer said by phone that the coverage is in force."
    assert body["insurance"][0]["inforce"] is True
    assert body["insurance"][0]["benefitPeriod"] == {"start": "2026-01-01", "end": "2026-12-31"}
    benefits = body["insurance"][0]["item"][0]["benefit"]
    copays = [b for b in benefits if b["type"]["coding"][0]["code"] == "copay"]
    assert [b["allowedMoney"]["value"] for b in copays] == [30.0]
    payer = client.get(f"/fhir/CoverageEligibilityResponse/{live['id']}", headers=bearer(key))
    assert {"url": "urn:coverwatch:fhir:answer-source", "valueCode": "payer"} in \
        payer.json["extension"]
