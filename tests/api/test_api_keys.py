"""API keys over the API: an administrator lists, creates and revokes the practice's keys."""

import hashlib
import threading
import uuid

import pytest
from sqlalchemy import select

from service import create_app
from service.db.models import ApiKey, AuditEvent, Practice
from tests.conftest import PAYERS_FILE
from tests.support.builders import (
    bearer,
    create_coverage,
    create_patient,
    new_key,
    new_practice,
)


def _create(client, key, **body):
    return client.post("/v1/api-keys", json={"scopes": ["read"], **body}, headers=bearer(key))


def _key_row(app, key_id):
    with app.extensions["coverwatch"].uow() as uow:
        return uow.session.get(ApiKey, uuid.UUID(key_id))


def test_an_admin_creates_a_key_shown_once_that_works_at_once(app, client, clock):
    _, admin = new_practice(app)
    created = _create(client, admin, label="EHR sync", scopes=["read", "write"])
    assert created.status_code == 201
    body = created.json
    record = body["api_key"]
    assert created.headers["Location"] == f"/v1/api-keys/{record['id']}"
    assert created.headers["Cache-Control"] == "no-store"
    assert body["key"].startswith(f"cw_{record['prefix']}_")
    assert record["scopes"] == ["read", "write"] and record["label"] == "EHR sync"
    assert record["status"] == "active" and record["revoked_at"] is None
    assert record["created_by"].startswith("api_key:")
    assert record["last_used_at"] is None
    assert client.get("/v1/patients", headers=bearer(body["key"])).status_code == 200
    shown = client.get(created.headers["Location"], headers=bearer(admin))
    assert shown.status_code == 200 and "key" not in shown.json
    assert shown.json["last_used_at"] == clock.now.isoformat()


def test_listing_shows_every_key_newest_first_and_never_a_secret_or_its_hash(app, client,
                                                                             clock):
    _, admin = new_practice(app)
    clock.advance(minutes=1)
    reader = _create(client, admin, label="reports").json
    listing = client.get("/v1/api-keys", headers=bearer(admin))
    assert listing.status_code == 200 and listing.json["total"] == 2
    first, second = listing.json["items"]
    assert first["id"] == reader["api_key"]["id"] and second["scopes"] == ["admin", "read",
                                                                           "write"]
    assert set(first) == {"id", "label", "scopes", "prefix", "status", "created_at",
                          "created_by", "last_used_at", "revoked_at"}
    text = listing.get_data(as_text=True)
    for secret in (admin, reader["key"]):
        assert secret not in text
        assert hashlib.sha256(secret.encode()).hexdigest() not in text
    assert second["created_by"] == "cli:create-api-key"


def test_a_key_can_be_given_only_scopes_its_creator_holds(app, client):
    practice_id, _ = new_practice(app)
    admin_only = new_key(app, practice_id, {"admin"})
    refused = _create(client, admin_only, scopes=["admin", "write"])
    assert refused.status_code == 422
    assert refused.json["errors"]["scopes"] == [
        "A key can be given only scopes its creator holds; not write."]
    assert _create(client, admin_only, scopes=["admin"]).status_code == 201


@pytest.mark.parametrize("body", [
    {"scopes": []}, {"scopes": ["root"]}, {"label": "x"}, {"scopes": ["read"], "label": ""},
    {"scopes": ["read"], "label": "x" * 101}, {"scopes": ["read"], "secret": "mine"},
    {"scopes": "read"},
])
def test_bad_bodies_are_refused_field_by_field(app, client, body):
    _, admin = new_practice(app)
    refused = client.post("/v1/api-keys", json=body, headers=bearer(admin))
    assert refused.status_code == 422 and refused.json["errors"]


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/v1/api-keys"), ("POST", "/v1/api-keys"),
    ("GET", f"/v1/api-keys/{uuid.UUID(int=7)}"),
    ("POST", f"/v1/api-keys/{uuid.UUID(int=7)}/revoke"),
])
def test_keys_are_managed_with_the_admin_scope_only(app, client, method, path):
    practice_id, _ = new_practice(app)
    writer = new_key(app, practice_id, {"read", "write"})
    answer = client.open(path, method=method, json={"scopes": ["read"]}, headers=bearer(writer))
    assert answer.status_code == 403
    assert client.open(path, method=method, json={"scopes": ["read"]}).status_code == 401


