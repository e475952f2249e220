"""A visit's identity and life cycle over HTTP: an external id stays with its patient, PATCH
re-allocates, DELETE releases, and every change is in the visit's history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.db.models import AuditEvent
from tests.support.builders import (
    authorized_coverage,
    bearer,
    create_coverage,
    create_patient,
    new_key,
    new_practice,
)
from tests.support.people import PEOPLE


@pytest.fixture
def ledger(app, client):
    return authorized_coverage(app, client, number="AUTH-L", quantity=3)


def post(client, key, path, **body):
    return client.post(path, json=body, headers=bearer(key))


def patch(client, key, visit_id, **body):
    return client.patch(f"/v1/visits/{visit_id}", json=body, headers=bearer(key))


def book(client, ledger, **extra):
    body = {"coverage_id": ledger["coverage_id"], "date": "2026-11-10", "code": "90837",
            "minutes": 55, "external_id": "EHR-1", **extra}
    response = post(client, ledger["key"], "/v1/visits", **body)
    assert response.status_code in (200, 201), response.json
    return response.json


def auth_state(client, ledger):
    return client.get(f"/v1/authorizations/{ledger['auth']['id']}",
                      headers=bearer(ledger["key"])).json


def history(client, key, visit_id):
    response = client.get(f"/v1/visits/{visit_id}/history", headers=bearer(key))
    assert response.status_code == 200, response.json
    return response.json["items"]


def codes(verdict):
    return {r["code"] for r in verdict["reasons"]}


def no_phi(body, *people):
    text = str(body)
    return not any(value in text for p in people
                   for value in (p.first_name, p.last_name, p.birth_date, p.member_id))


def other_patients_coverage(client, key):
    patient = create_patient(client, key, PEOPLE[1])
    return create_coverage(client, key, patient["id"], PEOPLE[1])


def second_coverage_of_the_same_patient(client, ledger):
    coverage = client.get(f"/v1/coverages/{ledger['coverage_id']}",
                          headers=bearer(ledger["key"])).json
    return create_coverage(client, ledger["key"], coverage["patient_id"], PEOPLE[0],
                           member_id="ZZT0000001", priority="secondary")


def test_an_external_id_sent_with_another_patients_coverage_is_refused_and_the_visit_stays(
        client, ledger):
    key = ledger["key"]
    visit = book(client, ledger)
    other = other_patients_coverage(client, key)

    refused = post(client, key, "/v1/visits", coverage_id=other["id"], date="2026-11-10",
                   code="90837", minutes=55, external_id="EHR-1")

    assert refused.status_code == 409, refused.json
    assert refused.json["errors"] == {"reason": "VISIT_OF_ANOTHER_PATIENT",
                                      "visit_id": visit["id"]}
    assert no_phi(refused.json, PEOPLE[0], PEOPLE[1])
    kept = client.get(f"/v1/visits/{visit['id']}", headers=bearer(key)).json
    assert kept["coverage_id"] == ledger["coverage_id"]
    assert kept["authorization_id"] == ledger["auth"]["id"]
    assert auth_state(client, ledger)["reserved"] == 1
    assert [h["action"] for h in history(client, key, visit["id"])] == ["create"]


def test_a_visit_moves_to_another_coverage_of_the_same_patient_and_the_move_is_recorded(
        client, ledger):
    key = ledger["key"]
    visit = book(client, ledger)
    second = second_coverage_of_the_same_patient(client, ledger)

    moved = post(client, key, "/v1/visits", coverage_id=second["id"], date="2026-11-10",
                 code="90837", minutes=55, external_id="EHR-1")

    assert moved.status_code == 200 and moved.json["id"] == visit["id"]
    assert moved.json["coverage_id"] == second["id"] and moved.json["authorization_id"] is None
    assert auth_state(client, ledger)["reserved"] == 0
    change = history(client, key, visit["id"])[-1]
    assert change["action"] == "update"
    assert change["changes"]["coverage_id"] == {"before": ledger["coverage_id"],
                                                "after": second["id"]}
    assert change["changes"]["authorization_id"]["before"] == ledger["auth"]["id"]


def test_patching_a_visit_reallocates_its_unit_and_its_verdict_follows(client, ledger, clock):
    key = ledger["key"]
    visit = book(client, ledger)
    clock.advance(minutes=5)

    off = patch(client, key, visit["id"], code="90834", minutes=45)
    assert off.status_code == 200, off.json
    assert off.json["authorization_id"] is None and off.json["units"] == 0
    assert "AUTH_CODE_NOT_COVERED" in codes(off.json["verdict"])
    assert auth_state(client, ledger)["reserved"] == 0

    back = patch(client, key, visit["id"], code="90837", minutes=55, date="2026-11-12",
                 provider_npi="1245319599")
    assert back.status_code == 200 and back.json["authorization_id"] == ledger["auth"]["id"]
    assert (back.json["date"], back.json["provider_npi"]) == ("2026-11-12", "1245319599")
    assert back.json["verdict"]["status"] != "not_covered"
    assert auth_state(client, ledger)["reserved"] == 1

    changes = history(client, key, visit["id"])
    assert [c["action"] for c in changes] == ["create", "update", "update"]
    assert changes[1]["changes"]["code"] == {"before": "90837", "after": "90834"}
    assert changes[1]["changes"]["units"] == {"before": 1, "after": 0}
    assert changes[2]["changes"]["date"] == {"before": "2026-11-10", "after": "2026-11-12"}
    assert changes[1]["actor"].startswith("api_key:") and changes[1]["at"] > changes[0]["at"]


def test_patching_a_visit_onto_another_patients_coverage_is_refused(client, ledger):
    key = ledger["key"]
    visit = book(client, ledger)
    other = other_patients_coverage(client, key)

    refused = patch(client, key, visit["id"], coverage_id=other["id"])

    assert refused.status_code == 409
    assert refused.json["errors"]["reason"] == "VISIT_OF_ANOTHER_PATIENT"
    assert client.get(f"/v1/visits/{visit['id']}",
                      headers=bearer(key)).json["coverage_id"] == ledger["coverage_id"]


def test_patching_onto_another_coverage_of_the_same_patient_releases_the_first(client, ledger):
    key = ledger["key"]
    visit = book(client, ledger)
    second = second_coverage_of_the_same_patient(client, ledger)

    moved = patch(client, key, visit["id"], coverage_id=second["id"])

    assert moved.status_code == 200 and moved.json["coverage_id"] == second["id"]
    assert auth_state(client, ledger)["reserved"] == 0
    listed = client.get(f"/v1/coverages/{second['id']}/visits", headers=bearer(key)).json
    assert [v["id"] for v in listed["items"]] == [visit["id"]]


@pytest.mark.parametrize(("body", "field"), [
    ({"date": "2026-13-01"}, "date"), ({"code": "9083"}, "code"), ({"minutes": 0}, "minutes"),
    ({"provider_npi": "1234567890"}, "provider_npi"), ({"status": "completed"}, "status"),
    ({"external_id": "EHR-2"}, "external_id"), ({"coverage_id": "x"}, "coverage_id"),
    ({}, "_schema"), ({"date": None}, "date")])
def test_a_patch_is_validated_as_a_booking_is(client, ledger, body, field):
    visit = book(client, ledger)
    response = patch(client, ledger["key"], visit["id"], **body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_deleting_a_visit_releases_its_unit_hides_it_and_keeps_its_history(
        app, client, ledger, clock):
    key = ledger["key"]
    visit = book(client, ledger)
    clock.advance(minutes=5)

    deleted = client.delete(f"/v1/visits/{visit['id']}", headers=bearer(key))

    assert deleted.status_code == 204
    assert auth_state(client, ledger)["reserved"] == 0
    assert client.get(f"/v1/visits/{visit['id']}", headers=bearer(key)).status_code == 404
    listed = client.get(f"/v1/coverages/{ledger['coverage_id']}/visits", headers=bearer(key))
    assert listed.json["items"] == []
    changes = history(client, key, visit["id"])
    assert [c["action"] for c in changes] == ["create", "delete"]
    assert changes[1]["changes"]["status"] == {"before": "scheduled", "after": "deleted"}
    assert changes[1]["changes"]["units"] == {"before": 1, "after": 0}
    with app.extensions["coverwatch"].uow() as work:
        audited = work.session.scalars(select(AuditEvent.action).where(
            AuditEvent.resource_type == "visit", AuditEvent.resource_id == visit["id"],
            AuditEvent.action != "read").order_by(AuditEvent.id)).all()
    assert audited == ["create", "delete"]

    again = client.delete(f"/v1/visits/{visit['id']}", headers=bearer(key))
    assert again.status_code == 204
    assert len(history(client, key, visit["id"])) == 2
    assert patch(client, key, visit["id"], minutes=50).status_code == 404
    assert post(client, key, f"/v1/visits/{visit['id']}/status",
                status="completed").status_code == 404
    rebooked = post(client, key, "/v1/visits", coverage_id=ledger["coverage_id"],
                    date="2026-11-10", code="90837", minutes=55, external_id="EHR-1")
    assert rebooked.status_code == 409
    assert rebooked.json["errors"] == {"reason": "VISIT_DELETED", "visit_id": visit["id"]}
    assert auth_state(client, ledger)["reserved"] == 0


def test_a_completed_visit_deleted_gives_back_the_unit_it_used(client, ledger):
    key = ledger["key"]
    visit = book(client, ledger)
    post(client, key, f"/v1/visits/{visit['id']}/status", status="completed")
    assert auth_state(client, ledger)["used"] == 1
    client.delete(f"/v1/visits/{visit['id']}", headers=bearer(key))
    state = auth_state(client, ledger)
    assert (state["used"], state["reserved"], state["remaining"]) == (0, 0, 3)


def test_a_status_change_and_a_retried_booking_are_in_the_history_once(client, ledger):
    key = ledger["key"]
    visit = book(client, ledger)
    book(client, ledger)  # the EHR's retry: nothing changes
    post(client, key, f"/v1/visits/{visit['id']}/status", status="completed")
    changes = history(client, key, visit["id"])
    assert [c["action"] for c in changes] == ["create", "status"]
    assert changes[1]["changes"]["status"] == {"before": "scheduled", "after": "completed"}
    assert changes[0]["changes"]["after"]["external_id"] == "EHR-1"


def test_another_practices_visit_is_not_found_for_any_change(app, client, ledger):
    visit = book(client, ledger)
    _, other_key = new_practice(app, name="Other", npi="1245319599")
    theirs = other_patients_coverage(client, other_key)
    visit_path = f"/v1/visits/{visit['id']}"

    assert client.get(f"{visit_path}/history", headers=bearer(other_key)).status_code == 404
    assert patch(client, other_key, visit["id"], minutes=50).status_code == 404
    assert patch(client, other_key, visit["id"],
                 coverage_id=theirs["id"]).status_code == 404
    assert client.delete(visit_path, headers=bearer(other_key)).status_code == 404
    # Nor can a practice move its own visit onto another practice's coverage.
    assert patch(client, ledger["key"], visit["id"],
                 coverage_id=theirs["id"]).status_code == 404
    kept = client.get(visit_path, headers=bearer(ledger["key"])).json
    assert (kept["minutes"], kept["coverage_id"]) == (55, ledger["coverage_id"])
    assert [c["action"] for c in history(client, ledger["key"], visit["id"])] == ["create"]


def test_a_read_only_key_cannot_change_or_delete_a_visit(app, client, ledger):
    visit = book(client, ledger)
    reader = new_key(app, ledger["practice_id"], {"read"})
    assert patch(client, reader, visit["id"], minutes=50).status_code == 403
    assert client.delete(f"/v1/visits/{visit['id']}", headers=bearer(reader)).status_code == 403
    assert client.get(f"/v1/visits/{visit['id']}/history",
                      headers=bearer(reader)).status_code == 200
