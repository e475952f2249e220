"""Practice-wide lists by cursor: filters, tenancy, stable pages, updated_since, payers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.support import logcapture
from tests.support.builders import (
    VALID_NPIS,
    bearer,
    create_coverage,
    create_patient,
    new_practice,
)
from tests.support.people import PEOPLE


@pytest.fixture
def practice(app, client):
    practice_id, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])
    return {"key": key, "patient": patient, "coverage": coverage}


def book(client, key: str, coverage_id: str, on: date, **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage_id, "date": on.isoformat(), "code": "90837", **extra})
    assert response.status_code in (200, 201), response.json
    return dict(response.json)


def walk(client, key: str, path: str, **args: Any) -> list[dict[str, Any]]:
    """Every row of a list, following next_cursor."""
    rows: list[dict[str, Any]] = []
    query: dict[str, Any] = dict(args)
    while True:
        response = client.get(path, query_string=query, headers=bearer(key))
        assert response.status_code == 200, response.json
        rows += response.json["items"]
        if response.json["next_cursor"] is None:
            return rows
        query = {**args, "cursor": response.json["next_cursor"]}


def test_visits_are_listed_in_date_order_a_page_at_a_time(client, practice):
    key, cid = practice["key"], practice["coverage"]["id"]
    days = [date(2026, 11, 20) - timedelta(days=n * 3) for n in range(7)]
    for n, day in enumerate(days):
        book(client, key, cid, day, external_id=f"V-{n}")
    first = client.get("/v1/visits", query_string={"limit": 3}, headers=bearer(key))
    assert first.status_code == 200
    assert len(first.json["items"]) == 3 and first.json["next_cursor"]
    listed = walk(client, key, "/v1/visits", limit=3)
    assert [v["date"] for v in listed] == sorted(d.isoformat() for d in days)
    assert walk(client, key, "/v1/visits", **{"from": "2026-11-10", "to": "2026-11-17"}) == \
        [v for v in listed if "2026-11-10" <= v["date"] <= "2026-11-17"]
    assert [v["external_id"] for v in walk(client, key, "/v1/visits", external_id="V-2")] == \
        ["V-2"]
    assert len(walk(client, key, "/v1/visits", patient_id=practice["patient"]["id"])) == 7
    assert len(walk(client, key, "/v1/visits", coverage_id=cid, status="scheduled")) == 7
    assert walk(client, key, "/v1/visits", status="completed") == []
    verdict = listed[0]["verdict"]["status"]
    assert len(walk(client, key, "/v1/visits", verdict=verdict)) == 7


def test_a_page_walk_sees_each_row_once_while_rows_are_inserted(client, practice):
    key, cid = practice["key"], practice["coverage"]["id"]
    start = date(2026, 11, 5)
    present = {book(client, key, cid, start + timedelta(days=2 * n))["id"] for n in range(9)}
    seen: list[str] = []
    response = client.get("/v1/visits", query_string={"limit": 2}, headers=bearer(key))
    added = 0
    while True:
        seen += [v["id"] for v in response.json["items"]]
        # Between the first page reads, visits land before, beside and after the page just
        # read (on the same date as a row read too: the id breaks the tie).
        if added < 4:
            last = date.fromisoformat(response.json["items"][-1]["date"])
            for offset in (-3, 0, 1, 5):
                book(client, key, cid, last + timedelta(days=offset))
            added += 1
        if response.json["next_cursor"] is None:
            break
        response = client.get("/v1/visits", headers=bearer(key), query_string={
            "limit": 2, "cursor": response.json["next_cursor"]})
    assert len(seen) == len(set(seen)), "a row was listed twice"
    assert present <= set(seen), "a row present at the start went missing"


def test_another_practices_rows_never_appear(app, client, practice):
    book(client, practice["key"], practice["coverage"]["id"], date(2026, 11, 10))
    client.post("/v1/authorizations", headers=bearer(practice["key"]), json={
        "coverage_id": practice["coverage"]["id"], "number": "A-1", "quantity": 5,
        "start_date": "2026-11-01", "end_date": "2026-12-31"})
    client.post("/v1/eligibility-checks", headers=bearer(practice["key"]),
                json={"coverage_id": practice["coverage"]["id"]})
    _, other = new_practice(app, name="Other Practice", npi=VALID_NPIS[1])
    for path in ("/v1/visits", "/v1/authorizations", "/v1/coverages", "/v1/eligibility-checks"):
        mine = client.get(path, headers=bearer(practice["key"]))
        assert len(mine.json["items"]) == 1, path
        theirs = client.get(path, headers=bearer(other))
        assert theirs.status_code == 200 and theirs.json["items"] == [], path
    searched = client.post("/v1/coverages/search", headers=bearer(other),
                           json={"member_id": PEOPLE[0].member_id})
    assert searched.status_code == 200 and searched.json["items"] == []


def test_a_member_id_is_searched_in_a_body_and_never_reaches_the_log(client, practice):
    other = create_patient(client, practice["key"], PEOPLE[1])
    create_coverage(client, practice["key"], other["id"], PEOPLE[1])
    logcapture.take()
    found = client.post("/v1/coverages/search", headers=bearer(practice["key"]),
                        json={"member_id": PEOPLE[0].member_id, "limit": 5})
    assert found.status_code == 200
    assert [c["id"] for c in found.json["items"]] == [practice["coverage"]["id"]]
    in_url = client.get("/v1/coverages", query_string={"member_id": PEOPLE[0].member_id},
                        headers=bearer(practice["key"]))
    assert in_url.status_code == 422
    assert "member_id" in in_url.json["errors"]
    assert PEOPLE[0].member_id not in in_url.get_data(as_text=True)
    logged = logcapture.take()
    assert "/v1/coverages/search" in logged
    assert PEOPLE[0].member_id not in logged and PEOPLE[1].member_id not in logged


def test_coverages_filter_by_payer_patient_and_status(client, clock, practice):
    key = practice["key"]
    clock.advance(seconds=1)
    other = create_patient(client, key, PEOPLE[1])
    ended = create_coverage(client, key, other["id"], PEOPLE[1], payer="sandbox-bho")
    assert client.patch(f"/v1/coverages/{ended['id']}", headers=bearer(key),
                        json={"status": "ended"}).status_code == 200
    ids = lambda **args: [c["id"] for c in walk(client, key, "/v1/coverages", **args)]  # noqa: E731
    assert ids(limit=1) == [practice["coverage"]["id"], ended["id"]]
    assert ids(payer="sandbox-bho") == [ended["id"]]
    assert ids(status="active") == [practice["coverage"]["id"]]
    assert ids(status="ended", patient_id=other["id"]) == [ended["id"]]


@pytest.mark.parametrize("cursor", ["garbage", "e30", "eyJvIjoiZGF0ZSJ9", "!!!", "x" * 1001])
def test_a_malformed_cursor_is_422(client, practice, cursor):
    response = client.get("/v1/visits", query_string={"cursor": cursor},
                          headers=bearer(practice["key"]))
    assert response.status_code == 422
    assert "cursor" in response.json["errors"]


def test_a_cursor_is_refused_with_other_filters_another_order_or_another_list(client, practice):
    key, cid = practice["key"], practice["coverage"]["id"]
    for n in range(3):
        book(client, key, cid, date(2026, 11, 10 + n))
    cursor = client.get("/v1/visits", query_string={"limit": 1},
                        headers=bearer(key)).json["next_cursor"]
    for args, path in (({"status": "scheduled"}, "/v1/visits"),
                       ({"updated_since": "2026-01-01T00:00:00+00:00"}, "/v1/visits"),
                       ({}, "/v1/authorizations"), ({}, "/v1/coverages")):
        response = client.get(path, query_string={**args, "cursor": cursor},
                              headers=bearer(key))
        assert response.status_code == 422, (path, args)
        assert "cursor" in response.json["errors"]


def test_updated_since_lists_what_changed_in_the_order_it_changed(client, clock, practice):
    key, cid = practice["key"], practice["coverage"]["id"]
    auth = client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": cid, "number": "A-1", "quantity": 5, "start_date": "2026-11-01",
        "end_date": "2026-12-31"}).json
    early = book(client, key, cid, date(2026, 11, 20))
    late = book(client, key, cid, date(2026, 11, 10))
    clock.advance(hours=1)
    mark = clock().isoformat()
    assert walk(client, key, "/v1/visits", updated_since=mark) == []
    clock.advance(minutes=5)
    assert client.delete(f"/v1/visits/{early['id']}", headers=bearer(key)).status_code == 204
    clock.advance(minutes=5)
    assert client.post(f"/v1/visits/{late['id']}/status", headers=bearer(key),
                       json={"status": "completed"}).status_code == 200
    changed = walk(client, key, "/v1/visits", updated_since=mark, limit=1)
    assert [(v["id"], v["status"]) for v in changed] == [(early["id"], "deleted"),
                                                          (late["id"], "completed")]
    assert [v["id"] for v in walk(client, key, "/v1/visits")] == [late["id"]]
    # The visits' units moved on the authorization: it changed too, the coverage did not.
    assert [a["id"] for a in walk(client, key, "/v1/authorizations", updated_since=mark)] == \
        [auth["id"]]
    assert walk(client, key, "/v1/coverages", updated_since=mark) == []
    clock.advance(minutes=5)
    client.patch(f"/v1/coverages/{cid}", headers=bearer(key), json={"priority": "secondary"})
    assert [c["id"] for c in walk(client, key, "/v1/coverages", updated_since=mark)] == [cid]


def test_authorizations_list_ending_soonest_first(client, practice):
    key, cid = practice["key"], practice["coverage"]["id"]
    for number, end, status in (("A-1", "2026-12-31", "approved"), ("A-2", "2026-11-30",
                                                                    "pending")):
        client.post("/v1/authorizations", headers=bearer(key), json={
            "coverage_id": cid, "number": number, "quantity": 5, "start_date": "2026-11-01",
            "end_date": end, "status": status})
    numbers = lambda **args: [a["number"] for a in walk(client, key,  # noqa: E731
                                                        "/v1/authorizations", **args)]
    assert numbers(limit=1) == ["A-2", "A-1"]
    assert numbers(ending_before="2026-12-01") == ["A-2"]
    assert numbers(status="approved", coverage_id=cid) == ["A-1"]


def test_eligibility_checks_list_newest_first_with_filters(client, clock, practice):
    key, cid = practice["key"], practice["coverage"]["id"]
    first = client.post("/v1/eligibility-checks", headers=bearer(key),
                        json={"coverage_id": cid}).json
    clock.advance(days=2)
    second = client.post("/v1/eligibility-checks", headers=bearer(key),
                         json={"coverage_id": cid, "force": True}).json
    listed = walk(client, key, "/v1/eligibility-checks", limit=1)
    assert [c["id"] for c in listed] == [second["id"], first["id"]]
    assert listed[0]["summary"] is not None
    since = (clock() - timedelta(days=1)).isoformat()
    assert [c["id"] for c in walk(client, key, "/v1/eligibility-checks", since=since)] == \
        [second["id"]]
    assert walk(client, key, "/v1/eligibility-checks", status="inactive") == []
    assert len(walk(client, key, "/v1/eligibility-checks", coverage_id=cid,
                    status=first["status"], updated_since=first["started_at"])) == 2


def test_the_payer_directory_lists_routes_without_their_secrets(client, practice):
    payers = walk(client, practice["key"], "/v1/payers", limit=1)
    assert [p["id"] for p in payers] == sorted(p["id"] for p in payers)
    sandbox = next(p for p in payers if p["id"] == "sandbox")
    assert set(sandbox) == {"id", "name", "payer_id", "connectivity", "service_types",
                            "aliases", "routes", "transactions", "enrollment_required"}
    assert sandbox["aliases"] == {"sandbox": "SANDBOX01"} and sandbox["routes"] == ["sandbox"]
    assert sandbox["connectivity"] == "sandbox"


def test_lists_refuse_unknown_values_with_422(client, practice):
    for path, args in (("/v1/visits", {"verdict": "maybe"}), ("/v1/visits", {"limit": 0}),
                       ("/v1/authorizations", {"status": "granted"}),
                       ("/v1/coverages", {"status": "lapsed"}),
                       ("/v1/eligibility-checks", {"since": "2026-11-01"}),
                       ("/v1/payers", {"updated_since": "2026-11-01T00:00:00Z"})):
        response = client.get(path, query_string=args, headers=bearer(practice["key"]))
        assert response.status_code == 422, (path, args)


def test_patients_alerts_and_the_audit_log_page_by_cursor_too(client, clock, practice):
    key = practice["key"]
    clock.advance(seconds=1)
    second = create_patient(client, key, PEOPLE[1])
    patients = walk(client, key, "/v1/patients", limit=1)
    assert [p["id"] for p in patients] == [practice["patient"]["id"], second["id"]]
    mark = clock().isoformat()
    assert [p["id"] for p in walk(client, key, "/v1/patients", updated_since=mark)] == \
        [second["id"]]
    events = walk(client, key, "/v1/audit-events", limit=2)
    assert len(events) == len({e["id"] for e in events}) >= 4
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)
    assert client.get("/v1/audit-events", query_string={"page": 1, "limit": 5},
                      headers=bearer(key)).status_code == 422
    paged = client.get("/v1/patients", headers=bearer(key)).json
    assert paged["total"] == 2 and paged["next_cursor"] is None


def test_alerts_carry_their_patient_and_refuse_an_unknown_kind(client, clock, practice):
    key, cid = practice["key"], practice["coverage"]["id"]
    client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": cid, "number": "A-1", "quantity": 1, "start_date": "2026-11-01",
        "end_date": "2026-12-31"})
    book(client, key, cid, date(2026, 11, 20))
    book(client, key, cid, date(2026, 11, 27))
    listed = walk(client, key, "/v1/alerts", limit=1)
    assert listed and all(a["patient_id"] == practice["patient"]["id"] for a in listed)
    assert listed == client.get("/v1/alerts", headers=bearer(key)).json["items"]
    assert client.get("/v1/alerts", query_string={"kind": "made_up"},
                      headers=bearer(key)).status_code == 422
    clock.advance(minutes=1)
    mark = clock().isoformat()
    assert walk(client, key, "/v1/alerts", updated_since=mark) == []
    clock.advance(minutes=1)
    resolved = client.post(f"/v1/alerts/{listed[0]['id']}/resolve", headers=bearer(key)).json
    assert resolved["patient_id"] == practice["patient"]["id"]
    assert [a["id"] for a in walk(client, key, "/v1/alerts", updated_since=mark)] == \
        [listed[0]["id"]]