def test_a_revoked_key_is_refused_from_the_next_request_and_stays_listed(app, client, clock):
    _, admin = new_practice(app)
    made = _create(client, admin, scopes=["read"]).json
    key_id, key = made["api_key"]["id"], made["key"]
    assert client.get("/v1/patients", headers=bearer(key)).status_code == 200
    clock.advance(minutes=5)
    revoked = client.post(f"/v1/api-keys/{key_id}/revoke", headers=bearer(admin))
    assert revoked.status_code == 200
    assert revoked.json["status"] == "revoked" and revoked.json["revoked_at"] == \
        clock.now.isoformat()
    assert client.get("/v1/patients", headers=bearer(key)).status_code == 401
    clock.advance(minutes=5)
    again = client.post(f"/v1/api-keys/{key_id}/revoke", headers=bearer(admin))
    assert again.status_code == 200 and again.json == revoked.json
    active = client.get("/v1/api-keys?status=active", headers=bearer(admin)).json
    gone = client.get("/v1/api-keys?status=revoked", headers=bearer(admin)).json
    assert key_id not in [k["id"] for k in active["items"]]
    assert [k["id"] for k in gone["items"]] == [key_id]


def test_the_last_active_admin_key_is_kept(app, client):
    practice_id, admin = new_practice(app)
    admin_id = client.get("/v1/api-keys", headers=bearer(admin)).json["items"][0]["id"]
    kept = client.post(f"/v1/api-keys/{admin_id}/revoke", headers=bearer(admin))
    assert kept.status_code == 409
    assert kept.json["errors"] == {"reason": "LAST_ADMIN_KEY", "key_id": admin_id}
    assert client.get("/v1/api-keys", headers=bearer(admin)).status_code == 200
    # With a second admin key, the first may go (a key may revoke itself).
    second = _create(client, admin, scopes=["admin"]).json
    assert client.post(f"/v1/api-keys/{admin_id}/revoke",
                       headers=bearer(admin)).status_code == 200
    assert client.get("/v1/api-keys", headers=bearer(admin)).status_code == 401
    last = client.post(f"/v1/api-keys/{second['api_key']['id']}/revoke",
                       headers=bearer(second["key"]))
    assert last.status_code == 409


