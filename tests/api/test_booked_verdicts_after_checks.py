"""A live check's answer reaches the visits already booked: their stored verdicts (the
schedule, GET /v1/visits) are judged again on it, not left as they were at booking."""

from __future__ import annotations

from datetime import timedelta

from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE


def book(client, key, coverage_id: str, day: str) -> dict:
    booked = client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage_id, "date": day, "code": "90834", "minutes": 45})
    assert booked.status_code == 201, booked.json
    return dict(booked.json)


def codes(visit: dict) -> set[str]:
    return {r["code"] for r in visit["verdict"]["reasons"]}


def test_a_visit_booked_before_the_check_takes_the_answer_s_verdict(app, client, clock):
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id="ZZT0000001")
    day = (clock().date() + timedelta(days=3)).isoformat()
    visit = book(client, key, coverage["id"], day)
    assert "ELIGIBILITY_UNVERIFIED" in codes(visit)

    checked = client.post("/v1/eligibility-checks", headers=bearer(key),
                          json={"coverage_id": coverage["id"]})
    assert checked.status_code == 201 and checked.json["status"] == "active"

    after = client.get(f"/v1/visits/{visit['id']}", headers=bearer(key)).json
    assert "ELIGIBILITY_UNVERIFIED" not in codes(after), after["verdict"]
    # The same verdict a booking now would get (the visit's own draw aside: no authorization).
    judged = client.post("/v1/visits/check", headers=bearer(key), json={
        "coverage_id": coverage["id"], "date": day, "code": "90834", "minutes": 45}).json
    assert after["verdict"]["status"] == judged["status"]
    assert codes(after) == {r["code"] for r in judged["reasons"]}


def test_an_inactive_answer_makes_the_booked_visit_not_covered(app, client, clock):
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[1])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[1], member_id="ZZT0000005")
    visit = book(client, key, coverage["id"], (clock().date() + timedelta(days=5)).isoformat())
    checked = client.post("/v1/eligibility-checks", headers=bearer(key),
                          json={"coverage_id": coverage["id"]})
    assert checked.json["status"] == "inactive"
    after = client.get(f"/v1/visits/{visit['id']}", headers=bearer(key)).json
    assert after["verdict"]["status"] == "not_covered" and "COVERAGE_INACTIVE" in codes(after)
