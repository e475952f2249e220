"""Audit rows for every create, read and change of patient data."""

from sqlalchemy import select

from service.db.models import AuditEvent
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE


def _events(app):
    """The audit rows about patient data (the practice's API key made its own row first)."""
    with app.extensions["coverwatch"].uow() as uow:
        return uow.session.scalars(select(AuditEvent).where(
            AuditEvent.resource_type != "api_key").order_by(AuditEvent.id)).all()


def test_each_create_read_and_change_writes_an_audit_row(app, client, clock):
    practice_id, key = new_practice(app)
    patient = create_patient(client, key)
    coverage = create_coverage(client, key, patient["id"])
    client.get(f"/v1/patients/{patient['id']}", headers={**bearer(key), "X-Request-ID": "r-42"})
    client.patch(f"/v1/patients/{patient['id']}", json={"gender": "U"}, headers=bearer(key))
    client.get("/v1/patients?q=zephyr", headers=bearer(key))
    client.get(f"/v1/coverages/{coverage['id']}", headers=bearer(key))
    events = _events(app)
    assert [(e.action, e.resource_type) for e in events] == [
        ("create", "patient"), ("create", "coverage"), ("read", "patient"),
        ("update", "patient"), ("read", "patient"), ("read", "coverage"),
    ]
    assert {e.practice_id for e in events} == {practice_id}
    assert events[2].request_id == "r-42"
    assert events[0].resource_id == patient["id"] and events[1].resource_id == coverage["id"]
    assert all(e.actor.startswith("api_key:") for e in events)
    assert all(e.at == clock.now for e in events)


def test_a_refused_request_writes_no_audit_row(app, client):
    _, key = new_practice(app)
    client.post("/v1/patients", json={**PEOPLE[0].patient_json(), "gender": "X"},
                headers=bearer(key))
    client.get("/v1/patients/00000000-0000-4000-8000-000000000000", headers=bearer(key))
    assert _events(app) == []


def test_admins_read_their_practices_audit_log_newest_first(app, client):
    _, key = new_practice(app)
    _, other_key = new_practice(app, name="Other", npi="1245319599")
    create_patient(client, key)
    create_patient(client, other_key, PEOPLE[1])
    listing = client.get("/v1/audit-events", headers=bearer(key)).json
    assert listing["total"] == 2
    assert [(e["action"], e["resource_type"]) for e in listing["items"]] == [
        ("create", "patient"), ("create", "api_key")]
    assert set(listing["items"][0]) == {
        "id", "actor", "action", "resource_type", "resource_id", "request_id", "at"
    }
