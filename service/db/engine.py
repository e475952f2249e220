"""Engine and session factory for SQLite (embedded default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    kwargs: dict[str, Any] = {
        # Bound values are patient data: keep them out of SQL errors and echo logs.
        "hide_parameters": True,
        "pool_pre_ping": True,
    }
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # A gunicorn worker runs many threads (GUNICORN_THREADS); with a pool smaller than
        # that, busy moments open and close extra PostgreSQL connections — each a new
        # backend process, tens of milliseconds — instead of reusing idle ones.
        kwargs["pool_size"] = int(os.environ.get("DB_POOL_SIZE", "20"))
        kwargs["max_overflow"] = 10
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers go on while one writer holds the database.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
