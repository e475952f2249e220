"""The verdict reader reads nothing that a write could change without moving a stamp."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, event, insert, update
from sqlalchemy.sql.visitors import iterate

from service.ledger.context import read_verdict_inputs
from tests.support.builders import create_coverage, create_patient, new_practice

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def rows(practice_id: uuid.UUID, coverage_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """A row of each table a verdict reads, other than the coverage itself; nothing refers
    to them, so each can be inserted and deleted on its own."""
    mine = {"practice_id": practice_id, "coverage_id": coverage_id}
    return {
        "eligibility_checks": {
            **mine, "id": uuid.uuid4(), "payer": "sandbox", "service_types": "30",
            "provider_npi": "1245319599", "network_status": "in", "status": "active",
            "reached_payer": True, "trace_number": "T-STAMP", "control_number": 424242,
            "requested_by": "test", "summary": {"active": True}, "started_at": AT,
            "checked_at": AT},
        "authorizations": {
            **mine, "id": uuid.uuid4(), "number": "STAMP-1", "unit": "visit", "quantity": 4,
            "start_date": date(2026, 11, 1), "end_date": date(2026, 12, 31),
            "codes": "90837", "status": "approved", "source": "manual", "used": 0,
            "reserved": 0, "created_at": AT, "updated_at": AT},
        "visits": {
            **mine, "id": uuid.uuid4(), "date": date(2026, 11, 10), "code": "90837",
            "minutes": 55, "status": "scheduled", "units": 0, "effect": "release",
            "created_at": AT, "updated_at": AT},
        "fee_schedule": {
            "id": uuid.uuid4(), "practice_id": practice_id, "payer": "sandbox",
            "code": "90837", "allowed_amount": Decimal("140.00"), "updated_at": AT},
        "practice_settings": {
            "practice_id": practice_id, "counting": {}, "thresholds": {"auth_low_threshold": 1},
            "updated_at": AT},
    }


def tables_read(app: Any, practice_id: uuid.UUID, coverage_id: uuid.UUID) -> set[Table]:
    """Every table named in a statement the reader runs, subqueries included, with and
    without a visit left out."""
    wiring = app.extensions["coverwatch"]
    seen: set[Table] = set()

    def note(conn: Any, clause: Any, *args: Any) -> None:
        seen.update(e for e in iterate(clause) if isinstance(e, Table))

    with wiring.engine.connect() as conn:
        event.listen(conn, "before_execute", note)
        for left_out in (None, uuid.uuid4()):
            found = read_verdict_inputs(conn, wiring.payers, practice_id=practice_id,
                                        coverage_id=coverage_id, exclude_visit=left_out)
            assert found is not None
    return seen


def test_every_table_the_verdict_reader_reads_has_a_stamp_trigger(app, client):
    # Given a coverage, and the tables the verdict reader reads for it
    practice_id, key = new_practice(app)
    patient = create_patient(client, key)
    coverage_id = uuid.UUID(create_coverage(client, key, patient["id"])["id"])
    tables = tables_read(app, practice_id, coverage_id)
    assert {t.name for t in tables} >= {"coverages", "visits", "authorizations"}
    wiring = app.extensions["coverwatch"]
    seeds = rows(practice_id, coverage_id)
    unknown = sorted(t.name for t in tables
                     if t.name not in seeds and t.name not in ("coverages", "patients"))
    assert not unknown, (f"the verdict reader reads {unknown}: give each a row here, and a "
                         "trigger that moves a version stamp (as migration 0008 does)")

    def write(statement: Any) -> tuple[int, int]:
        before = wiring.verdict_inputs.stamps.read(practice_id, coverage_id)
        with wiring.engine.begin() as conn:
            done = conn.execute(statement)
            # An insert succeeds or raises; an update or a delete must find its row.
            assert statement.is_insert or done.rowcount == 1, statement
        after = wiring.verdict_inputs.stamps.read(practice_id, coverage_id)
        assert before is not None and after is not None
        return before, after

    # When each is written (inserted, updated to the same values, deleted)
    # Then every write moves the coverage's ledger version or the practice's config version
    for table in sorted(tables, key=lambda t: t.name):
        key_column = next(iter(table.primary_key.columns))
        if table.name == "coverages":
            same = update(table).where(key_column == coverage_id).values(
                network_status=table.c.network_status)
            before, after = write(same)
            assert after != before, f"an update of {table.name} moved no stamp"
            continue
        if table.name == "patients":
            # The coverage's own patient, never inserted or deleted under it: a change to
            # whom a 270 names (migration 0013) moves the stamp.
            for column, value in (("first_name", "Renamed"), ("last_name", "Renamed"),
                                  ("birth_date", date(1970, 1, 2))):
                before, after = write(update(table).where(
                    key_column == uuid.UUID(patient["id"])).values({column: value}))
                assert after != before, f"an update of the patient's {column} moved no stamp"
            continue
        row = seeds[table.name]
        where = key_column == row[key_column.name]
        writes = {"insert": insert(table).values(row),
                  "update": update(table).where(where).values(
                      {c.name: c for c in table.columns if not c.primary_key}),
                  "delete": delete(table).where(where)}
        for kind, statement in writes.items():
            before, after = write(statement)
            assert after != before, f"{kind} of a {table.name} row moved no stamp"
