"""Migrations go down to nothing and back up on SQLite and PostgreSQL, and match the models."""

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from service.db import migrate
from service.db.models import Base
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
