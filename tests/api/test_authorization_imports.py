"""278 imports over HTTP: a file is recorded only for the coverage's own subscriber and
patient, and every decision in it is recorded, or none."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE
from tests.support.x278 import Decision, Review, dependent, member, response_278

MEMBER_ID = "ZZT0000003"  # the sandbox payer says therapy needs an authorization


@pytest.fixture
def setup(app, client):
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id=MEMBER_ID)
    return key, coverage["id"]


def send(client, key, coverage_id, *reviews):
    return client.post("/v1/authorizations/from-278", headers=bearer(key), json={
        "coverage_id": coverage_id, "x12": response_278(*reviews)})


def numbers(client, key, coverage_id):
    listed = client.get(f"/v1/coverages/{coverage_id}/authorizations", headers=bearer(key))
    return sorted(a["number"] for a in listed.json["items"])


def ours(**changes) -> Review:
    return Review(subscriber=replace(member(PEOPLE[0], MEMBER_ID), **changes))


def leaks(response) -> list[str]:
    """The synthetic people's data found in an answer: an error names parts, never data."""
    text = response.get_data(as_text=True).upper()
    return [value for person in PEOPLE[:2] for value in (
        person.last_name.upper(), person.first_name.upper(), person.member_id,
        person.birth_date.replace("-", "")) if value in text]


@pytest.mark.parametrize(("review", "reason"), [
    (Review(subscriber=member(PEOPLE[1])), "X278_SUBSCRIBER_ID_MISMATCH"),
    (ours(member_id=PEOPLE[1].member_id), "X278_SUBSCRIBER_ID_MISMATCH"),
    (ours(name=member(PEOPLE[1]).name), "X278_SUBSCRIBER_NAME_MISMATCH"),
    (ours(birth_date=date(1990, 1, 1)), "X278_SUBSCRIBER_BIRTH_DATE_MISMATCH"),
    (replace(ours(), dependent=dependent(PEOPLE[3])), "X278_PATIENT_NOT_DEPENDENT"),
])
def test_a_278_about_someone_else_is_refused_naming_the_part_that_differs(
    client, setup, review, reason
):
    # Given a coverage whose patient is the subscriber
    key, coverage_id = setup
    # When a 278 about another member (or another part of this one) is imported for it
    response = send(client, key, coverage_id, review)
    # Then it is refused with the part that differs, no data of either person, nothing saved
    assert response.status_code == 422, response.json
    assert response.json["errors"]["reason"] == reason
    assert any("does not match" in m or "dependent" in m for m in response.json["errors"]["x12"])
    assert leaks(response) == []
    assert numbers(client, key, coverage_id) == []


def test_case_accents_spacing_and_a_truncated_first_name_still_match(client, setup):
    key, coverage_id = setup
    name = member(PEOPLE[0]).name
    review = ours(member_id=" zzt-0000003 ".strip(),
                  name=replace(name, last=name.last.lower(), first=name.first[:3]))
    response = send(client, key, coverage_id, review)
    assert response.status_code == 201, response.json
    assert numbers(client, key, coverage_id) == ["ZZAUTH0001"]


def test_a_278_for_a_dependent_patient_must_name_the_subscriber_and_the_patient(app, client):
    # Given a child's coverage under a parent's card
    _, key = new_practice(app)
    child = create_patient(client, key, PEOPLE[3])
    holder = {**PEOPLE[1].subscriber_json(), "member_id": MEMBER_ID}
    coverage_id = create_coverage(client, key, child["id"], PEOPLE[3], member_id=MEMBER_ID,
                                  relationship="child", subscriber=holder)["id"]
    parent = member(PEOPLE[1], MEMBER_ID)
    # When the 278 names the parent only, or another child, it is refused
    alone = send(client, key, coverage_id, Review(subscriber=parent))
    assert (alone.status_code, alone.json["errors"]["reason"]) == (422, "X278_PATIENT_MISSING")
    other = send(client, key, coverage_id, Review(subscriber=parent,
                                                  dependent=dependent(PEOPLE[5])))
    assert other.json["errors"]["reason"] == "X278_PATIENT_NAME_MISMATCH"
    assert leaks(other) == [] and numbers(client, key, coverage_id) == []
    # And naming the parent and this child, it is recorded
    right = send(client, key, coverage_id, Review(subscriber=parent,
                                                  dependent=dependent(PEOPLE[3])))
    assert right.status_code == 201, right.json


def test_every_decision_of_every_278_in_the_file_is_recorded(client, setup):
    # Given a file of two 278 responses, the first with two patient events
    key, coverage_id = setup
    first = replace(ours(), decisions=(
        Decision(number="ZZAUTH0001", quantity=12),
        Decision(number="ZZAUTH0002", quantity=8, unit="FL", code="H0004")))
    second = replace(ours(), decisions=(Decision(number="ZZAUTH0003", quantity=4),))
    # When it is imported
    response = send(client, key, coverage_id, first, second)
    # Then all three decisions are authorizations of the coverage, in file order
    assert response.status_code == 201, response.json
    assert [(i["number"], i["created"]) for i in response.json["imported"]] == [
        ("ZZAUTH0001", True), ("ZZAUTH0002", True), ("ZZAUTH0003", True)]
    assert response.json["number"] == "ZZAUTH0001"
    listed = client.get(f"/v1/coverages/{coverage_id}/authorizations",
                        headers=bearer(key)).json["items"]
    assert {a["number"]: (a["quantity"], a["unit"], a["codes"]) for a in listed} == {
        "ZZAUTH0001": (12, "visit", ["90837"]), "ZZAUTH0002": (8, "unit", ["H0004"]),
        "ZZAUTH0003": (4, "visit", ["90837"])}


def test_a_file_with_one_278_about_someone_else_is_refused_whole(client, setup):
    key, coverage_id = setup
    good = replace(ours(), decisions=(Decision(number="ZZAUTH0001"),))
    stranger = Review(subscriber=member(PEOPLE[1]), decisions=(Decision(number="ZZAUTH0009"),))
    response = send(client, key, coverage_id, good, stranger)
    assert response.status_code == 422, response.json
    assert response.json["errors"]["reason"] == "X278_SUBSCRIBER_ID_MISMATCH"
    assert response.json["errors"]["x12"] == [
        "Transaction set 0002: The 278's subscriber member id does not match this coverage.",
        "Transaction set 0002: The 278's subscriber name does not match this coverage.",
        "Transaction set 0002: The 278's subscriber birth date does not match this coverage."]
    assert numbers(client, key, coverage_id) == []


def test_a_file_with_a_decision_lacking_dates_is_refused_whole(client, setup):
    key, coverage_id = setup
    response = send(client, key, coverage_id, replace(ours(), decisions=(
        Decision(number="ZZAUTH0001"), Decision(number="ZZAUTH0002", dated=False))))
    assert response.status_code == 422, response.json
    assert response.json["errors"]["x12"] == [
        "Patient event 2: The 278 gives no certified date range (DTP)."]
    assert numbers(client, key, coverage_id) == []
