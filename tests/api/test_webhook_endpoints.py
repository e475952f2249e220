"""Webhook endpoints over the API: an administrator subscribes, changes, rotates, tests and
deletes; bad input is a 422 with field messages; another practice's endpoint is not found."""

import uuid

import pytest
from sqlalchemy import select

from service.db.models import AuditEvent, WebhookEndpoint
from service.domain.webhooks import EVENT_TYPES
from tests.support.builders import bearer, new_key, new_practice

URL = "https://ehr.example.com/coverwatch/events"


def _create(client, key, **body):
    return client.post("/v1/webhook-endpoints", headers=bearer(key),
                       json={"url": URL, "events": ["coverage.changed"], **body})


def test_an_admin_subscribes_a_url_and_sees_its_secret_once(app, client):
    _, admin = new_practice(app)
    created = _create(client, admin, description="EHR production",
                      events=["alert.opened", "coverage.changed"])
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    endpoint = created.json["endpoint"]
    assert created.json["secret"].startswith("whsec_")
    assert endpoint["url"] == URL and endpoint["enabled"] is True
    assert endpoint["events"] == ["alert.opened", "coverage.changed"]
    assert created.headers["Location"] == f"/v1/webhook-endpoints/{endpoint['id']}"
    shown = client.get(created.headers["Location"], headers=bearer(admin))
    assert shown.status_code == 200 and "secret" not in shown.json
    assert shown.json == endpoint
    listed = client.get("/v1/webhook-endpoints", headers=bearer(admin))
    assert [e["id"] for e in listed.json["items"]] == [endpoint["id"]]
    assert "secret" not in listed.json["items"][0]


def test_the_secret_is_never_stored_as_shown_when_the_deployment_seals_secrets(db_url, clock):
    from service import create_app
    from tests.conftest import PAYERS_FILE

    app = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                      "webhooks_secret_key": "a deployment key"}, clock=clock)
    try:
        _, admin = new_practice(app)
        created = _create(app.test_client(), admin)
        secret = created.json["secret"]
        with app.extensions["coverwatch"].uow() as work:
            stored = work.session.scalars(select(WebhookEndpoint.secret)).one()
        assert secret not in stored and secret.removeprefix("whsec_") not in stored
        assert app.extensions["coverwatch"].sealer.open(stored) == secret
    finally:
        app.extensions["coverwatch"].dispose()


def test_a_list_is_paged_by_cursor_newest_first(app, client, clock):
    _, admin = new_practice(app)
    ids = []
    for _ in range(3):
        ids.append(_create(client, admin).json["endpoint"]["id"])
        clock.advance(seconds=1)
    first = client.get("/v1/webhook-endpoints?limit=2", headers=bearer(admin))
    assert [e["id"] for e in first.json["items"]] == ids[::-1][:2]
    rest = client.get(f"/v1/webhook-endpoints?limit=2&cursor={first.json['next_cursor']}",
                      headers=bearer(admin))
    assert [e["id"] for e in rest.json["items"]] == ids[:1]
    assert rest.json["next_cursor"] is None


@pytest.mark.parametrize(("body", "field"), [
    ({"url": "http://ehr.example.com/hook"}, "url"),
    ({"url": "https://127.0.0.1/hook"}, "url"),
    ({"url": "https://10.1.2.3/hook"}, "url"),
    ({"url": "https://localhost/hook"}, "url"),
    ({"url": "https://user:pw@ehr.example.com/hook"}, "url"),
    ({"url": "ftp://ehr.example.com/hook"}, "url"),
    ({"events": []}, "events"),
    ({"events": ["coverage.exploded"]}, "events"),
    ({"description": "x" * 201}, "description"),
])
def test_a_bad_subscription_is_refused_field_by_field(app, client, body, field):
    _, admin = new_practice(app)
    refused = _create(client, admin, **body)
    assert refused.status_code == 422
    assert refused.json["error"] == "validation_failed"
    assert field in refused.json["errors"]


def test_an_unknown_field_and_an_empty_change_are_refused(app, client):
    _, admin = new_practice(app)
    assert _create(client, admin, secret="whsec_mine").status_code == 422
    endpoint = _create(client, admin).json["endpoint"]
    empty = client.patch(f"/v1/webhook-endpoints/{endpoint['id']}", json={},
                         headers=bearer(admin))
    assert empty.status_code == 422