def test_two_admin_keys_revoking_each_other_at_once_leave_one(app, client):
    _, first = new_practice(app)
    second = _create(client, first, scopes=["admin"]).json
    ids = {k["prefix"]: k["id"] for k in
           client.get("/v1/api-keys", headers=bearer(first)).json["items"]}
    first_id = ids[first.split("_")[1]]
    start = threading.Barrier(2)
    answers = {}

    def revoke(name, key, target):
        start.wait()
        answers[name] = app.test_client().post(f"/v1/api-keys/{target}/revoke",
                                               headers=bearer(key)).status_code

    threads = [threading.Thread(target=revoke, args=("a", first, second["api_key"]["id"])),
               threading.Thread(target=revoke, args=("b", second["key"], first_id))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The loser is refused either way: 409 when both were in flight together, 401 when the
    # winner's revocation had committed before the loser's key was looked up (a busy machine
    # may not overlap the two). Either way exactly one key is left.
    first_answer, second_answer = sorted(answers.values())
    assert first_answer == 200 and second_answer in (401, 409), answers
    with app.extensions["coverwatch"].uow() as uow:
        live = [k for k in uow.session.scalars(select(ApiKey)).all() if k.revoked_at is None]
    assert len(live) == 1


def test_another_practices_key_ids_are_not_found(app, client):
    _, a_admin = new_practice(app)
    _, b_admin = new_practice(app, name="Other Practice", npi="1245319599")
    b_made = _create(client, b_admin).json
    b_id = b_made["api_key"]["id"]
    assert client.get(f"/v1/api-keys/{b_id}", headers=bearer(a_admin)).status_code == 404
    refused = client.post(f"/v1/api-keys/{b_id}/revoke", headers=bearer(a_admin))
    assert refused.status_code == 404 and refused.json["message"] == "Key not found."
    assert b_id not in client.get("/v1/api-keys", headers=bearer(a_admin)).get_data(as_text=True)
    assert client.get("/v1/patients", headers=bearer(b_made["key"])).status_code == 200


def test_creating_and_revoking_are_audited_without_secrets(app, client):
    practice_id, admin = new_practice(app)
    made = _create(client, admin, label="billing").json
    client.post(f"/v1/api-keys/{made['api_key']['id']}/revoke", headers=bearer(admin))
    with app.extensions["coverwatch"].uow() as uow:
        events = uow.session.scalars(select(AuditEvent).where(
            AuditEvent.resource_type == "api_key").order_by(AuditEvent.id)).all()
    assert [(e.action, e.resource_id) for e in events][1:] == [
        ("create", made["api_key"]["id"]), ("revoke", made["api_key"]["id"])]
    assert events[0].actor == "cli:create-api-key" and events[1].actor.startswith("api_key:")
    for event in events:
        assert made["key"] not in repr(vars(event)) and made["api_key"]["prefix"] not in \
            repr(vars(event))


def test_last_use_is_written_at_most_once_a_minute(app, client, clock):
    _, admin = new_practice(app)
    made = _create(client, admin).json
    key_id, key = made["api_key"]["id"], made["key"]
    start = clock.now
    client.get("/v1/patients", headers=bearer(key))
    assert _key_row(app, key_id).last_used_at == start
    clock.advance(seconds=59)
    client.get("/v1/patients", headers=bearer(key))
    assert _key_row(app, key_id).last_used_at == start  # no write within the minute
    clock.advance(seconds=2)
    client.get("/v1/patients", headers=bearer(key))
    assert _key_row(app, key_id).last_used_at == clock.now


def test_a_key_revoked_through_one_server_is_refused_by_another_on_its_next_request(
    db_url, clock
):
    # Given two app instances (two workers) on one database, both having served the key
    one, two = (create_app({"database_url": db_url, "payers_file": PAYERS_FILE}, clock=clock)
                for _ in range(2))
    try:
        _, admin = new_practice(one)
        made = _create(one.test_client(), admin).json
        key = made["key"]
        for app in (one, two):
            assert app.test_client().get("/v1/patients", headers=bearer(key)).status_code == 200
        # When the key is revoked through the first
        revoked = one.test_client().post(f"/v1/api-keys/{made['api_key']['id']}/revoke",
                                         headers=bearer(admin))
        assert revoked.status_code == 200
        # Then the second refuses it on its very next request
        assert two.test_client().get("/v1/patients", headers=bearer(key)).status_code == 401
    finally:
        for app in (one, two):
            app.extensions["coverwatch"].dispose()


def _check(client, key, coverage_id):
    return client.post("/v1/visits/check", headers=bearer(key), json={
        "coverage_id": coverage_id, "date": "2026-11-17", "code": "90837", "minutes": 55})


def _forecast(client, key, coverage_id):
    return client.post("/v1/visits/forecast", headers=bearer(key), json={
        "coverage_id": coverage_id, "code": "90837", "minutes": 55,
        "first_date": "2026-11-17", "every_days": 7, "count": 3})


def test_a_key_a_checking_server_keeps_is_refused_on_its_next_check_once_revoked(db_url,
                                                                                 clock):
    # Given a server that answered visit checks with the key (and so keeps it in memory)
    one, two = (create_app({"database_url": db_url, "payers_file": PAYERS_FILE}, clock=clock)
                for _ in range(2))
    try:
        _, admin = new_practice(one)
        first = one.test_client()
        patient = create_patient(first, admin)
        coverage_id = create_coverage(first, admin, patient["id"])["id"]
        made = _create(first, admin).json
        key, key_id = made["key"], made["api_key"]["id"]
        second = two.test_client()
        for _ in range(3):
            assert _check(second, key, coverage_id).status_code == 200
            assert _forecast(second, key, coverage_id).status_code == 200
        # When the key is revoked through the other server
        assert first.post(f"/v1/api-keys/{key_id}/revoke",
                          headers=bearer(admin)).status_code == 200
        # Then the keeping server refuses it on its very next check and forecast
        assert _check(second, key, coverage_id).status_code == 401
        assert _forecast(second, key, coverage_id).status_code == 401
        # while the admin key, kept too, still works
        assert _check(second, admin, coverage_id).status_code == 200
    finally:
        for app in (one, two):
            app.extensions["coverwatch"].dispose()


def test_checks_read_a_kept_key_again_only_when_the_practice_stamp_moves(app, client):
    _, admin = new_practice(app)
    coverage_id = create_coverage(client, admin, create_patient(client, admin)["id"])["id"]
    keys = app.extensions["coverwatch"].keys
    reads: list[str] = []
    read = keys.by_prefix
    keys.by_prefix = lambda prefix: reads.append(prefix) or read(prefix)
    for _ in range(4):
        assert _check(client, admin, coverage_id).status_code == 200
    assert len(reads) == 1, "a kept key was read again for a check"
    # Saving the settings moves the practice's config stamp: the key is read once more.
    settings = {"counting": {}, "thresholds": {"auth_expiring_days": 45}}
    assert client.put("/v1/settings", headers=bearer(admin), json=settings).status_code == 200
    reads.clear()
    for _ in range(3):
        assert _check(client, admin, coverage_id).status_code == 200
    assert len(reads) == 1
    # Other operations read their key every time.
    reads.clear()
    for _ in range(2):
        assert client.get("/v1/patients", headers=bearer(admin)).status_code == 200
    assert len(reads) == 2


def test_revoking_a_key_moves_its_practice_stamp_and_recording_its_use_does_not(app, client,
                                                                              clock):
    practice_id, admin = new_practice(app)
    made = _create(client, admin).json

    def stamp():
        with app.extensions["coverwatch"].uow() as uow:
            return uow.session.execute(
                select(Practice.config_version).where(Practice.id == practice_id)).scalar()

    before = stamp()
    clock.advance(minutes=2)
    assert client.get("/v1/patients", headers=bearer(made["key"])).status_code == 200
    assert _key_row(app, made["api_key"]["id"]).last_used_at is not None
    assert stamp() == before
    assert client.post(f"/v1/api-keys/{made['api_key']['id']}/revoke",
                       headers=bearer(admin)).status_code == 200
    assert stamp() == before + 1
