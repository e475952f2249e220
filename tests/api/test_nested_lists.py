"""A patient's coverages, a coverage's checks, authorizations and visits, the nightly runs
and the API keys, by cursor beside their old modes: stable pages, updated_since, tenancy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from service.domain.reverification import Selection
from service.reverify import runs
from tests.api.test_lists import book, walk
from tests.support.builders import VALID_NPIS, bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE

NESTED = ("/v1/patients/{patient}/coverages", "/v1/coverages/{coverage}/eligibility-checks",
          "/v1/coverages/{coverage}/authorizations", "/v1/coverages/{coverage}/visits")
LISTS = (*NESTED, "/v1/reverification-runs", "/v1/api-keys")


@pytest.fixture
def practice(app, client):
    practice_id, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])
    return {"id": practice_id, "key": key, "patient": patient, "coverage": coverage}


def paths(practice) -> list[str]:
    return [p.format(patient=practice["patient"]["id"], coverage=practice["coverage"]["id"])
            for p in LISTS]


def authorize(client, key: str, coverage_id: str, number: str, end: str) -> dict:
    response = client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage_id, "number": number, "quantity": 30,
        "start_date": "2026-11-01", "end_date": end})
    assert response.status_code == 201, response.json
    return dict(response.json)


def new_run(app) -> str:
    wiring = app.extensions["coverwatch"]
    run_id, _ = runs.create(wiring.uow, wiring.clock,
                            Selection(every_active=True, older_than_hours=None), mode="inline",
                            requested_by="test", max_attempts=3)
    return str(run_id)


def test_a_coverages_visits_walk_by_cursor_sees_each_row_once_while_rows_are_inserted(
        client, practice):
    key, cid = practice["key"], practice["coverage"]["id"]
    path = f"/v1/coverages/{cid}/visits"
    present = {book(client, key, cid, date(2026, 11, 5) + timedelta(days=2 * n))["id"]
               for n in range(7)}
    seen: list[str] = []
    response = client.get(path, query_string={"limit": 2}, headers=bearer(key))
    for _ in range(20):
        seen += [v["id"] for v in response.json["items"]]
        # Visits land before, on and after the last date read, between page reads.
        last = date.fromisoformat(response.json["items"][-1]["date"])
        if len(seen) < 8:
            for offset in (-3, 0, 4):
                book(client, key, cid, last + timedelta(days=offset))
        if response.json["next_cursor"] is None:
            break
        response = client.get(path, headers=bearer(key), query_string={
            "limit": 2, "cursor": response.json["next_cursor"]})
    assert len(seen) == len(set(seen)), "a row was listed twice"
    assert present <= set(seen), "a row present at the start went missing"
    whole = client.get(path, headers=bearer(key)).json
    assert whole["next_cursor"] is None
    assert [v["id"] for v in walk(client, key, path, limit=3)] == [v["id"] for v in
                                                                  whole["items"]]
    window = {"from": "2026-11-09", "to": "2026-11-13"}
    windowed = [v["date"] for v in walk(client, key, path, limit=1, **window)]
    assert windowed and all("2026-11-09" <= d <= "2026-11-13" for d in windowed)
    assert windowed == [v["date"] for v in client.get(path, query_string=window,
                                                       headers=bearer(key)).json["items"]]


def test_a_patients_coverages_come_primary_first_a_page_at_a_time(client, clock, practice):
    key, patient = practice["key"], practice["patient"]["id"]
    clock.advance(seconds=1)
    secondary = create_coverage(client, key, patient, PEOPLE[1], priority="secondary",
                                payer="sandbox-bho")
    path = f"/v1/patients/{patient}/coverages"
    listed = [c["id"] for c in walk(client, key, path, limit=1)]
    assert listed == [practice["coverage"]["id"], secondary["id"]]
    paged = client.get(path, headers=bearer(key)).json
    assert [c["id"] for c in paged["items"]] == listed and paged["total"] == 2
    assert client.get(path, query_string={"page": 1, "limit": 1},
                      headers=bearer(key)).status_code == 422


def test_each_list_lists_what_changed_since_in_the_order_it_changed(app, client, clock,
                                                                     practice):
    key, cid, patient = practice["key"], practice["coverage"]["id"], practice["patient"]["id"]
    later = authorize(client, key, cid, "A-1", "2026-12-31")
    sooner = authorize(client, key, cid, "A-2", "2026-11-30")
    early = book(client, key, cid, date(2026, 11, 20))
    late = book(client, key, cid, date(2026, 11, 10))
    check = client.post("/v1/eligibility-checks", headers=bearer(key), json={"coverage_id": cid})
    assert check.status_code in (200, 201), check.json
    extra = client.post("/v1/api-keys", headers=bearer(key), json={"scopes": ["read"]}).json
    clock.advance(hours=1)
    mark = clock().isoformat()
    for path in paths(practice):
        if path != "/v1/reverification-runs":
            assert walk(client, key, path, updated_since=mark) == [], path
    clock.advance(minutes=5)
    client.patch(f"/v1/authorizations/{later['id']}", headers=bearer(key),
                 json={"quantity": 40})
    clock.advance(minutes=5)
    assert client.delete(f"/v1/visits/{early['id']}", headers=bearer(key)).status_code == 204
    clock.advance(minutes=5)
    assert client.post(f"/v1/visits/{late['id']}/status", headers=bearer(key),
                       json={"status": "completed"}).status_code == 200
    clock.advance(minutes=5)
    client.patch(f"/v1/coverages/{cid}", headers=bearer(key), json={"network_status": "out"})
    clock.advance(minutes=5)
    assert client.post(f"/v1/api-keys/{extra['api_key']['id']}/revoke",
                       headers=bearer(key)).status_code == 200
    ids = lambda path: [r["id"] for r in walk(client, key, path,  # noqa: E731
                                              updated_since=mark, limit=1)]
    visits = walk(client, key, f"/v1/coverages/{cid}/visits", updated_since=mark, limit=1)
    assert [(v["id"], v["status"]) for v in visits] == [(early["id"], "deleted"),
                                                        (late["id"], "completed")]
    assert [v["id"] for v in walk(client, key, f"/v1/coverages/{cid}/visits")] == [late["id"]]
    # The amendment moved A-1 first; the visits' units then moved on A-2 only if it held them.
    assert ids(f"/v1/coverages/{cid}/authorizations")[0] == later["id"]
    assert set(ids(f"/v1/coverages/{cid}/authorizations")) <= {later["id"], sooner["id"]}
    assert ids(f"/v1/patients/{patient}/coverages") == [cid]
    assert ids(f"/v1/coverages/{cid}/eligibility-checks") == []
    assert ids("/v1/api-keys") == [extra["api_key"]["id"]]
    assert [a["number"] for a in walk(client, key, f"/v1/coverages/{cid}/authorizations",
                                      limit=1)] == ["A-2", "A-1"]


def test_a_coverages_checks_walk_newest_first_and_by_the_time_their_outcome_was_stored(
        client, clock, practice):
    key, cid = practice["key"], practice["coverage"]["id"]
    path = f"/v1/coverages/{cid}/eligibility-checks"
    first = client.post("/v1/eligibility-checks", headers=bearer(key),
                        json={"coverage_id": cid}).json
    clock.advance(days=2)
    second = client.post("/v1/eligibility-checks", headers=bearer(key),
                         json={"coverage_id": cid, "force": True}).json
    listed = walk(client, key, path, limit=1)
    assert [c["id"] for c in listed] == [second["id"], first["id"]]
    assert listed[0]["summary"] is not None
    assert [c["id"] for c in client.get(path, headers=bearer(key)).json["items"]] == \
        [second["id"], first["id"]]
    assert [c["id"] for c in walk(client, key, path, updated_since=first["started_at"])] == \
        [first["id"], second["id"]]


def test_runs_and_keys_walk_newest_first_by_cursor(app, client, clock, practice):
    key = practice["key"]
    made = []
    for _ in range(3):
        made.append(new_run(app))
        clock.advance(minutes=1)
    assert [r["id"] for r in walk(client, key, "/v1/reverification-runs", limit=2)] == \
        made[::-1]
    paged = client.get("/v1/reverification-runs", headers=bearer(key)).json
    assert paged["total"] == 3 and paged["next_cursor"] is None
    assert client.get("/v1/reverification-runs", query_string={"updated_since": clock()
                                                               .isoformat()},
                      headers=bearer(key)).status_code == 422
    for _ in range(2):
        client.post("/v1/api-keys", headers=bearer(key), json={"scopes": ["read"]})
        clock.advance(minutes=1)
    keys = walk(client, key, "/v1/api-keys", limit=1)
    assert len(keys) == 3
    assert [k["created_at"] for k in keys] == sorted((k["created_at"] for k in keys),
                                                     reverse=True)
    assert [k["id"] for k in walk(client, key, "/v1/api-keys", status="active", limit=2)] == \
        [k["id"] for k in keys]


def test_another_practices_rows_and_another_patients_never_appear(app, client, practice):
    key = practice["key"]
    # The practice's other patient has a coverage with rows of its own too.
    neighbour = create_patient(client, key, PEOPLE[1])
    for cid in (practice["coverage"]["id"],
                create_coverage(client, key, neighbour["id"], PEOPLE[1])["id"]):
        book(client, key, cid, date(2026, 11, 10))
        authorize(client, key, cid, "A-1", "2026-12-31")
        client.post("/v1/eligibility-checks", headers=bearer(key), json={"coverage_id": cid})
    new_run(app)
    _, other = new_practice(app, name="Other Practice", npi=VALID_NPIS[1])
    for path in paths(practice):
        mine = client.get(path, query_string={"limit": 5}, headers=bearer(key))
        assert mine.status_code == 200 and len(mine.json["items"]) == 1, path
        theirs = client.get(path, query_string={"limit": 5}, headers=bearer(other))
        if path.startswith(("/v1/patients/", "/v1/coverages/")):
            assert theirs.status_code == 404, path
        else:
            assert theirs.status_code == 200, path
            assert {r["id"] for r in theirs.json["items"]}.isdisjoint(
                r["id"] for r in mine.json["items"]), path


@pytest.mark.parametrize("cursor", ["garbage", "e30", "eyJvIjoiZGF0ZSJ9", "!!!", "x" * 1001])
def test_a_malformed_cursor_is_422(client, practice, cursor):
    for path in paths(practice):
        response = client.get(path, query_string={"cursor": cursor},
                              headers=bearer(practice["key"]))
        assert response.status_code == 422, path
        assert "cursor" in response.json["errors"], path


def test_a_cursor_of_another_order_or_list_is_422(client, practice):
    key, cid = practice["key"], practice["coverage"]["id"]
    for n in range(3):
        book(client, key, cid, date(2026, 11, 10 + n))
    cursor = client.get(f"/v1/coverages/{cid}/visits", query_string={"limit": 1},
                        headers=bearer(key)).json["next_cursor"]
    for path, args in ((f"/v1/coverages/{cid}/visits", {"updated_since": "2026-01-01T00:00Z"}),
                       (f"/v1/coverages/{cid}/visits", {"from": "2026-11-11"}),
                       (f"/v1/coverages/{cid}/authorizations", {}),
                       (f"/v1/coverages/{cid}/eligibility-checks", {}),
                       (f"/v1/patients/{practice['patient']['id']}/coverages", {})):
        response = client.get(path, query_string={**args, "cursor": cursor},
                              headers=bearer(key))
        assert response.status_code == 422, (path, args)
