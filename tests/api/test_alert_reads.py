"""Listing alerts reads only: no statement that writes, no wait on a writer's lock, stable ids,
pages, and what the ledger changes shows at the next read (the cache follows the stamps)."""

from __future__ import annotations

import re
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select, text

from service.db.models import Alert, AuditEvent
from service.ledger.alert_source import AlertSource
from tests.support.builders import authorized_coverage, bearer, new_practice

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|LOCK)\b", re.IGNORECASE)


@pytest.fixture
def ledger(app, client):
    """A coverage with two visits left on its authorization and a visit coded 90837 for 40
    minutes: alerts auth_low and cpt_time_mismatch."""
    found = authorized_coverage(app, client, number="A-7", quantity=3)
    booked = client.post("/v1/visits", headers=bearer(found["key"]), json={
        "coverage_id": found["coverage_id"], "date": "2026-11-10", "code": "90837",
        "minutes": 40})
    assert booked.status_code == 201, booked.json
    return found


def alerts(client, key, query=""):
    response = client.get(f"/v1/alerts{query}", headers=bearer(key))
    assert response.status_code == 200, response.json
    return response.json


@contextmanager
def statements(app) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = app.extensions["coverwatch"].engine

    def hear(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", hear)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", hear)


def count(app, model) -> int:
    with app.extensions["coverwatch"].engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_listing_alerts_runs_no_statement_that_writes(app, client, ledger):
    before = (count(app, Alert), count(app, AuditEvent))
    with statements(app) as seen:
        first = alerts(client, ledger["key"])  # derived from the database
        again = alerts(client, ledger["key"], "?include_resolved=true")  # from memory
    assert {"auth_low", "cpt_time_mismatch"} <= {a["kind"] for a in first["items"]}
    assert [a["id"] for a in again["items"]] == [a["id"] for a in first["items"]]
    assert seen, "the listing read nothing: the listener is not on the app's engine"
    assert [s for s in seen if WRITES.match(s)] == []
    assert (count(app, Alert), count(app, AuditEvent)) == before


@contextmanager
def a_writer_holding_its_locks(app, db_url: str) -> Iterator[None]:
    """Another connection in the middle of a write (and, on SQLite, this process's writers'
    turn taken, as booking takes it), as while a visit is being booked."""
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        with app.extensions["coverwatch"].uow() as work, work.serialized():
            try:
                yield
            finally:
                conn.execute("ROLLBACK")
                conn.close()
        return
    from sqlalchemy import create_engine

    engine = create_engine(db_url)
    with engine.connect() as conn:
        conn.execute(text("LOCK TABLE alerts, audit_log IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            conn.rollback()
    engine.dispose()


def test_an_alert_read_does_not_wait_for_a_writer(app, client, ledger, db_url):
    alerts(client, ledger["key"])
    answers: list[int] = []

    def read() -> None:
        answers.append(client.get("/v1/alerts", headers=bearer(ledger["key"])).status_code)

    with a_writer_holding_its_locks(app, db_url):
        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=10)
        finished = not reader.is_alive()
    reader.join()
    assert finished, "GET /v1/alerts waited for the writer's lock"
    assert answers == [200]


def test_alerts_come_a_page_at_a_time(app, client):
    found = authorized_coverage(app, client, number="A-8", quantity=20)
    for day in range(3, 8):
        client.post("/v1/visits", headers=bearer(found["key"]), json={
            "coverage_id": found["coverage_id"], "date": f"2026-11-{day:02d}", "code": "90837",
            "minutes": 30})
    whole = alerts(client, found["key"], "?kind=cpt_time_mismatch")
    assert whole["total"] == 5 and len(whole["items"]) == 5
    pages = [alerts(client, found["key"], f"?kind=cpt_time_mismatch&page={n}&page_size=2")
             for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert {(p["page"], p["page_size"], p["total"]) for p in pages} == {
        (1, 2, 5), (2, 2, 5), (3, 2, 5)}
    assert [a["id"] for p in pages for a in p["items"]] == [a["id"] for a in whole["items"]]
    assert client.get("/v1/alerts?page_size=201", headers=bearer(found["key"])).status_code \
        == 422


def test_ids_hold_across_processes_and_a_resolution_until_the_facts_change(app, client, ledger):
    key = ledger["key"]
    low = next(a for a in alerts(client, key)["items"] if a["kind"] == "auth_low")
    app.extensions["coverwatch"].alerts = AlertSource()  # as another process would see it
    assert low["id"] in {a["id"] for a in alerts(client, key)["items"]}
    resolved = client.post(f"/v1/alerts/{low['id']}/resolve", headers=bearer(key))
    assert resolved.status_code == 200 and resolved.json["id"] == low["id"]
    assert resolved.json["resolved_by"].startswith("api_key:")
    assert "auth_low" not in {a["kind"] for a in alerts(client, key)["items"]}
    twice = client.post(f"/v1/alerts/{low['id']}/resolve", headers=bearer(key))
    assert twice.json["resolved_at"] == resolved.json["resolved_at"]
    # One more visit: one left, new facts, a new alert.
    client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": ledger["coverage_id"], "date": "2026-11-17", "code": "90837",
        "minutes": 55})
    now_low = [a for a in alerts(client, key)["items"] if a["kind"] == "auth_low"]
    assert [a["data"]["remaining"] for a in now_low] == [1] and now_low[0]["id"] != low["id"]


def test_what_the_ledger_settings_and_calendar_change_shows_at_the_next_read(
        app, client, ledger, clock):
    key, coverage_id = ledger["key"], ledger["coverage_id"]
    source = app.extensions["coverwatch"].alerts
    kinds = {a["kind"] for a in alerts(client, key)["items"]}
    assert "auth_expiring" not in kinds and "auth_exhausted" not in kinds
    loads = source.loads
    alerts(client, key)
    assert source.loads == loads, "an unchanged ledger was derived again"
    for day in ("2026-11-17", "2026-11-24"):
        client.post("/v1/visits", headers=bearer(key), json={
            "coverage_id": coverage_id, "date": day, "code": "90837", "minutes": 55})
    assert "auth_exhausted" in {a["kind"] for a in alerts(client, key)["items"]}
    assert source.loads == loads + 1
    settings = {"counting": {}, "thresholds": {"auth_expiring_days": 60}}
    assert client.put("/v1/settings", headers=bearer(key), json=settings).status_code == 200
    assert "auth_expiring" in {a["kind"] for a in alerts(client, key)["items"]}
    settings["thresholds"]["auth_expiring_days"] = 14
    client.put("/v1/settings", headers=bearer(key), json=settings)
    assert "auth_expiring" not in {a["kind"] for a in alerts(client, key)["items"]}
    clock.advance(days=48)  # 2026-12-20: the authorization ends in 11 days
    assert "auth_expiring" in {a["kind"] for a in alerts(client, key)["items"]}


def test_another_practices_alert_cannot_be_resolved_or_seen(app, client, ledger):
    low = next(a for a in alerts(client, ledger["key"])["items"] if a["kind"] == "auth_low")
    _, other = new_practice(app, name="Eastside Therapy")
    assert alerts(client, other)["items"] == []
    assert client.post(f"/v1/alerts/{low['id']}/resolve",
                       headers=bearer(other)).status_code == 404
    assert client.post(f"/v1/alerts/{uuid.uuid4()}/resolve",
                       headers=bearer(ledger["key"])).status_code == 404
