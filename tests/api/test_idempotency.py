"""Idempotency-Key on every POST: a retry replays the first answer, a reused key with another
body is refused, answers other than 2xx are not kept, and keys expire after 24 hours."""

from __future__ import annotations

import json
import uuid

import pytest
from flask import Flask
from sqlalchemy import func, select

from service.db.models import IdempotencyKey, Patient, Visit
from service.practice import idempotency
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE


@pytest.fixture
def key(app: Flask) -> str:
    return new_practice(app)[1]


def keyed(api_key: str, idempotency_key: str) -> dict[str, str]:
    return {**bearer(api_key), "Idempotency-Key": idempotency_key}


def count(app: Flask, model: type) -> int:
    with app.extensions["coverwatch"].uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def visit_body(coverage_id: str, **extra: object) -> dict:
    return {"coverage_id": coverage_id, "date": "2026-11-10", "code": "90834", "minutes": 45,
            **extra}


def test_a_retried_booking_replays_the_first_answer_and_books_once(app, client, key):
    # Given a coverage
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])
    # When the same booking is sent three times with one key
    answers = [client.post("/v1/visits", json=visit_body(coverage["id"]),
                           headers=keyed(key, "booking-7f3a")) for _ in range(3)]
    # Then the first is answered as usual, the others replay it byte for byte
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[0].headers.get("Idempotent-Replayed") is None
    assert all(a.headers["Idempotent-Replayed"] == "true" for a in answers[1:])
    assert {a.get_data() for a in answers} == {answers[0].get_data()}
    assert {a.headers["ETag"] for a in answers} == {answers[0].headers["ETag"]}
    # And one visit was written
    assert count(app, Visit) == 1


def test_the_same_body_in_another_key_order_or_spacing_is_the_same_request(app, client, key):
    first = client.post("/v1/patients", json=PEOPLE[1].patient_json(), headers=keyed(key, "k1"))
    body = PEOPLE[1].patient_json()
    again = client.post("/v1/patients", data="  " + json.dumps(
        dict(reversed(list(body.items())))), content_type="application/json",
        headers=keyed(key, "k1"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(app, Patient) == 1


def test_a_key_sent_again_with_another_body_is_refused_and_nothing_is_written(app, client, key):
    create = client.post("/v1/patients", json=PEOPLE[0].patient_json(),
                         headers=keyed(key, "same-key"))
    other = client.post("/v1/patients", json=PEOPLE[1].patient_json(),
                        headers=keyed(key, "same-key"))
    assert create.status_code == 201
    assert other.status_code == 422
    assert other.json["error"] == "idempotency_key_reused"
    assert set(other.json["errors"]) == {"Idempotency-Key"}
    assert count(app, Patient) == 1


def test_the_same_key_on_another_path_is_another_request(client, key):
    client.post("/v1/patients", json=PEOPLE[0].patient_json(), headers=keyed(key, "k-path"))
    other = client.post("/v1/authorizations", json={}, headers=keyed(key, "k-path"))
    assert other.json["error"] == "idempotency_key_reused"


@pytest.mark.parametrize("bad", ["", "a" * 256, "has space", "naïve"])
def test_a_malformed_key_is_refused_before_anything_is_done(app, client, key, bad):
    response = client.post("/v1/patients", json=PEOPLE[0].patient_json(),
                           headers=keyed(key, bad))
    assert response.status_code == 400
    assert set(response.json["errors"]) == {"Idempotency-Key"}
    assert count(app, Patient) == 0


def test_an_answer_other_than_2xx_is_not_kept_so_the_corrected_retry_runs(app, client, key):
    # Given a first send that fails validation
    broken = client.post("/v1/patients", json={"first_name": "Ada"}, headers=keyed(key, "k2"))
    assert broken.status_code == 422
    # When the corrected request is sent with the same key
    fixed = client.post("/v1/patients", json=PEOPLE[0].patient_json(), headers=keyed(key, "k2"))
    # Then it runs for real
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed.headers
    assert count(app, Patient) == 1


def test_keys_belong_to_their_api_key_and_practice(app, client, key):
    other_key = new_practice(app, name="Eastside Therapy")[1]
    mine = client.post("/v1/patients", json=PEOPLE[0].patient_json(), headers=keyed(key, "k3"))
    theirs = client.post("/v1/patients", json=PEOPLE[0].patient_json(),
                         headers=keyed(other_key, "k3"))
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json["id"] != theirs.json["id"]


def test_a_key_is_replayed_for_24_hours_then_forgotten_and_purged(app, client, key, clock):
    body = PEOPLE[0].patient_json(external_id="EHR-77")
    first = client.post("/v1/patients", json=body, headers=keyed(key, "k4"))
    clock.advance(hours=23, minutes=59)
    assert client.post("/v1/patients", json=body,
                       headers=keyed(key, "k4")).headers.get("Idempotent-Replayed") == "true"
    clock.advance(minutes=2)
    # After the window the key runs again (the upsert by external_id updates the patient)
    late = client.post("/v1/patients", json=body, headers=keyed(key, "k4"))
    assert (first.status_code, late.status_code) == (201, 200)
    assert "Idempotent-Replayed" not in late.headers
    # And the purge deletes what is older than the window
    clock.advance(hours=25)
    wiring = app.extensions["coverwatch"]
    assert idempotency.purge(uow=wiring.uow(), clock=wiring.clock) == 1
    assert count(app, IdempotencyKey) == 0


def test_the_purge_command_reports_how_many_keys_it_deleted(app, client, key, clock):
    client.post("/v1/patients", json=PEOPLE[0].patient_json(), headers=keyed(key, "k5"))
    clock.advance(hours=25)
    # The flask command line runs commands in an app context
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["purge-idempotency-keys"])
    assert result.exit_code == 0, result.output
    assert "1 " in result.output
    assert count(app, IdempotencyKey) == 0


def test_a_post_that_only_reads_is_replayed_too(app, client, key):
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])
    body = visit_body(coverage["id"])
    first = client.post("/v1/visits/check", json=body, headers=keyed(key, "k6"))
    again = client.post("/v1/visits/check", json=body, headers=keyed(key, "k6"))
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json


def test_an_asynchronous_check_replays_its_202_and_location(app, client, key):
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id="ZZT0000001")
    headers = {**keyed(key, "k7"), "Prefer": "respond-async"}
    first = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                        headers=headers)
    again = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                        headers=headers)
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Preference-Applied"] == "respond-async"
    assert again.json["id"] == first.json["id"]
    # The Location still leads to the check as it is now
    assert client.get(again.headers["Location"], headers=bearer(key)).status_code == 200


def test_without_the_header_a_post_stores_no_key(app, client, key):
    create_patient(client, key, PEOPLE[0])
    assert count(app, IdempotencyKey) == 0


def test_an_unknown_key_id_for_a_request_is_never_logged(client, key, caplog):
    secret = f"client-{uuid.uuid4().hex}"
    client.post("/v1/patients", json=PEOPLE[0].patient_json(), headers=keyed(key, secret))
    client.post("/v1/patients", json=PEOPLE[1].patient_json(), headers=keyed(key, secret))
    assert secret not in caplog.text
