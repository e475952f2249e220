"""Verdict inputs kept in memory: every kind of write moves the stamps, and no check is stale."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from service import create_app
from tests.conftest import PAYERS_FILE
from tests.support.builders import authorized_coverage, bearer, new_practice


@pytest.fixture
def ledger(app, client):
    return authorized_coverage(app, client, number="AUTH-5", quantity=5)


def stamps(db_url, coverage_id, practice_id):
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            ledger = conn.execute(text("SELECT ledger_version FROM coverages"
                                       " WHERE id = :id"),
                                  {"id": _db_id(engine, coverage_id)}).scalar_one()
            config = conn.execute(text("SELECT config_version FROM practices WHERE id = :id"),
                                  {"id": _db_id(engine, practice_id)}).scalar_one()
    finally:
        engine.dispose()
    return ledger, config


def _db_id(engine, value):
    # SQLite keeps UUIDs as 32 hex digits, PostgreSQL as uuid.
    found = uuid.UUID(str(value))
    return found.hex if engine.dialect.name == "sqlite" else found


def execute(db_url, statement, **params):
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(statement), {k: _db_id(engine, v) if k.endswith("id") else v
                                           for k, v in params.items()})
    finally:
        engine.dispose()


def check(client, ledger, **body):
    answer = client.post("/v1/visits/check", headers=bearer(ledger["key"]), json={
        "coverage_id": ledger["coverage_id"], "date": "2026-12-01", "code": "90837",
        "minutes": 55, **body})
    assert answer.status_code == 200, answer.json
    return answer.json


def remaining(verdict):
    low = [r for r in verdict["reasons"] if r["code"] == "AUTH_LOW"]
    return low[0]["data"]["remaining"] if low else None


def test_every_kind_of_write_moves_a_stamp(app, client, ledger, db_url):
    key, coverage_id, practice_id = ledger["key"], ledger["coverage_id"], ledger["practice_id"]
    seen = [stamps(db_url, coverage_id, practice_id)]

    def moved(which):
        now = stamps(db_url, coverage_id, practice_id)
        assert now[which] > seen[-1][which], (which, seen[-1], now)
        assert now[1 - which] == seen[-1][1 - which]
        seen.append(now)

    visit = client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage_id, "date": "2026-11-10", "code": "90837", "minutes": 55}).json
    moved(0)
    client.post(f"/v1/visits/{visit['id']}/status", headers=bearer(key),
                json={"status": "completed"})
    moved(0)
    client.patch(f"/v1/authorizations/{ledger['auth']['id']}", headers=bearer(key),
                 json={"quantity": 6})
    moved(0)
    client.post("/v1/eligibility-checks", headers=bearer(key),
                json={"coverage_id": coverage_id, "force": True})
    moved(0)
    client.patch(f"/v1/coverages/{coverage_id}", headers=bearer(key),
                 json={"network_status": "out"})
    moved(0)
    client.put("/v1/fee-schedule", headers=bearer(key),
               json={"payer": "sandbox", "code": "90837", "allowed_amount": "140.00"})
    moved(1)
    client.put("/v1/settings", headers=bearer(key),
               json={"thresholds": {"auth_low_threshold": 4}})
    moved(1)
    # Writes from outside the service (a script, a console) move them too: triggers do it.
    execute(db_url, "UPDATE visits SET minutes = 56 WHERE id = :id", id=visit["id"])
    moved(0)
    execute(db_url, "DELETE FROM visits WHERE id = :id", id=visit["id"])
    moved(0)
    execute(db_url, "DELETE FROM fee_schedule WHERE practice_id = :practice_id",
            practice_id=practice_id)
    moved(1)


def test_a_pending_check_does_not_move_the_stamp_and_its_answer_does(app, ledger, db_url):
    coverage_id, practice_id = ledger["coverage_id"], ledger["practice_id"]
    before = stamps(db_url, coverage_id, practice_id)
    check_id = uuid.uuid4()
    execute(db_url, """
        INSERT INTO eligibility_checks (id, practice_id, coverage_id, payer, status,
            service_types, provider_npi, network_status, reached_payer, trace_number,
            control_number, requested_by, started_at)
        SELECT :check_id, practice_id, id, payer, 'pending', '30', '1245319599',
            network_status, false, 'T1', 999999, 'test', created_at
        FROM coverages WHERE id = :coverage_id""",
            check_id=check_id, coverage_id=coverage_id)
    assert stamps(db_url, coverage_id, practice_id) == before
    execute(db_url, "UPDATE eligibility_checks SET status = 'error' WHERE id = :check_id",
            check_id=check_id)
    assert stamps(db_url, coverage_id, practice_id)[0] > before[0]


def test_checks_come_from_memory_until_something_they_read_changes(app, client, ledger, db_url):
    source = app.extensions["coverwatch"].verdict_inputs
    first = check(client, ledger)
    assert first["status"] == "covered" and remaining(first) is None
    loads = source.loads
    for _ in range(3):
        assert check(client, ledger) == first
    assert source.loads == loads and source.hits >= 3

    # Three visits booked through the API: the next check counts them.
    for day in (3, 10, 17):
        client.post("/v1/visits", headers=bearer(ledger["key"]), json={
            "coverage_id": ledger["coverage_id"], "date": f"2026-11-{day:02d}",
            "code": "90837", "minutes": 55})
    assert remaining(check(client, ledger)) == 1  # left after this visit
    assert source.loads == loads + 1

    # An authorization changed behind the service's back is seen at once, too.
    execute(db_url, "UPDATE authorizations SET quantity = 4 WHERE id = :auth_id",
            auth_id=ledger["auth"]["id"])
    assert remaining(check(client, ledger)) == 0
    execute(db_url, "UPDATE authorizations SET quantity = 3 WHERE id = :auth_id",
            auth_id=ledger["auth"]["id"])
    exhausted = check(client, ledger)
    assert exhausted["status"] == "not_covered"
    assert "AUTH_EXHAUSTED" in {r["code"] for r in exhausted["reasons"]}

    # The practice's settings and fees are read again once they change.
    client.put("/v1/settings", headers=bearer(ledger["key"]),
               json={"thresholds": {"auth_low_threshold": 0}})
    client.put("/v1/fee-schedule", headers=bearer(ledger["key"]),
               json={"payer": "sandbox", "code": "90837", "allowed_amount": "10.00"})
    execute(db_url, "UPDATE authorizations SET quantity = 5 WHERE id = :auth_id",
            auth_id=ledger["auth"]["id"])
    priced = check(client, ledger)
    assert remaining(priced) is None and priced["estimate"]["allowed_amount"] == "10.00"


def test_another_practice_gets_404_even_for_a_coverage_held_in_memory(app, client, ledger):
    check(client, ledger)
    _, stranger = new_practice(app, name="Other Practice")
    answer = client.post("/v1/visits/check", headers=bearer(stranger), json={
        "coverage_id": ledger["coverage_id"], "date": "2026-12-01", "code": "90837"})
    assert answer.status_code == 404


def test_a_connection_the_server_closed_is_replaced(app, client, ledger, db_url):
    first = check(client, ledger)
    engine = create_engine(db_url)
    if engine.dialect.name == "postgresql":
        # A connection in steady use is not pinged before it is used: a dead one is found by
        # the stamps' statement, dropped, and the statement run again on a new one.
        with engine.begin() as conn:
            killed = conn.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()")
            ).scalar_one()
        assert killed >= 1
    else:
        app.extensions["coverwatch"].engine.dispose()
    engine.dispose()
    assert check(client, ledger) == first


def test_with_no_memory_every_check_reads_the_database(db_url, clock):
    app = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                      "verdict_cache_size": 0}, clock=clock)
    try:
        client = app.test_client()
        ledger = authorized_coverage(app, client, number="AUTH-0", quantity=5)
        source = app.extensions["coverwatch"].verdict_inputs
        answers = [check(client, ledger) for _ in range(3)]
        assert answers[0] == answers[1] == answers[2]
        assert (source.hits, source.loads) == (0, 3)
    finally:
        app.extensions["coverwatch"].dispose()
