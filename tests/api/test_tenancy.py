"""Access rules: 401 without a valid key, 403 without the scope, 404 across practices."""

import hashlib
import re

import pytest
from sqlalchemy import select

from service.db.models import ApiKey
from tests.support.builders import (
    VALID_NPIS,
    bearer,
    create_coverage,
    create_patient,
    new_key,
    new_practice,
)
from tests.support.people import PEOPLE


@pytest.fixture
def two_practices(app, client):
    a_id, a_key = new_practice(app, name="Practice A", npi=VALID_NPIS[0])
    b_id, b_key = new_practice(app, name="Practice B", npi=VALID_NPIS[1])
    patient = create_patient(client, a_key, PEOPLE[0], external_id="SHARED-1")
    coverage = create_coverage(client, a_key, patient["id"])
    return {"a": (a_id, a_key), "b": (b_id, b_key), "patient": patient, "coverage": coverage}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwdw=="},
     {"Authorization": "Bearer cw_000000000000_wrong"}, {"Authorization": "Bearer garbage"}],
)
def test_a_missing_or_wrong_key_is_401(client, two_practices, headers):
    response = client.get(f"/v1/patients/{two_practices['patient']['id']}", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json["code"] == 401


def test_a_key_with_a_correct_prefix_but_wrong_secret_is_401(client, two_practices):
    key = two_practices["a"][1]
    tampered = key[:-3] + ("aaa" if not key.endswith("aaa") else "bbb")
    response = client.get("/v1/patients", headers=bearer(tampered))
    assert response.status_code == 401


def test_another_practices_records_are_404_everywhere(client, two_practices):
    other = bearer(two_practices["b"][1])
    pid, cid = two_practices["patient"]["id"], two_practices["coverage"]["id"]
    assert client.get(f"/v1/patients/{pid}", headers=other).status_code == 404
    assert client.patch(f"/v1/patients/{pid}", json={"gender": "U"},
                        headers=other).status_code == 404
    assert client.get(f"/v1/patients/{pid}/coverages", headers=other).status_code == 404
    assert client.post(f"/v1/patients/{pid}/coverages", headers=other,
                       json={"payer": "sandbox", "member_id": "ZZ-1",
                             "relationship": "self"}).status_code == 404
    assert client.get(f"/v1/coverages/{cid}", headers=other).status_code == 404
    assert client.patch(f"/v1/coverages/{cid}", json={"priority": "secondary"},
                        headers=other).status_code == 404


def test_searches_and_external_ids_stay_inside_a_practice(client, two_practices):
    other_key = two_practices["b"][1]
    other = bearer(other_key)
    assert client.get("/v1/patients?q=zephyrwood", headers=other).json["total"] == 0
    assert client.get("/v1/patients?external_id=SHARED-1", headers=other).json["total"] == 0
    # The same external id in another practice is another patient, not an update.
    mine = create_patient(client, other_key, PEOPLE[1], external_id="SHARED-1")
    assert mine["id"] != two_practices["patient"]["id"]


def test_a_read_only_key_cannot_write_and_a_write_key_cannot_read_the_audit_log(
    app, client, two_practices
):
    practice_id = two_practices["a"][0]
    read_only = bearer(new_key(app, practice_id, {"read"}))
    assert client.get("/v1/patients", headers=read_only).status_code == 200
    response = client.post("/v1/patients", json=PEOPLE[1].patient_json(), headers=read_only)
    assert response.status_code == 403
    assert response.json["message"] == "This API key lacks the scope this action needs."
    writer = bearer(new_key(app, practice_id, {"read", "write"}))
    assert client.get("/v1/audit-events", headers=writer).status_code == 403
    write_only = bearer(new_key(app, practice_id, {"write"}))
    assert client.get("/v1/patients", headers=write_only).status_code == 403


def test_keys_are_stored_only_as_hashes(app, two_practices):
    key = two_practices["a"][1]
    with app.extensions["coverwatch"].uow() as uow:
        rows = uow.session.scalars(select(ApiKey)).all()
    stored = {r.key_hash for r in rows}
    assert hashlib.sha256(key.encode()).hexdigest() in stored
    for row in rows:
        assert key not in (row.key_hash, row.prefix, row.label)
        assert len(row.key_hash) == 64


UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_audit_ids_of_one_practice_say_nothing_about_anothers_activity(
    client, clock, two_practices
):
    # Given practices A and B writing patient data in turns
    a_key, b_key = two_practices["a"][1], two_practices["b"][1]
    for person in PEOPLE[1:4]:
        clock.advance(minutes=1)
        create_patient(client, b_key, person)
        clock.advance(minutes=1)
        create_patient(client, a_key, person)
    # When A reads its audit log
    ids = [e["id"] for e in client.get("/v1/audit-events", headers=bearer(a_key)).json["items"]]
    # Then its ids are random, not places in a sequence shared with B (whose gaps would count
    # B's entries): version 4 UUIDs, no two alike (the sixth: A's key was created)
    assert len(ids) == 6 and all(isinstance(i, str) and UUID4.fullmatch(i) for i in ids), ids
    assert len(set(ids)) == len(ids)


def test_the_audit_log_pages_newest_first_by_time(app, client, clock, two_practices):
    a_key = two_practices["a"][1]
    pid = two_practices["patient"]["id"]
    for _ in range(3):
        clock.advance(seconds=30)
        client.get(f"/v1/patients/{pid}", headers=bearer(a_key))
    client.get("/v1/patients", headers=bearer(a_key))  # one more read at the same time
    whole = client.get("/v1/audit-events?page_size=50", headers=bearer(a_key)).json
    pages = [client.get(f"/v1/audit-events?page={n}&page_size=2", headers=bearer(a_key)).json
             for n in (1, 2, 3, 4)]
    assert [e["id"] for p in pages for e in p["items"]] == [e["id"] for e in whole["items"]]
    times = [e["at"] for e in whole["items"]]
    assert whole["total"] == 7 and times == sorted(times, reverse=True)
    assert [e["action"] for e in whole["items"]][-3:] == ["create", "create", "create"]
