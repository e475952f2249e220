"""Patients API: create, upsert by external id, read, search, change, and every refusal."""

from datetime import UTC, datetime, timedelta

import pytest

from schemas.common import today
from tests.support.builders import bearer, create_patient, new_practice
from tests.support.people import PEOPLE

P = PEOPLE[0]


@pytest.fixture
def key(app):
    return new_practice(app)[1]


def test_creating_a_patient_answers_201_with_its_id(client, key):
    response = client.post("/v1/patients", json=P.patient_json(), headers=bearer(key))
    assert response.status_code == 201
    body = response.json
    assert body["id"] and body["first_name"] == P.first_name
    assert body["birth_date"] == P.birth_date and body["external_id"] is None


def test_the_same_external_id_again_updates_that_patient_and_answers_200(client, key):
    first = create_patient(client, key, P, external_id="EHR-1")
    again = client.post("/v1/patients", json=P.patient_json(external_id="EHR-1", gender="U"),
                        headers=bearer(key))
    assert again.status_code == 200
    assert again.json["id"] == first["id"] and again.json["gender"] == "U"
    listing = client.get("/v1/patients?external_id=EHR-1", headers=bearer(key)).json
    assert listing["total"] == 1


def test_a_patient_is_read_back_by_id(client, key):
    created = create_patient(client, key)
    response = client.get(f"/v1/patients/{created['id']}", headers=bearer(key))
    assert response.status_code == 200
    assert response.json == created


def test_search_by_name_words_finds_matching_patients_only(client, key):
    for person in PEOPLE[:4]:
        create_patient(client, key, person)
    found = client.get("/v1/patients?q=zephyr", headers=bearer(key)).json
    assert [p["last_name"] for p in found["items"]] == [P.last_name]
    both = client.get(f"/v1/patients?q={P.first_name}%20{P.last_name}", headers=bearer(key)).json
    assert both["total"] == 1
    none = client.get("/v1/patients?q=zephyr%20marvella", headers=bearer(key)).json
    assert none["total"] == 0


def test_search_treats_like_wildcards_as_plain_text(client, key):
    create_patient(client, key)
    assert client.get("/v1/patients?q=%25", headers=bearer(key)).json["total"] == 0
    assert client.get("/v1/patients?q=_", headers=bearer(key)).json["total"] == 0


def test_lists_are_paginated_with_a_total(client, key):
    for person in PEOPLE:
        create_patient(client, key, person)
    page1 = client.get("/v1/patients?page=1&page_size=4", headers=bearer(key)).json
    page2 = client.get("/v1/patients?page=2&page_size=4", headers=bearer(key)).json
    assert page1["total"] == page2["total"] == len(PEOPLE)
    assert len(page1["items"]) == 4 and len(page2["items"]) == len(PEOPLE) - 4
    ids = {p["id"] for p in page1["items"]} | {p["id"] for p in page2["items"]}
    assert len(ids) == len(PEOPLE)


def test_patch_changes_only_the_fields_sent(client, key, clock):
    created = create_patient(client, key)
    clock.advance(minutes=5)
    response = client.patch(f"/v1/patients/{created['id']}", json={"last_name": "Zephyr-Wood"},
                            headers=bearer(key))
    assert response.status_code == 200
    assert response.json["last_name"] == "Zephyr-Wood"
    assert response.json["first_name"] == P.first_name
    assert response.json["updated_at"] > created["updated_at"]


def test_patch_to_an_external_id_another_patient_holds_is_refused(client, key):
    create_patient(client, key, PEOPLE[0], external_id="E-1")
    other = create_patient(client, key, PEOPLE[1], external_id="E-2")
    response = client.patch(f"/v1/patients/{other['id']}", json={"external_id": "E-1"},
                            headers=bearer(key))
    assert response.status_code == 422
    assert "external_id" in response.json["errors"]


INVALID = [
    ({"birth_date": "2026-11-03"}, "birth_date", "cannot be in the future"),
    ({"birth_date": "1850-01-01"}, "birth_date", "1900 or later"),
    ({"birth_date": "17/03/1984"}, "birth_date", "Not a valid date"),
    ({"gender": "X"}, "gender", "Must be one of"),
    ({"first_name": ""}, "first_name", "Length must be between"),
    ({"last_name": "L" * 61}, "last_name", "Length must be between"),
    ({"last_name": "Zephyr*wood"}, "last_name", "asterisk"),
    ({"last_name": "Zephyr~wood"}, "last_name", "tilde"),
    ({"first_name": "Quil:lon"}, "first_name", "colon"),
    ({"first_name": "Quil^lon"}, "first_name", "caret"),
    ({"first_name": "Quil|lon"}, "first_name", "pipe"),
    ({"first_name": "Quil\nlon"}, "first_name", "control characters"),
    ({"first_name": "Quil\x1dlon"}, "first_name", "control characters"),
    ({"external_id": "has space"}, "external_id", "cannot carry"),
    ({"nickname": "Q"}, "nickname", "Unknown field"),
]


def test_the_apps_clock_judges_birth_dates_only_while_its_request_runs(client, key, clock):
    # The fake clock is a month behind the real date: a birth date between the two is in
    # the future for the request, and the app's clock is gone once the request is over.
    assert clock().date() < datetime.now(UTC).date()
    tomorrow = (clock().date() + timedelta(days=1)).isoformat()
    response = client.post("/v1/patients", json={**P.patient_json(), "birth_date": tomorrow},
                           headers=bearer(key))
    assert response.status_code == 422
    assert today() == datetime.now(UTC).date()


@pytest.mark.parametrize(("change", "field", "message"), INVALID)
def test_invalid_patient_fields_answer_422_naming_the_field(client, key, change, field, message):
    response = client.post("/v1/patients", json={**P.patient_json(), **change},
                           headers=bearer(key))
    assert response.status_code == 422
    body = response.json
    assert set(body) == {"code", "status", "error", "message", "errors"}
    assert list(body["errors"]) == [field]
    assert message in " ".join(body["errors"][field])


def test_missing_required_fields_are_each_named(client, key):
    response = client.post("/v1/patients", json={}, headers=bearer(key))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"first_name", "last_name", "birth_date", "gender"}


def test_refusals_never_repeat_the_value_sent(client, key):
    response = client.post("/v1/patients", json={**P.patient_json(), "last_name": "Zephyr*wood"},
                           headers=bearer(key))
    assert "Zephyr" not in response.get_data(as_text=True)


def test_a_body_that_is_not_json_answers_415(client, key):
    response = client.post("/v1/patients", data="first_name=Q", headers=bearer(key),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json["code"] == 415


def test_malformed_json_answers_400_in_the_error_shape(client, key):
    response = client.post("/v1/patients", data='{"first_name": ', headers=bearer(key),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json["status"] == "Bad Request"


@pytest.mark.parametrize("body", [[], "text", 42, None, {"first_name": 7}])
def test_json_of_the_wrong_shape_answers_4xx_not_500(client, key, body):
    response = client.post("/v1/patients", json=body, headers=bearer(key))
    assert 400 <= response.status_code < 500


def test_an_unknown_patient_is_404(client, key):
    response = client.get("/v1/patients/00000000-0000-4000-8000-000000000000",
                          headers=bearer(key))
    assert response.status_code == 404
    assert response.json["message"] == "Patient not found."


def test_a_request_id_is_echoed_or_generated(client, key):
    echoed = client.get("/v1/patients", headers={**bearer(key), "X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    made = client.get("/v1/patients", headers={**bearer(key), "X-Request-ID": "bad id\u00e9"})
    assert len(made.headers["X-Request-ID"]) == 32
