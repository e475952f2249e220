"""Migrations go down to nothing and back up on SQLite and PostgreSQL, and match the models."""

import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Date,
    String,
    Uuid,
    column,
    create_engine,
    insert,
    inspect,
    select,
    table,
)

from service.db import migrate
from service.db.models import AuditEvent, Base, Coverage
from service.db.types import UTCDateTime
from tests.conftest import ROOT

TABLES = {"practices", "api_keys", "patients", "coverages", "audit_log"}


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_downgrade_to_base_then_upgrade_to_head_works(db_url):
    migrate.downgrade(db_url, "base")
    assert _tables(db_url) == set()
    assert migrate.current(db_url) is None
    migrate.upgrade(db_url, "head")
    assert TABLES <= _tables(db_url)
    assert migrate.current(db_url) is not None


def test_the_migrated_schema_matches_the_models(db_url):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_the_plain_alembic_command_migrates_the_database_url(db_url):
    env = {"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
    alembic = [sys.executable, "-m", "alembic"]
    down = subprocess.run([*alembic, "downgrade", "base"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert down.returncode == 0, down.stderr
    assert _tables(db_url) == set()
    up = subprocess.run([*alembic, "upgrade", "head"], cwd=ROOT, env=env,
                        capture_output=True, text=True, timeout=120)
    assert up.returncode == 0, up.stderr
    assert TABLES <= _tables(db_url)


def test_audit_entries_written_before_0010_get_random_public_ids(db_url):
    migrate.downgrade(db_url, "0009")
    engine = create_engine(db_url)
    practice_id = uuid.uuid4()
    at = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    practices = table("practices", column("id", Uuid()), column("name", String()),
                      column("npi", String()), column("created_at", UTCDateTime()))
    audit_log = table("audit_log", column("practice_id", Uuid()), column("actor", String()),
                      column("action", String()), column("resource_type", String()),
                      column("resource_id", String()), column("at", UTCDateTime()))
    try:
        with engine.begin() as conn:
            conn.execute(insert(practices).values(id=practice_id, name="Northside Counseling",
                                                  npi="1234567893", created_at=at))
            conn.execute(insert(audit_log), [
                {"practice_id": practice_id, "actor": "cli", "action": "read",
                 "resource_type": "patient", "resource_id": str(n), "at": at}
                for n in range(3)])
        migrate.upgrade(db_url, "head")
        with engine.connect() as conn:
            found = conn.execute(select(AuditEvent.public_id)).scalars().all()
    finally:
        engine.dispose()
    assert len(found) == len(set(found)) == 3
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in found)


def test_coverages_clashing_before_0012_leave_the_newest_active_and_the_others_ended(db_url):
    # Given a patient whose front desk typed one card twice and added a second primary
    migrate.downgrade(db_url, "0011")
    engine = create_engine(db_url)
    practice_id, patient_id, other_patient = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    oldest, same_card, second_primary, elsewhere = (uuid.uuid4() for _ in range(4))
    at = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    practices = table("practices", column("id", Uuid()), column("name", String()),
                      column("npi", String()), column("created_at", UTCDateTime()))
    patients = table("patients", column("id", Uuid()), column("practice_id", Uuid()),
                     column("first_name", String()), column("last_name", String()),
                     column("birth_date", Date()), column("gender", String()),
                     column("created_at", UTCDateTime()), column("updated_at", UTCDateTime()))
    coverages = table("coverages", column("id", Uuid()), column("practice_id", Uuid()),
                      column("patient_id", Uuid()), column("payer", String()),
                      column("member_id", String()), column("relationship", String()),
                      column("priority", String()), column("network_status", String()),
                      column("created_at", UTCDateTime()), column("updated_at", UTCDateTime()))

    def card(cid, patient, member, priority, minutes):
        return {"id": cid, "practice_id": practice_id, "patient_id": patient, "payer": "sandbox",
                "member_id": member, "relationship": "self", "priority": priority,
                "network_status": "in", "created_at": at + timedelta(minutes=minutes),
                "updated_at": at}

    try:
        with engine.begin() as conn:
            conn.execute(insert(practices).values(id=practice_id, name="Northside Counseling",
                                                  npi="1234567893", created_at=at))
            conn.execute(insert(patients), [
                {"id": pid, "practice_id": practice_id, "first_name": "Quillon",
                 "last_name": "Zephyrwood", "birth_date": date(1984, 3, 17), "gender": "F",
                 "created_at": at, "updated_at": at} for pid in (patient_id, other_patient)])
            conn.execute(insert(coverages), [
                card(oldest, patient_id, "ZZT0000003", "primary", 0),
                card(same_card, patient_id, "ZZT0000003", "secondary", 1),
                card(second_primary, patient_id, "ZZT0000001", "primary", 2),
                card(elsewhere, other_patient, "ZZT0000003", "primary", 0)])
        # When the database is upgraded
        migrate.upgrade(db_url, "head")
        with engine.connect() as conn:
            ended = dict(conn.execute(select(Coverage.id, Coverage.end_date)).all())
    finally:
        engine.dispose()
    # Then the newest of each clash stays active and the oldest, clashing with both, is ended
    assert ended[oldest] is not None
    assert (ended[same_card], ended[second_primary], ended[elsewhere]) == (None, None, None)
