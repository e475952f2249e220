"""Fixtures shared by the suite: databases (SQLite and PostgreSQL), the app, a fake clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from service import create_app
from service.db import migrate
from service.db.models import Base
from tests.support import logcapture
from tests.support.clock import FakeClock

logcapture.install()

ROOT = Path(__file__).resolve().parent.parent
PAYERS_FILE = ROOT / "payers.yaml"
REDIS_SKIP = "Redis tests need REDIS_URL, e.g. redis://127.0.0.1:6379/0 (.ci/run sets it)"
PG_SKIP = (
    "PostgreSQL tests need TEST_DATABASE_URL, e.g. "
    "postgresql+psycopg://postgres@127.0.0.1:5432/test (.ci/run sets it)"
)


@pytest.fixture(autouse=True)
def _no_patient_data_in_log_lines() -> Iterator[None]:
    """Each test's log lines (through the service's handler and PHI filter) carry no name,
    birth date or member id of the synthetic people, whatever order the tests run in."""
    logcapture.take()  # what came before belongs to earlier tests
    yield
    leaked = logcapture.leaks(logcapture.take())
    assert leaked == [], f"log lines carry patient data: {leaked[:3]}"


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def postgres_url() -> str:
    """TEST_DATABASE_URL, or skip with how to set it (CI always sets it)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip(PG_SKIP)
    return url


@pytest.fixture
def pg_url() -> str:
    """PostgreSQL for tests of what only PostgreSQL has (its pools, its backends)."""
    return postgres_url()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated empty database per backend, made once per session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'coverwatch-test.db'}"
    else:
        url = postgres_url()
        reset_postgres(url)
    migrate.upgrade(url)
    return url


@pytest.fixture
def db_url(backend_url: str) -> Iterator[str]:
    """The backend's database, emptied before each test."""
    engine = create_engine(backend_url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()
    yield backend_url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(db_url: str, clock: FakeClock) -> Iterator[Flask]:
    application = create_app(
        {"database_url": db_url, "payers_file": PAYERS_FILE, "log_level": "DEBUG"}, clock=clock
    )
    yield application
    application.extensions["coverwatch"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
