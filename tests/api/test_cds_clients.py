"""Registering the EHRs that may call the CDS services: admin only, keys checked, one practice
per issuer, each practice seeing its own."""

from __future__ import annotations

import pytest

from service import create_app
from tests.conftest import PAYERS_FILE
from tests.support.builders import VALID_NPIS, bearer, new_key, new_practice
from tests.support.cds import Ehr
from tests.support.openapi import CheckedClient


@pytest.fixture
def ehr():
    return Ehr()


@pytest.fixture
def admin(app):
    return new_practice(app)


def register(client, key, **body):
    return client.post("/v1/cds-clients", json=body, headers=bearer(key))


def test_a_client_is_registered_read_listed_and_deleted(client, admin, ehr):
    practice_id, key = admin
    created = register(client, key, issuer=ehr.issuer, jwks=ehr.jwks)
    assert created.status_code == 201, created.json
    body = created.json
    assert created.headers["Location"] == f"/v1/cds-clients/{body['id']}"
    assert (body["issuer"], body["jwks"], body["jwks_url"]) == (ehr.issuer, ehr.jwks, None)
    assert body["created_by"].startswith("api_key:")
    assert client.get(f"/v1/cds-clients/{body['id']}", headers=bearer(key)).json == body
    assert client.get("/v1/cds-clients", headers=bearer(key)).json == {
        "items": [body], "next_cursor": None}
    assert client.delete(f"/v1/cds-clients/{body['id']}", headers=bearer(key)).status_code == 204
    assert client.get(f"/v1/cds-clients/{body['id']}", headers=bearer(key)).status_code == 404
    events = client.get("/v1/audit-events", headers=bearer(key)).json["items"]
    assert [(e["action"], e["resource_type"]) for e in events
            if e["resource_type"] == "cds_client"] == [("delete", "cds_client"),
                                                       ("create", "cds_client")]


def test_an_issuer_registered_by_another_practice_is_a_409(app, client, admin, ehr):
    _, key = admin
    assert register(client, key, issuer=ehr.issuer, jwks=ehr.jwks).status_code == 201
    _, other = new_practice(app, name="Eastside Therapy", npi=VALID_NPIS[1])
    taken = register(client, other, issuer=ehr.issuer, jwks=ehr.jwks)
    assert taken.status_code == 409
    assert taken.json["errors"] == {"reason": "CDS_ISSUER_TAKEN"}


def test_another_practices_client_is_not_found(app, client, admin, ehr):
    _, key = admin
    created = register(client, key, issuer=ehr.issuer, jwks=ehr.jwks).json
    _, other = new_practice(app, name="Eastside Therapy", npi=VALID_NPIS[1])
    assert client.get(f"/v1/cds-clients/{created['id']}", headers=bearer(other)).status_code == 404
    assert client.delete(f"/v1/cds-clients/{created['id']}",
                         headers=bearer(other)).status_code == 404
    assert client.get("/v1/cds-clients", headers=bearer(other)).json["items"] == []


def test_keys_without_admin_scope_are_forbidden(app, client, admin, ehr):
    practice_id, _ = admin
    writer = new_key(app, practice_id, {"read", "write"})
    assert register(client, writer, issuer=ehr.issuer, jwks=ehr.jwks).status_code == 403
    assert client.get("/v1/cds-clients", headers=bearer(writer)).status_code == 403


@pytest.mark.parametrize(("body", "field"), [
    ({"issuer": "https://ehr.example"}, "jwks"),
    ({"issuer": "https://ehr.example", "jwks": {"keys": []},
      "jwks_url": "https://ehr.example/jwks"}, "jwks"),
    ({"issuer": "https://ehr.example", "jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}},
     "jwks"),
    ({"issuer": "https://ehr.example", "jwks": {"nokeys": 1}}, "jwks"),
    ({"issuer": "https://ehr.example", "jwks": {"keys": [{"kty": "EC", "crv": "P-384"}] * 21}},
     "jwks"),
    ({"issuer": "https://ehr.example", "jwks": {"keys": [{"kty": "RSA", "n": "AQAB",
                                                          "e": "AQAB", "alg": ["x"]}]}}, "jwks"),
    ({"issuer": "", "jwks_url": "https://ehr.example/jwks"}, "issuer"),
    ({"issuer": "https://ehr.example", "jwks_url": "http://ehr.example/jwks"}, "jwks_url"),
    ({"issuer": "https://ehr.example", "jwks_url": "not a url"}, "jwks_url"),
])
def test_invalid_registrations_are_422_naming_the_field(client, admin, body, field):
    _, key = admin
    answer = register(client, key, **body)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]


def test_a_private_key_in_the_jwks_is_refused(client, admin, ehr):
    _, key = admin
    private = dict(ehr.jwks["keys"][0], d="AAAA")
    answer = register(client, key, issuer=ehr.issuer, jwks={"keys": [private]})
    assert answer.status_code == 422
    assert answer.json["errors"]["jwks"] == ["The JWK Set may hold public keys only."]


def test_plain_http_jwks_urls_are_accepted_when_the_deployment_allows_private_addresses(
        db_url, clock):
    app = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                      "cds_allow_private": True}, clock=clock)
    app.test_client_class = CheckedClient
    try:
        _, key = new_practice(app)
        answer = register(app.test_client(), key, issuer="https://ehr.example",
                          jwks_url="http://127.0.0.1:9/jwks")
        assert answer.status_code == 201, answer.json
    finally:
        app.extensions["coverwatch"].dispose()
