"""A live check's INSERT and outcome UPDATE, which stand alone: the direct psycopg path on
PostgreSQL stores exactly what the SQLAlchemy path stores, and never sends a write twice."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import select, text

from service import audit
from service.access import Caller
from service.db.checks import insert_started_alone, record_outcome_alone
from service.db.direct import DirectReads
from service.db.engine import make_engine, make_session_factory
from service.db.models import AuditEvent, EligibilityCheck
from service.db.uow import UnitOfWork
from tests.integration.test_direct_reads import _seed
from tests.integration.test_engine import kill_backend

SUMMARY = {"active": True, "plan": {"name": "Direct Plan", "group_number": None},
           "in_network": {"copay": "25.00", "coinsurance": None}, "messages": ["é ✓"],
           "rejections": []}


def _values(practice: uuid.UUID, coverage: uuid.UUID, now: datetime) -> dict[str, object]:
    return {"id": uuid.uuid4(), "practice_id": practice, "coverage_id": coverage,
            "payer": "sandbox", "service_types": "30,A6", "service_date": now.date(),
            "provider_npi": "1234567893", "network_status": "in", "status": "pending",
            "reached_payer": False, "trace_number": uuid.uuid4().hex, "control_number": 0,
            "requested_by": "key:test", "started_at": now, "carve_out_of_id": None,
            "reverification_run_id": None, "error_code": None, "error_message": None,
            "checked_at": None}


OUTCOMES = [
    {"route": "sandbox", "routes_tried": "sandbox", "request_raw": "ISA*…~", "response_raw":
     "ISA*…~", "http_status": 200, "elapsed_ms": 12.5, "summary": SUMMARY, "status": "active"},
    {"routes_tried": "sandbox", "reached_payer": True, "status": "error",
     "error_code": "PAYER_TIMEOUT", "error_message": "No reply.", "summary": None},
]


def _stored(engine, check_id: uuid.UUID) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        row = conn.execute(select(EligibilityCheck.__table__).where(
            EligibilityCheck.__table__.c.id == check_id)).mappings().one()
        summary_text = conn.execute(text("SELECT summary::text FROM eligibility_checks "
                                         "WHERE id = :id"), {"id": check_id}).scalar_one()
        audited = conn.execute(select(AuditEvent.action, AuditEvent.actor, AuditEvent.at).where(
            AuditEvent.resource_id == str(check_id))).all()
    found = {k: v for k, v in row.items() if k not in ("id", "trace_number", "control_number")}
    return {**found, "summary_text": summary_text, "audit": [tuple(a) for a in audited]}


POSTGRESQL_ONLY = pytest.mark.parametrize("backend_url", ["postgresql"], indirect=True)


@POSTGRESQL_ONLY
@pytest.mark.parametrize("outcome", OUTCOMES, ids=["answer", "payer error"])
def test_the_direct_path_stores_what_the_sqlalchemy_path_stores(db_url: str, outcome) -> None:
    engine = make_engine(db_url)
    reads = DirectReads(engine)
    factory = make_session_factory(engine)
    try:
        practice, coverage, now = _seed(engine)
        caller = Caller(practice_id=practice, actor="key:test", scopes=frozenset({"write"}))
        stored = {}
        for name, uow in (("direct", lambda: UnitOfWork(factory, reads)),
                          ("session", lambda: UnitOfWork(factory))):
            values = _values(practice, coverage, now)
            row = audit.row(caller=caller, at=now, action="create",
                            resource_type="eligibility_check", resource_id=values["id"])
            number = insert_started_alone(uow, values, row, numbered=True)
            assert number > 0
            record_outcome_alone(uow, values["id"], {**outcome, "checked_at": now})
            stored[name] = _stored(engine, values["id"])
        assert uow().direct_writes() is None and UnitOfWork(factory, reads).direct_writes()
    finally:
        reads.dispose()
        engine.dispose()

    assert stored["direct"] == stored["session"]
    assert stored["direct"]["status"] == outcome["status"]
    assert stored["direct"]["audit"] == [("create", "key:test", now)]
    if outcome["summary"] is None:
        assert stored["direct"]["summary_text"] == "null"  # JSON null, as SQLAlchemy writes it


@POSTGRESQL_ONLY
def test_a_naive_time_is_refused_on_the_direct_path_as_on_the_session_path(db_url: str) -> None:
    engine = make_engine(db_url)
    reads = DirectReads(engine)
    try:
        practice, coverage, now = _seed(engine)
        values = _values(practice, coverage, now.replace(tzinfo=None))
        with pytest.raises(ValueError, match="naive datetime"):
            insert_started_alone(lambda: UnitOfWork(make_session_factory(engine), reads),
                                 values, {}, numbered=True)
    finally:
        reads.dispose()
        engine.dispose()


def test_a_write_is_never_repeated_and_an_idle_connection_is_pinged_first(
        pg_url: str, monkeypatch) -> None:
    engine = make_engine(pg_url)
    reads = DirectReads(engine, keep=1)
    try:
        pid_row = reads.write("SELECT pg_backend_pid()", {})
        assert pid_row is not None
        kill_backend(pg_url, pid_row[0])
        # Given back just now: used as it is, and the write fails rather than run twice.
        with pytest.raises(Exception, match="terminat|closed|connection"):
            reads.write("SELECT pg_backend_pid()", {})
        assert reads.shelf._free == []
        again = reads.write("SELECT pg_backend_pid()", {})
        assert again is not None
        kill_backend(pg_url, again[0])
        # Idle past PING_IDLE_S: pinged, found closed and replaced before the write is sent.
        monkeypatch.setattr("service.db.direct.PING_IDLE_S", 0.0)
        fresh = reads.write("SELECT pg_backend_pid()", {})
    finally:
        reads.dispose()
        engine.dispose()

    assert fresh is not None and fresh[0] not in (pid_row[0], again[0])


def test_direct_writes_are_for_postgresql_only(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cw.db'}")
    reads = DirectReads(engine)
    try:
        assert UnitOfWork(make_session_factory(engine), reads).direct_writes() is None
        with pytest.raises(RuntimeError, match="PostgreSQL"):
            reads.write("SELECT 1", {})
    finally:
        engine.dispose()
