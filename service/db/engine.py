"""Engine and session factory for SQLite (embedded default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import functools
import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

# A pooled connection idle this long is pinged before it is handed out (see _ping_if_idle).
PING_IDLE_S = 10.0


def make_engine(url: str, *, pool_size: int = 20, ping_idle_s: float = PING_IDLE_S) -> Engine:
    kwargs: dict[str, Any] = {
        # Bound values are patient data: keep them out of SQL errors and echo logs.
        "hide_parameters": True,
    }
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # A gunicorn worker runs many threads (GUNICORN_THREADS); with a pool smaller than
        # that, busy moments open and close extra PostgreSQL connections — each a new
        # backend process, tens of milliseconds — instead of reusing idle ones.
        kwargs["pool_size"] = pool_size
        kwargs["max_overflow"] = 10
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        event.listen(engine, "checkin", _note_idle)
        event.listen(engine, "checkout", functools.partial(_ping_if_idle, ping_idle_s))
    return engine


def _note_idle(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info["idle_since"] = time.monotonic()


def _ping_if_idle(ping_idle_s: float, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Ping a connection that sat idle (a database restart or a dropped idle connection
    shows there); one in steady use is handed out as is. Pinging every checkout (the
    pool's pre_ping) would add a round trip to every unit of work."""
    idle_since = record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < ping_idle_s:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            # SQL text: a pool event holds the driver's own connection, below SQLAlchemy.
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as error:
        # The pool drops this connection and hands out another (or a new one).
        raise exc.DisconnectionError("a pooled connection no longer answers") from error


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQL text: SQLAlchemy has no construct for a PRAGMA, and a connect event holds the
    # driver's own connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers go on while one writer holds the database.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


# What a lost or unreachable database raises: a failover, a restart, connections cut by the
# server, a pool with no connection to spare.
DATABASE_ERRORS: tuple[type[Exception], ...] = (exc.DBAPIError, exc.TimeoutError)


def unavailable(error: Exception) -> bool:
    """Whether a retry may well succeed: the connection is gone (SQLAlchemy has then marked
    every pooled connection of that moment stale, so the next checkout opens a new one), the
    server refused or failed the operation, or no connection was free in time."""
    if isinstance(error, exc.TimeoutError):
        return True
    return isinstance(error, exc.DBAPIError) and (
        error.connection_invalidated
        or isinstance(error, exc.OperationalError | exc.InterfaceError))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
