"""Units of one statement on a real database, through each way the database has of running
them (on PostgreSQL, SQLAlchemy's and the driver's own): the same rows, the same counts, the
same errors, nothing half stored, and a connection the server closed dropped from the pool."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, bindparam, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from service.db.engine import make_engine
from service.db.models import Coverage, EligibilityCheck, Patient, Practice
from service.db.statements import CoreStatements, DriverStatements, Statements
from service.domain.eligibility import ANSWERED

CHECKS = EligibilityCheck.__table__
NOW = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
SUMMARY = {"active": True, "plan": {"name": "Statement Plan"}, "messages": ["é ✓", ""]}


@pytest.fixture(params=[CoreStatements, DriverStatements], ids=["sqlalchemy", "driver"])
def way(db_url: str, request: pytest.FixtureRequest) -> Iterator[tuple[Engine, Statements]]:
    engine = make_engine(db_url)
    if request.param is DriverStatements and engine.dialect.name != "postgresql":
        engine.dispose()
        pytest.skip("the driver's own way is PostgreSQL's")
    yield engine, request.param(engine)
    engine.dispose()


@pytest.fixture
def coverage(way: tuple[Engine, Statements]) -> tuple[uuid.UUID, uuid.UUID]:
    engine, _ = way
    practice, patient, coverage = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    stamps = {"created_at": NOW, "updated_at": NOW}
    with engine.begin() as conn:
        conn.execute(insert(Practice.__table__).values(
            id=practice, name="Statement Counseling", npi="1234567893", created_at=NOW))
        conn.execute(insert(Patient.__table__).values(
            id=patient, practice_id=practice, first_name="Quillon", last_name="Zephyrwood",
            birth_date=NOW.date(), gender="U", **stamps))
        conn.execute(insert(Coverage.__table__).values(
            id=coverage, practice_id=practice, patient_id=patient, payer="sandbox",
            member_id="ZZT0000001", relationship="self", priority="primary",
            network_status="in", **stamps))
    return practice, coverage


def _check(practice: uuid.UUID, coverage: uuid.UUID, **values: object) -> dict[str, object]:
    return {"id": uuid.uuid4(), "practice_id": practice, "coverage_id": coverage,
            "payer": "sandbox", "service_types": "30", "provider_npi": "1234567893",
            "network_status": "in", "status": "active", "reached_payer": True,
            "trace_number": "T1", "control_number": 2**40, "requested_by": "key:test",
            "started_at": NOW, "elapsed_ms": 12.5, "summary": SUMMARY, **values}


_INSERT = insert(CHECKS).values({name: bindparam(name, type_=CHECKS.c[name].type)
                                 for name in _check(uuid.uuid4(), uuid.uuid4())})
_BY_ID = select(CHECKS).where(CHECKS.c.id == bindparam("id"))
_ANSWERED = (select(CHECKS.c.id, CHECKS.c.status)
             .where(CHECKS.c.coverage_id == bindparam("coverage_id"),
                    CHECKS.c.status.in_(ANSWERED))
             .order_by(CHECKS.c.started_at))
_STATUS = (update(CHECKS).where(CHECKS.c.id == bindparam("check_id"))
           .values(status=bindparam("status", type_=CHECKS.c.status.type),
                   checked_at=bindparam("checked_at", type_=CHECKS.c.checked_at.type)))


def test_a_row_written_and_read_comes_back_with_its_types(way, coverage) -> None:
    engine, statements = way
    row = _check(*coverage)

    statements.rowcount(_INSERT, row)
    found = statements.first(_BY_ID, {"id": row["id"]})

    assert found is not None
    assert {name: found[name] for name in row} == row
    assert found["started_at"].tzinfo is not None and found["started_at"] == NOW
    assert found["checked_at"] is None and found["route"] is None
    with engine.connect() as conn:  # what SQLAlchemy itself reads back
        assert dict(conn.execute(_BY_ID, {"id": row["id"]}).mappings().one()) == found


def test_an_update_counts_the_rows_it_changed_and_none_is_none(way, coverage) -> None:
    _, statements = way
    row = _check(*coverage)
    statements.rowcount(_INSERT, row)

    changed = statements.rowcount(_STATUS, {"check_id": row["id"], "status": "error",
                                            "checked_at": NOW + timedelta(seconds=3)})
    missed = statements.rowcount(_STATUS, {"check_id": uuid.uuid4(), "status": "error",
                                           "checked_at": None})

    assert (changed, missed) == (1, 0)
    found = statements.first(_BY_ID, {"id": row["id"]})
    assert found is not None and found["status"] == "error"
    assert found["checked_at"] == NOW + timedelta(seconds=3)
    assert statements.first(_BY_ID, {"id": uuid.uuid4()}) is None


def test_an_in_list_is_expanded_and_all_rows_come_in_order(way, coverage) -> None:
    _, statements = way
    rows = [_check(*coverage, status=status, started_at=NOW + timedelta(minutes=n))
            for n, status in enumerate(["active", "error", "inactive", "pending", "rejected"])]
    for row in rows:
        statements.rowcount(_INSERT, row)

    found = statements.all(_ANSWERED, {"coverage_id": coverage[1]})

    assert [(r["id"], r["status"]) for r in found] == [
        (row["id"], row["status"]) for row in rows if row["status"] in ANSWERED]


def test_a_refused_statement_raises_the_database_error_and_stores_nothing(way,
                                                                        coverage) -> None:
    engine, statements = way
    orphan = _check(uuid.uuid4(), coverage[1])  # no such practice

    with pytest.raises(IntegrityError):
        statements.rowcount(_INSERT, orphan)

    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(CHECKS)).scalar_one() == 0
    row = _check(*coverage)  # the pool's connection goes on working
    statements.rowcount(_INSERT, row)
    assert statements.first(_BY_ID, {"id": row["id"]}) is not None


def test_a_connection_the_server_closed_is_dropped_and_the_next_one_works(way,
                                                                         coverage) -> None:
    engine, statements = way
    if engine.dialect.name != "postgresql":
        pytest.skip("a server that closes connections is PostgreSQL's")
    row = _check(*coverage)
    statements.rowcount(_INSERT, row)
    backend = statements.first(select(func.pg_backend_pid().label("pid")), {})
    assert backend is not None
    killer = make_engine(str(engine.url.render_as_string(hide_password=False)))
    with killer.begin() as other:  # a connection of another pool: this one's stays idle
        other.execute(select(func.pg_terminate_backend(backend["pid"])))
    killer.dispose()

    with pytest.raises(DBAPIError) as raised:
        statements.first(_BY_ID, {"id": row["id"]})

    assert raised.value.connection_invalidated
    found = statements.first(_BY_ID, {"id": row["id"]})
    assert found is not None and found["id"] == row["id"]

