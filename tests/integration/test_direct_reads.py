"""Reads that stand alone: the same rows through SQLAlchemy and PostgreSQL's direct path."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import bindparam, insert, select

from service.db.checks import _STARTING_POINT, _STARTING_POINT_SQL
from service.db.direct import DirectReads
from service.db.engine import make_engine, make_session_factory
from service.db.models import Coverage, EligibilityCheck, Patient, Practice
from service.db.uow import UnitOfWork
from tests.integration.test_engine import kill_backend


def _seed(engine) -> tuple[uuid.UUID, uuid.UUID, datetime]:  # type: ignore[no-untyped-def]
    practice, patient, coverage = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    now = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    stamps = {"created_at": now, "updated_at": now}
    with engine.begin() as conn:
        conn.execute(insert(Practice.__table__).values(
            id=practice, name="Direct Reads Counseling", npi="1234567893", created_at=now))
        conn.execute(insert(Patient.__table__).values(
            id=patient, practice_id=practice, first_name="Quillon", last_name="Zephyrwood",
            birth_date=date(1980, 1, 1), gender="U", **stamps))
        conn.execute(insert(Coverage.__table__).values(
            id=coverage, practice_id=practice, patient_id=patient, payer="sandbox",
            member_id="ZZT0000001", relationship="self", priority="primary",
            network_status="in", **stamps))
        conn.execute(insert(EligibilityCheck.__table__).values(
            id=uuid.uuid4(), practice_id=practice, coverage_id=coverage, payer="sandbox",
            service_types="30", provider_npi="1234567893", network_status="in",
            status="error", reached_payer=True, trace_number="T1", control_number=7,
            requested_by="test", started_at=now - timedelta(seconds=30)))
    return practice, coverage, now


def test_both_paths_read_the_same_row_in_utc(db_url: str) -> None:
    engine = make_engine(db_url)
    reads = DirectReads(engine)
    try:
        practice, coverage, now = _seed(engine)
        params = {"practice_id": practice, "coverage_id": coverage,
                  "doubtful_since": now - timedelta(seconds=90)}
        direct = reads.first(_STARTING_POINT, _STARTING_POINT_SQL, params)
        in_session = UnitOfWork(make_session_factory(engine)).read_first(
            _STARTING_POINT, _STARTING_POINT_SQL, params)
        missing = reads.first(_STARTING_POINT, _STARTING_POINT_SQL,
                              {**params, "coverage_id": uuid.uuid4()})
    finally:
        reads.dispose()
        engine.dispose()

    assert direct == in_session
    assert direct is not None and missing is None
    assert (direct["id"], direct["payer"], direct["practice_name"]) == (
        coverage, "sandbox", "Direct Reads Counseling")
    assert direct["doubt_started_at"] == now - timedelta(seconds=30)
    assert direct["doubt_started_at"].tzinfo is not None
    assert direct["doubt_started_at"].utcoffset() == timedelta(0)


def test_a_connection_the_server_closed_is_replaced_and_the_read_made_again(pg_url: str) -> None:
    engine = make_engine(pg_url)
    reads = DirectReads(engine, keep=1)
    pid = select(bindparam("x"))  # stands in for the SQLite statement: not run here
    try:
        first = reads.first(pid, "SELECT pg_backend_pid() AS pid", {})
        assert first is not None
        kill_backend(pg_url, first["pid"])
        again = reads.first(pid, "SELECT pg_backend_pid() AS pid", {})
    finally:
        reads.dispose()
        engine.dispose()

    assert again is not None and again["pid"] != first["pid"]


def test_a_forked_child_opens_its_own_connections(pg_url: str) -> None:
    engine = make_engine(pg_url)
    reads = DirectReads(engine, keep=1)
    try:
        parent = reads.first(select(bindparam("x")), "SELECT pg_backend_pid() AS pid", {})
        assert parent is not None
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:
            try:
                mine = reads.first(select(bindparam("x")), "SELECT pg_backend_pid() AS pid", {})
                os.write(write_end, str(mine["pid"] if mine else 0).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        seen = int(os.read(read_end, 32) or b"0")
        os.waitpid(child, 0)
        os.close(read_end)
        after = reads.first(select(bindparam("x")), "SELECT pg_backend_pid() AS pid", {})
    finally:
        reads.dispose()
        engine.dispose()

    assert seen not in (0, parent["pid"])
    assert after is not None and after["pid"] == parent["pid"]  # the parent's is intact


def test_a_failed_read_is_not_retried_and_its_connection_is_closed_not_kept(pg_url: str) -> None:
    engine = make_engine(pg_url)
    reads = DirectReads(engine, keep=1)
    try:
        with pytest.raises(psycopg.errors.UndefinedTable):
            reads.first(select(bindparam("x")), "SELECT 1 FROM no_such_table", {})
        assert reads.shelf._free == []
    finally:
        reads.dispose()
        engine.dispose()
