"""Strong ETags from row versions on single records, and If-Match on PATCH and DELETE: a
stale version answers 412 and writes nothing; without If-Match writes go ahead as before."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE


@pytest.fixture
def key(app: Flask) -> str:
    return new_practice(app)[1]


@pytest.fixture
def records(client, key) -> dict[str, str]:
    """A patient, its coverage, an authorization and a visit: their paths."""
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])
    auth = client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage["id"], "number": "A-1", "quantity": 10,
        "start_date": "2026-11-01", "end_date": "2027-01-31", "codes": ["90834"]}).json
    visit = client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage["id"], "date": "2026-11-10", "code": "90834",
        "minutes": 45}).json
    return {"patient": f"/v1/patients/{patient['id']}",
            "coverage": f"/v1/coverages/{coverage['id']}",
            "authorization": f"/v1/authorizations/{auth['id']}",
            "visit": f"/v1/visits/{visit['id']}"}


CHANGES = {"patient": {"external_id": "EHR-22"}, "coverage": {"group_number": "G-22"},
           "authorization": {"quantity": 12}, "visit": {"minutes": 50}}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_a_record_is_read_with_a_strong_etag_that_each_write_moves(client, key, records, kind):
    read = client.get(records[kind], headers=bearer(key))
    tag = read.headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    written = client.patch(records[kind], json=CHANGES[kind],
                           headers={**bearer(key), "If-Match": tag})
    assert written.status_code == 200, written.json
    assert written.headers["ETag"] != tag
    assert client.get(records[kind], headers=bearer(key)).headers["ETag"] == \
        written.headers["ETag"]


@pytest.mark.parametrize("kind", list(CHANGES))
def test_a_stale_if_match_answers_412_and_writes_nothing(client, key, records, kind):
    stale = client.get(records[kind], headers=bearer(key)).headers["ETag"]
    assert client.patch(records[kind], json=CHANGES[kind], headers=bearer(key)).status_code \
        == 200
    before = client.get(records[kind], headers=bearer(key))
    # Sent with the tag read before that write (the same change: a retry after a timeout)
    refused = client.patch(records[kind], json=CHANGES[kind],
                           headers={**bearer(key), "If-Match": stale})
    assert refused.status_code == 412
    assert refused.json["error"] == "precondition_failed"
    after = client.get(records[kind], headers=bearer(key))
    assert after.headers["ETag"] == before.headers["ETag"]


@pytest.mark.parametrize("header", ['W/"1"', '"not-a-version"', '"999"', '""'])
def test_a_weak_or_unknown_tag_never_matches(client, key, records, header):
    refused = client.patch(records["patient"], json={"gender": "F"},
                           headers={**bearer(key), "If-Match": header})
    assert refused.status_code == 412


def test_if_match_star_or_a_list_holding_the_current_tag_goes_ahead(client, key, records):
    tag = client.get(records["patient"], headers=bearer(key)).headers["ETag"]
    star = client.patch(records["patient"], json={"gender": "F"},
                        headers={**bearer(key), "If-Match": "*"})
    assert star.status_code == 200
    listed = client.patch(records["patient"], json={"gender": "M"},
                          headers={**bearer(key), "If-Match": f'{tag}, {star.headers["ETag"]}'})
    assert listed.status_code == 200


def test_deleting_a_visit_with_a_stale_tag_is_refused_and_with_the_current_one_done(
        client, key, records):
    stale = client.get(records["visit"], headers=bearer(key)).headers["ETag"]
    client.patch(records["visit"], json={"minutes": 50}, headers=bearer(key))
    refused = client.delete(records["visit"], headers={**bearer(key), "If-Match": stale})
    assert refused.status_code == 412
    assert client.get(records["visit"], headers=bearer(key)).status_code == 200
    current = client.get(records["visit"], headers=bearer(key)).headers["ETag"]
    deleted = client.delete(records["visit"], headers={**bearer(key), "If-Match": current})
    assert deleted.status_code == 204
    assert client.get(records["visit"], headers=bearer(key)).status_code == 404


def test_write_responses_carry_the_new_etag(client, key, records):
    status = client.post(f"{records['visit']}/status", json={"status": "completed"},
                         headers=bearer(key))
    assert status.headers["ETag"] == client.get(records["visit"],
                                                headers=bearer(key)).headers["ETag"]
