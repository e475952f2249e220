"""A coverage's life cycle over HTTP: one card and one priority active per patient, and ending a
coverage, which verdicts then honour."""

from __future__ import annotations

import pytest

from tests.support.builders import (
    authorized_coverage,
    bearer,
    create_patient,
    new_practice,
)
from tests.support.people import PEOPLE


@pytest.fixture
def patient(app, client):
    _, key = new_practice(app)
    return key, create_patient(client, key, PEOPLE[0])["id"]


def add(client, key, patient_id, **extra):
    body = {"payer": "sandbox", "member_id": PEOPLE[0].member_id, "relationship": "self",
            **extra}
    return client.post(f"/v1/patients/{patient_id}/coverages", json=body, headers=bearer(key))


def change(client, key, coverage_id, **body):
    return client.patch(f"/v1/coverages/{coverage_id}", json=body, headers=bearer(key))


def no_phi(body):
    person = PEOPLE[0]
    return not any(v in str(body) for v in (person.member_id, person.last_name,
                                            person.first_name, person.birth_date))


def test_the_same_payer_and_member_id_twice_on_one_patient_is_refused(client, patient):
    key, patient_id = patient
    first = add(client, key, patient_id).json

    again = add(client, key, patient_id, priority="secondary")

    assert again.status_code == 409
    assert again.json["errors"] == {"reason": "COVERAGE_DUPLICATE", "coverage_id": first["id"]}
    assert no_phi(again.json)
    listed = client.get(f"/v1/patients/{patient_id}/coverages", headers=bearer(key)).json
    assert listed["total"] == 1


def test_one_primary_and_one_secondary_at_a_time(client, patient):
    key, patient_id = patient
    primary = add(client, key, patient_id).json
    second_primary = add(client, key, patient_id, member_id="ZZT0000001")
    assert second_primary.status_code == 409
    assert second_primary.json["errors"] == {"reason": "COVERAGE_PRIORITY_TAKEN",
                                             "coverage_id": primary["id"]}
    secondary = add(client, key, patient_id, member_id="ZZT0000001", priority="secondary")
    assert secondary.status_code == 201
    third = add(client, key, patient_id, member_id="ZZT0000002", priority="secondary")
    assert third.status_code == 409 and third.json["errors"]["reason"] == (
        "COVERAGE_PRIORITY_TAKEN")
    promoted = change(client, key, secondary.json["id"], priority="primary")
    assert promoted.status_code == 409
    same_card = change(client, key, secondary.json["id"], member_id=PEOPLE[0].member_id)
    assert same_card.status_code == 409 and same_card.json["errors"] == {
        "reason": "COVERAGE_DUPLICATE", "coverage_id": primary["id"]}


def test_another_patient_may_hold_the_same_card(client, patient):
    key, patient_id = patient
    add(client, key, patient_id)
    spouse = create_patient(client, key, PEOPLE[1])
    assert add(client, key, spouse["id"]).status_code == 201


def test_an_ended_coverage_frees_its_card_and_priority(client, patient, clock):
    key, patient_id = patient
    old = add(client, key, patient_id).json
    assert (old["status"], old["end_date"]) == ("active", None)

    ended = change(client, key, old["id"], status="ended")

    assert ended.status_code == 200
    assert (ended.json["status"], ended.json["end_date"]) == (
        "ended", clock().date().isoformat())
    renewed = add(client, key, patient_id)
    assert renewed.status_code == 201 and renewed.json["status"] == "active"
    back = change(client, key, old["id"], status="active")
    assert back.status_code == 409 and back.json["errors"] == {
        "reason": "COVERAGE_DUPLICATE", "coverage_id": renewed.json["id"]}
    moved_end = change(client, key, old["id"], end_date="2026-10-31")
    assert moved_end.status_code == 200 and moved_end.json["end_date"] == "2026-10-31"


def test_an_end_date_needs_the_ended_status(client, patient):
    key, patient_id = patient
    coverage = add(client, key, patient_id).json
    response = change(client, key, coverage["id"], status="active", end_date="2026-12-31")
    assert response.status_code == 422 and "end_date" in response.json["errors"]
    response = change(client, key, coverage["id"], end_date="2026-12-31")
    assert response.status_code == 422 and "end_date" in response.json["errors"]
    bad = change(client, key, coverage["id"], status="over")
    assert bad.status_code == 422 and "status" in bad.json["errors"]


def test_visits_after_a_coverage_ended_are_not_covered(app, client):
    ledger = authorized_coverage(app, client, number="AUTH-E", quantity=5)
    key, coverage_id = ledger["key"], ledger["coverage_id"]
    ended = change(client, key, coverage_id, status="ended", end_date="2026-11-15")
    assert ended.status_code == 200

    def verdict(day):
        return client.post("/v1/visits/check", headers=bearer(key), json={
            "coverage_id": coverage_id, "date": day, "code": "90837", "minutes": 55}).json

    after = verdict("2026-11-16")
    assert after["status"] == "not_covered"
    [reason] = [r for r in after["reasons"] if r["code"] == "COVERAGE_ENDED"]
    assert reason["data"] == {"ended_on": "2026-11-15", "visit_date": "2026-11-16"}
    assert "COVERAGE_ENDED" not in {r["code"] for r in verdict("2026-11-15")["reasons"]}
    booked = client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage_id, "date": "2026-11-20", "code": "90837", "minutes": 55}).json
    assert booked["verdict"]["status"] == "not_covered"


def test_another_practices_coverage_cannot_be_ended(app, client, patient):
    key, patient_id = patient
    coverage = add(client, key, patient_id).json
    _, other_key = new_practice(app, name="Other", npi="1245319599")
    assert change(client, other_key, coverage["id"], status="ended").status_code == 404
    kept = client.get(f"/v1/coverages/{coverage['id']}", headers=bearer(key)).json
    assert kept["status"] == "active"


def test_creating_a_coverage_for_another_practices_patient_is_not_found(app, client, patient):
    _, patient_id = patient
    _, other_key = new_practice(app, name="Other", npi="1245319599")
    assert add(client, other_key, patient_id).status_code == 404


def test_ending_a_coverage_gives_its_visits_after_the_end_their_new_verdict(app, client):
    ledger = authorized_coverage(app, client, number="AUTH-F", quantity=5)
    key, coverage_id = ledger["key"], ledger["coverage_id"]

    def book(day):
        return client.post("/v1/visits", headers=bearer(key), json={
            "coverage_id": coverage_id, "date": day, "code": "90837", "minutes": 55}).json

    before, after = book("2026-11-10"), book("2026-11-20")
    assert after["verdict"]["status"] != "not_covered"

    change(client, key, coverage_id, status="ended", end_date="2026-11-15")

    def verdict(visit):
        return client.get(f"/v1/visits/{visit['id']}", headers=bearer(key)).json["verdict"]

    assert "COVERAGE_ENDED" in {r["code"] for r in verdict(after)["reasons"]}
    assert "COVERAGE_ENDED" not in {r["code"] for r in verdict(before)["reasons"]}
    alerts = client.get("/v1/alerts", headers=bearer(key),
                        query_string={"kind": "visit_not_covered"}).json["items"]
    assert [a["data"]["date"] for a in alerts] == ["2026-11-20"]

    change(client, key, coverage_id, status="active")
    assert verdict(after)["status"] != "not_covered"
