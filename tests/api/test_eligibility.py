"""Eligibility checks through the API against the sandbox payer: answers, reuse, rejections,
faults, carve-out chaining, raw X12 for admins, history and tenancy."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from payers.directory import load_directory
from service import create_app
from service.db.models import AuditEvent, EligibilityCheck
from tests.support.builders import (
    VALID_NPIS,
    bearer,
    create_coverage,
    create_patient,
    new_key,
    new_practice,
)
from tests.support.people import PEOPLE

DIRECTORY = """
payers:
  - {id: sandbox, name: Sandbox Health Plan, payer_id: SANDBOX01, adapter: sandbox,
     timeout_s: 1}
  - {id: sandbox-bho, name: Sandbox Behavioral Health, payer_id: SANDBOXBHO, adapter: sandbox,
     timeout_s: 1}
"""


@pytest.fixture
def app(db_url, clock, tmp_path: Path):
    path = tmp_path / "payers.yaml"
    path.write_text(DIRECTORY)
    application = create_app({"database_url": db_url, "log_level": "DEBUG"},
                             payers=load_directory(path), clock=clock)
    yield application
    application.extensions["coverwatch"].dispose()


@pytest.fixture
def key(app: Flask) -> str:
    return new_practice(app)[1]


def coverage_for(client, key, member_id: str, person=PEOPLE[0], **extra) -> str:
    patient = create_patient(client, key, person)
    return create_coverage(client, key, patient["id"], person, member_id=member_id, **extra)["id"]


def check(client, key, coverage_id: str, **body):
    return client.post("/v1/eligibility-checks", json={"coverage_id": coverage_id, **body},
                       headers=bearer(key))


def test_an_active_plan_answers_201_with_the_mental_health_summary(client, key):
    response = check(client, key, coverage_for(client, key, "ZZT0000001"),
                     service_types=["MH", "A6"], service_date="2026-11-10")
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "active" and body["reused"] is False and body["error"] is None
    assert body["route"] == "sandbox" and body["routes_tried"] == ["sandbox"]
    assert body["service_types"] == ["A6", "MH"]
    summary = body["summary"]
    assert summary["plan"]["name"] == "SANDBOX PPO"
    assert summary["in_network"]["copay"] == "25.00"
    assert summary["in_network"]["coinsurance"] == "0.1"
    assert summary["in_network"]["deductible"] == {"total": "500.00", "remaining": "125.50",
                                                   "level": "individual", "family": None}
    assert summary["in_network"]["tiers"] == []
    assert summary["out_of_network"]["coinsurance"] == "0.4"
    assert summary["auth_required"] is False and summary["carve_out"] is None
    assert summary["provider_network"] == {"status": "unknown", "evidence": None}
    assert summary["telehealth"] is None and summary["other_coverage"] == []
    assert summary["mh_benefits_reported"] is True
    assert "x12" not in body


def test_a_recent_answer_is_reused_without_asking_the_payer_again(client, key, clock):
    coverage_id = coverage_for(client, key, "ZZT0000001")
    first = check(client, key, coverage_id).json
    clock.advance(hours=23)
    again = check(client, key, coverage_id)
    assert again.status_code == 200
    assert again.json["reused"] is True and again.json["id"] == first["id"]
    forced = check(client, key, coverage_id, force=True)
    assert forced.status_code == 201 and forced.json["id"] != first["id"]
    other_types = check(client, key, coverage_id, service_types=["A6"])
    assert other_types.status_code == 201
    clock.advance(hours=25)
    expired = check(client, key, coverage_id)
    assert expired.status_code == 201 and expired.json["reused"] is False


@pytest.mark.parametrize(
    ("member_id", "code", "action", "retryable"),
    [("ZZT0000072", "72", "The member ID was not recognized — check the card", False),
     ("ZZT0000073", "73", "The name does not match", False),
     ("ZZT0000075", "75", "could not find this subscriber", False),
     ("ZZT0000042", "42", "try again in a few minutes", True)],
)
def test_aaa_rejections_come_back_with_a_next_step(client, key, member_id, code, action,
                                                    retryable):
    body = check(client, key, coverage_for(client, key, member_id)).json
    assert body["status"] == "rejected"
    rejection = body["rejections"][0]
    assert rejection["code"] == code and rejection["retryable"] is retryable
    assert action in rejection["action"]
    assert rejection["description"]


def test_rejections_are_not_reused(client, key):
    coverage_id = coverage_for(client, key, "ZZT0000072")
    first = check(client, key, coverage_id).json
    second = check(client, key, coverage_id)
    assert second.status_code == 201 and second.json["id"] != first["id"]


def test_an_inactive_plan_is_inactive(client, key):
    body = check(client, key, coverage_for(client, key, "ZZT0000005")).json
    assert body["status"] == "inactive" and body["summary"]["active"] is False


def test_a_carve_out_is_checked_with_the_behavioral_health_payer_and_linked(client, key):
    parent = check(client, key, coverage_for(client, key, "ZZT0000004")).json
    assert parent["summary"]["carve_out"]["payer_id"] == "SANDBOXBHO"
    child_id = parent["carve_out_check_id"]
    assert child_id is not None
    child = client.get(f"/v1/eligibility-checks/{child_id}", headers=bearer(key)).json
    assert child["route"] == "sandbox-bho" and child["payer"] == "sandbox-bho"
    assert child["carve_out_of_id"] == parent["id"] and child["status"] == "active"


@pytest.mark.parametrize(
    ("member_id", "code"),
    [("ZZT0000500", "PAYER_UNAVAILABLE"), ("ZZT0000502", "PAYER_UNAVAILABLE"),
     ("ZZT0000991", "PAYER_RESPONSE_INVALID"), ("ZZT0000992", "PAYER_RESPONSE_INVALID"),
     ("ZZT0000993", "PAYER_ENVELOPE_ERROR")],
)
def test_payer_faults_are_stored_errors_never_500s(app, client, key, member_id, code):
    response = check(client, key, coverage_for(client, key, member_id))
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "error" and body["error"]["code"] == code
    assert body["error"]["message"] and body["summary"] is None
    stored = _stored(app, body["id"])
    assert stored.request_raw and stored.request_raw.startswith("ISA")


def test_a_timeout_answers_within_the_limit_and_blocks_a_resend_for_90_seconds(
    app, client, key, clock
):
    coverage_id = coverage_for(client, key, "ZZT0000504")
    started = time.monotonic()
    body = check(client, key, coverage_id).json
    assert time.monotonic() - started < 2.0  # route timeout 1 s, plus 1 s
    assert body["status"] == "error" and body["error"]["code"] == "PAYER_TIMEOUT"
    clock.advance(seconds=30)
    blocked = check(client, key, coverage_id, force=True)
    # A refusal, not a result: 409 with the wait, and nothing stored.
    assert blocked.status_code == 409
    assert blocked.headers["Retry-After"] == "61"
    assert blocked.json["errors"] == {"reason": "PAYER_RESEND_TOO_SOON", "retry_after_s": 61}
    assert "61 seconds" in blocked.json["message"]
    clock.advance(seconds=60)
    assert check(client, key, coverage_id).headers["Retry-After"] == "1"
    clock.advance(seconds=1)
    retried = check(client, key, coverage_id).json
    assert retried["error"]["code"] == "PAYER_TIMEOUT"
    with app.extensions["coverwatch"].uow() as uow:
        rows = uow.session.scalars(select(EligibilityCheck)).all()
    assert sorted(r.error_code for r in rows) == ["PAYER_TIMEOUT", "PAYER_TIMEOUT"]
    assert all(r.request_raw for r in rows)


def test_a_refused_resend_leaves_the_timeout_as_the_check_failing_alerts_cause(
    app, client, key, clock
):
    coverage_id = coverage_for(client, key, "ZZT0000504")
    assert check(client, key, coverage_id).json["error"]["code"] == "PAYER_TIMEOUT"
    clock.advance(seconds=10)
    assert check(client, key, coverage_id, force=True).status_code == 409
    alerts = client.get("/v1/alerts", headers=bearer(key)).json["items"]
    failing = [a for a in alerts if a["kind"] == "check_failing"]
    assert [a["data"]["error_code"] for a in failing] == ["PAYER_TIMEOUT"]
    history = client.get(f"/v1/coverages/{coverage_id}/eligibility-checks",
                         headers=bearer(key)).json
    assert history["total"] == 1
    # A refusal stored as a check before refusals answered 409 does not mask it either.
    timed_out = _stored(app, history["items"][0]["id"])
    with app.extensions["coverwatch"].uow() as uow:
        uow.session.add(EligibilityCheck(
            id=uuid.uuid4(), practice_id=timed_out.practice_id, coverage_id=timed_out.coverage_id,
            payer=timed_out.payer, service_types=timed_out.service_types,
            provider_npi=timed_out.provider_npi, network_status="in", status="error",
            error_code="PAYER_RESEND_TOO_SOON", reached_payer=False, trace_number="legacy",
            control_number=0, requested_by="key:legacy", started_at=clock(),
            checked_at=clock()))
        uow.commit()
    alerts = client.get("/v1/alerts", headers=bearer(key)).json["items"]
    assert [a["data"]["error_code"] for a in alerts if a["kind"] == "check_failing"] == [
        "PAYER_TIMEOUT"]


def test_admins_get_the_raw_270_and_271_and_others_get_403(app, client, key):
    body = check(client, key, coverage_for(client, key, "ZZT0000001")).json
    url = f"/v1/eligibility-checks/{body['id']}"
    raw = client.get(f"{url}?include=x12", headers=bearer(key)).json["x12"]
    assert raw["request"].startswith("ISA") and "ST*270*" in raw["request"]
    assert "ST*271*" in raw["response"]
    reader = bearer(new_key(app, _stored(app, body["id"]).practice_id, {"read"}))
    assert client.get(f"{url}?include=x12", headers=reader).status_code == 403
    plain = client.get(url, headers=reader)
    assert plain.status_code == 200 and "x12" not in plain.json


def _stored(app, check_id: str) -> EligibilityCheck:
    with app.extensions["coverwatch"].uow() as uow:
        row = uow.session.get(EligibilityCheck, uuid.UUID(check_id))
    assert row is not None
    return row


def test_a_dependent_is_asked_in_loop_2000d_under_the_subscriber(app, client, key):
    child, parent = PEOPLE[3], PEOPLE[2]
    coverage_id = coverage_for(client, key, "ZZT0000001", child, relationship="child",
                               subscriber={**parent.subscriber_json(), "member_id": "ZZT0000001"})
    body = check(client, key, coverage_id).json
    request = client.get(f"/v1/eligibility-checks/{body['id']}?include=x12",
                         headers=bearer(key)).json["x12"]["request"]
    assert "HL*4*3*23*0" in request and "NM1*03*1*" + child.last_name.upper() in request
    assert "NM1*IL*1*" + parent.last_name.upper() in request


def test_history_lists_a_coverages_checks_newest_first(client, key, clock):
    coverage_id = coverage_for(client, key, "ZZT0000001")
    ids = []
    for _ in range(3):
        ids.append(check(client, key, coverage_id, force=True).json["id"])
        clock.advance(minutes=1)
    listing = client.get(f"/v1/coverages/{coverage_id}/eligibility-checks?page_size=2",
                         headers=bearer(key)).json
    assert listing["total"] == 3
    assert [c["id"] for c in listing["items"]] == ids[::-1][:2]


def test_another_practice_sees_neither_the_coverage_nor_the_check(app, client, key):
    coverage_id = coverage_for(client, key, "ZZT0000001")
    body = check(client, key, coverage_id).json
    _, other = new_practice(app, name="Other", npi=VALID_NPIS[1])
    assert check(client, other, coverage_id).status_code == 404
    unseen = client.get(f"/v1/eligibility-checks/{body['id']}", headers=bearer(other))
    assert unseen.status_code == 404
    assert unseen.json["message"] == "Eligibility check not found."
    assert client.get(f"/v1/coverages/{coverage_id}/eligibility-checks",
                      headers=bearer(other)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [({"service_types": ["mh!"]}, "service_types"), ({"service_types": []}, "service_types"),
     ({"provider_npi": "1234567890"}, "provider_npi"), ({"force": "maybe"}, "force"),
     ({"service_date": "tomorrow"}, "service_date"), ({"extra": 1}, "extra")],
)
def test_invalid_check_requests_answer_422(client, key, body, field):
    coverage_id = coverage_for(client, key, "ZZT0000001")
    response = check(client, key, coverage_id, **body)
    assert response.status_code == 422 and field in response.json["errors"]


def test_every_check_is_audited(app, client, key):
    coverage_id = coverage_for(client, key, "ZZT0000001")
    check(client, key, coverage_id)
    check(client, key, coverage_id)
    with app.extensions["coverwatch"].uow() as uow:
        actions = [(e.action, e.resource_type) for e in uow.session.scalars(
            select(AuditEvent).where(AuditEvent.resource_type == "eligibility_check")
            .order_by(AuditEvent.id))]
    assert actions == [("create", "eligibility_check"), ("read", "eligibility_check")]
