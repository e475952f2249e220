"""Coverages API: self and dependent coverages, the subscriber rule, payer ids, changes."""

import pytest

from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE

CHILD, PARENT = PEOPLE[3], PEOPLE[2]


@pytest.fixture
def key(app):
    return new_practice(app)[1]


@pytest.fixture
def patient(client, key):
    return create_patient(client, key, CHILD)


def test_a_self_coverage_is_created_with_defaults(client, key, patient):
    coverage = create_coverage(client, key, patient["id"], CHILD)
    assert coverage["relationship"] == "self" and coverage["subscriber"] is None
    assert coverage["priority"] == "primary" and coverage["network_status"] == "in"
    assert coverage["patient_id"] == patient["id"] and coverage["payer"] == "sandbox"


def test_a_dependent_coverage_keeps_its_subscriber(client, key, patient):
    coverage = create_coverage(
        client, key, patient["id"], CHILD, relationship="child", member_id=PARENT.member_id,
        subscriber=PARENT.subscriber_json(), group_number="GRP-77", network_status="out",
        priority="secondary",
    )
    assert coverage["subscriber"] == PARENT.subscriber_json()
    assert coverage["group_number"] == "GRP-77" and coverage["network_status"] == "out"
    fetched = client.get(f"/v1/coverages/{coverage['id']}", headers=bearer(key)).json
    assert fetched == coverage


def test_a_dependent_coverage_without_subscriber_is_refused(client, key, patient):
    response = client.post(f"/v1/patients/{patient['id']}/coverages", headers=bearer(key),
                           json={"payer": "sandbox", "member_id": "ZZ-1", "relationship": "child"})
    assert response.status_code == 422
    assert response.json["errors"] == {
        "subscriber": ["Required when the patient is not the subscriber."]
    }


def test_a_self_coverage_with_a_subscriber_is_refused(client, key, patient):
    response = client.post(f"/v1/patients/{patient['id']}/coverages", headers=bearer(key),
                           json={"payer": "sandbox", "member_id": "ZZ-1", "relationship": "self",
                                 "subscriber": PARENT.subscriber_json()})
    assert response.status_code == 422
    assert "subscriber" in response.json["errors"]


def test_an_unknown_payer_is_refused(client, key, patient):
    response = client.post(f"/v1/patients/{patient['id']}/coverages", headers=bearer(key),
                           json={"payer": "acme-health", "member_id": "ZZ-1",
                                 "relationship": "self"})
    assert response.status_code == 422
    assert "payer directory" in response.json["errors"]["payer"][0]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"member_id": "Z"}, "member_id", "Length must be between 2 and 80"),
        ({"member_id": "Z" * 81}, "member_id", "Length must be between 2 and 80"),
        ({"member_id": "ZZ 12"}, "member_id", "cannot carry"),
        ({"member_id": "ZZ*12"}, "member_id", "asterisk"),
        ({"member_id": "ZZ~12"}, "member_id", "tilde"),
        ({"group_number": "G:1"}, "group_number", "colon"),
        ({"relationship": "cousin"}, "relationship", "Must be one of"),
        ({"priority": "tertiary"}, "priority", "Must be one of"),
        ({"network_status": "both"}, "network_status", "Must be one of"),
    ],
)
def test_invalid_coverage_fields_answer_422(client, key, patient, change, field, message):
    body = {"payer": "sandbox", "member_id": "ZZ-12", "relationship": "self", **change}
    response = client.post(f"/v1/patients/{patient['id']}/coverages", json=body,
                           headers=bearer(key))
    assert response.status_code == 422
    assert message in " ".join(response.json["errors"][field])


def test_invalid_subscriber_fields_are_named_inside_subscriber(client, key, patient):
    subscriber = {**PARENT.subscriber_json(), "last_name": "Black^quay", "birth_date": "2030-01-01"}
    response = client.post(f"/v1/patients/{patient['id']}/coverages", headers=bearer(key),
                           json={"payer": "sandbox", "member_id": "ZZ-12",
                                 "relationship": "spouse", "subscriber": subscriber})
    assert response.status_code == 422
    errors = response.json["errors"]["subscriber"]
    assert "caret" in errors["last_name"][0] and "future" in errors["birth_date"][0]


def test_a_patients_coverages_are_listed_primary_first(client, key, patient):
    create_coverage(client, key, patient["id"], CHILD, priority="secondary", member_id="ZZ-2")
    create_coverage(client, key, patient["id"], CHILD, member_id="ZZ-1")
    listing = client.get(f"/v1/patients/{patient['id']}/coverages", headers=bearer(key)).json
    assert [c["priority"] for c in listing["items"]] == ["primary", "secondary"]
    assert listing["total"] == 2


def test_patch_switching_to_a_dependent_requires_a_subscriber(client, key, patient):
    coverage = create_coverage(client, key, patient["id"], CHILD)
    url = f"/v1/coverages/{coverage['id']}"
    refused = client.patch(url, json={"relationship": "child"}, headers=bearer(key))
    assert refused.status_code == 422
    ok = client.patch(url, json={"relationship": "child", "subscriber": PARENT.subscriber_json()},
                      headers=bearer(key))
    assert ok.status_code == 200 and ok.json["subscriber"]["last_name"] == PARENT.last_name
    back = client.patch(url, json={"relationship": "self"}, headers=bearer(key))
    assert back.status_code == 200 and back.json["subscriber"] is None


def test_patch_changes_network_status_and_checks_the_payer(client, key, patient):
    coverage = create_coverage(client, key, patient["id"], CHILD)
    url = f"/v1/coverages/{coverage['id']}"
    assert client.patch(url, json={"network_status": "out"},
                        headers=bearer(key)).json["network_status"] == "out"
    assert client.patch(url, json={"payer": "nope"}, headers=bearer(key)).status_code == 422


def test_a_coverage_for_an_unknown_patient_is_404(client, key):
    response = client.post("/v1/patients/00000000-0000-4000-8000-000000000000/coverages",
                           json={"payer": "sandbox", "member_id": "ZZ-1", "relationship": "self"},
                           headers=bearer(key))
    assert response.status_code == 404