def test_a_change_of_events_url_and_enabled_is_kept_and_audited(app, client):
    practice_id, admin = new_practice(app)
    endpoint = _create(client, admin).json["endpoint"]
    changed = client.patch(f"/v1/webhook-endpoints/{endpoint['id']}", headers=bearer(admin),
                           json={"events": list(EVENT_TYPES), "enabled": False,
                                 "url": "https://ehr.example.com/v2"})
    assert changed.status_code == 200
    assert changed.json["events"] == sorted(EVENT_TYPES)
    assert changed.json["enabled"] is False and changed.json["disabled_reason"] == "by_request"
    assert changed.json["url"] == "https://ehr.example.com/v2"
    again = client.patch(f"/v1/webhook-endpoints/{endpoint['id']}", headers=bearer(admin),
                         json={"enabled": True})
    assert again.json["enabled"] is True and again.json["disabled_reason"] is None
    with app.extensions["coverwatch"].uow() as work:
        actions = work.session.scalars(select(AuditEvent.action).where(
            AuditEvent.resource_type == "webhook_endpoint").order_by(AuditEvent.at)).all()
    assert actions == ["create", "update", "update"]


def test_rotating_gives_a_new_secret_and_keeps_the_old_one_signing_for_a_day(app, client,
                                                                             clock):
    _, admin = new_practice(app)
    created = _create(client, admin).json
    rotated = client.post(f"/v1/webhook-endpoints/{created['endpoint']['id']}/rotate-secret",
                          headers=bearer(admin))
    assert rotated.status_code == 200 and rotated.headers["Cache-Control"] == "no-store"
    assert rotated.json["secret"].startswith("whsec_")
    assert rotated.json["secret"] != created["secret"]
    until = rotated.json["endpoint"]["previous_secret_until"]
    assert until == (clock.now.replace(microsecond=0) + __import__("datetime").timedelta(
        hours=24)).isoformat()


def test_a_deleted_endpoint_is_gone(app, client):
    _, admin = new_practice(app)
    endpoint = _create(client, admin).json["endpoint"]
    assert client.delete(f"/v1/webhook-endpoints/{endpoint['id']}",
                         headers=bearer(admin)).status_code == 204
    assert client.get(f"/v1/webhook-endpoints/{endpoint['id']}",
                      headers=bearer(admin)).status_code == 404
    assert client.get("/v1/webhook-endpoints", headers=bearer(admin)).json["items"] == []


def test_another_practices_endpoint_is_not_found_whatever_is_asked(app, client):
    _, admin = new_practice(app)
    _, other = new_practice(app)
    endpoint = _create(client, admin).json["endpoint"]
    base = f"/v1/webhook-endpoints/{endpoint['id']}"
    for method, path in (("get", base), ("patch", base), ("delete", base),
                         ("post", f"{base}/rotate-secret"), ("post", f"{base}/test"),
                         ("get", f"{base}/deliveries"),
                         ("post", f"{base}/deliveries/1/retry")):
        kwargs = {"json": {"enabled": False}} if method == "patch" else {}
        answer = getattr(client, method)(path, headers=bearer(other), **kwargs)
        assert answer.status_code == 404, (method, path)
    assert client.get("/v1/webhook-endpoints", headers=bearer(other)).json["items"] == []


def test_managing_webhooks_needs_the_admin_scope(app, client):
    practice_id, admin = new_practice(app)
    writer = new_key(app, practice_id, {"read", "write"})
    assert _create(client, writer).status_code == 403
    assert client.get("/v1/webhook-endpoints", headers=bearer(writer)).status_code == 403


def test_a_test_event_is_queued_for_the_endpoint_and_listed_with_its_deliveries(app, client):
    _, admin = new_practice(app)
    endpoint = _create(client, admin).json["endpoint"]
    queued = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=bearer(admin))
    assert queued.status_code == 202
    assert queued.json["event_type"] == "webhook.test" and queued.json["state"] == "pending"
    assert queued.json["payload"]["data"] == {"endpoint_id": endpoint["id"]}
    listed = client.get(queued.headers["Location"], headers=bearer(admin))
    assert [d["id"] for d in listed.json["items"]] == [queued.json["id"]]
    missing = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries/999999/retry",
                          headers=bearer(admin))
    assert missing.status_code == 404
    assert client.get(f"/v1/webhook-endpoints/{uuid.uuid4()}",
                      headers=bearer(admin)).status_code == 404
