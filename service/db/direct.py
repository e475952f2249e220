"""Single statements on PostgreSQL straight through psycopg, outside any session or pool."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.pq import ConnStatus
from psycopg.types.json import Json
from sqlalchemy import JSON, Column, Engine, String
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import Select

from service.db.engine import PING_IDLE_S
from service.db.types import UTCDateTime

Connection = psycopg.Connection[Any]


class ConnectionShelf:
    """Autocommit psycopg connections to the engine's PostgreSQL database on a plain free
    list: a pool's checkout, ping and reset cost several times a one-row statement, and one
    statement needs no transaction begun or ended. `setup` runs on each new connection
    (e.g. to prepare a statement). A forked child never takes its parent's connections."""

    def __init__(self, engine: Engine, *, keep: int | None = None,
                 setup: Callable[[Connection], None] | None = None) -> None:
        self.engine = engine
        self.keep = keep if keep is not None else int(os.environ.get("DB_POOL_SIZE", "20"))
        self.setup = setup
        self._free: list[tuple[Connection, float]] = []  # with when each was given back
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def take(self, *, ping_idle_s: float | None = None) -> Connection:
        """A shelved connection, else a new one. With `ping_idle_s`, one that sat on the shelf
        that long is pinged first and replaced if the server has closed it (for statements
        that must not be run twice)."""
        while True:
            with self._lock:
                if self._pid != os.getpid():
                    self._free, self._pid = [], os.getpid()
                if not self._free:
                    break
                shelved, given_at = self._free.pop()
            if ping_idle_s is None or time.monotonic() - given_at < ping_idle_s:
                return shelved
            try:
                shelved.execute("SELECT 1")
            except psycopg.Error:
                shelved.close()
                continue
            return shelved
        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        conn: Connection = psycopg.connect(*cargs, **{**cparams, "autocommit": True})
        if self.setup is not None:
            try:
                self.setup(conn)
            except BaseException:
                conn.close()
                raise
        return conn

    def give(self, conn: Connection) -> None:
        with self._lock:
            if len(self._free) < self.keep and conn.pgconn.status == ConnStatus.OK:
                self._free.append((conn, time.monotonic()))
                return
        conn.close()

    def dispose(self) -> None:
        with self._lock:
            free, self._free = self._free, []
        for conn, _ in free:
            conn.close()


class DirectReads:
    """Reads that stand alone (no transaction around them), each given twice: as a
    SQLAlchemy statement, run through the engine on SQLite, and as the same query in
    PostgreSQL's SQL (psycopg's %(name)s parameters), run on a shelf connection. On the hot
    paths (a live check's first read, a queue worker's item and run probes) the SQLAlchemy
    connection checkout and statement execution cost several times the query itself.

    A connection the server closed is dropped and the read run once more on a new one (a
    read is safe to repeat). Times come back in UTC, as the UTCDateTime column type gives
    them on every database."""

    def __init__(self, engine: Engine, *, keep: int | None = None) -> None:
        self.engine = engine
        self.shelf = ConnectionShelf(engine, keep=keep)
        self.postgresql = engine.dialect.name == "postgresql"

    def first(self, statement: Select[Any], sql: str,
              params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row (column name -> value), or None."""
        if not self.postgresql:
            with self.engine.connect() as sa_conn:
                found = sa_conn.execute(statement, dict(params)).first()
            return None if found is None else dict(found._mapping)
        for attempt in (1, 2):
            conn = self.shelf.take()
            try:
                cursor = conn.execute(sql, params, prepare=True)
                row = cursor.fetchone()
                names = [column.name for column in cursor.description or ()]
            except BaseException as error:
                conn.close()  # never handed out again, whatever went wrong on it
                if attempt == 2 or not isinstance(error, psycopg.OperationalError):
                    raise
                continue
            self.shelf.give(conn)
            if row is None:
                return None
            return {name: _utc(value) for name, value in zip(names, row, strict=True)}
        return None

    def write(self, sql: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """One statement that stands alone (it commits on its own), on PostgreSQL only; its
        first row when it returns rows. Never run twice: a connection that breaks mid-statement
        raises, as a pooled one would (the statement may or may not have committed), so a
        connection idle for PING_IDLE_S is pinged before it is used, as the pool's are."""
        if not self.postgresql:
            raise RuntimeError("direct writes are for PostgreSQL; use the session elsewhere")
        conn = self.shelf.take(ping_idle_s=PING_IDLE_S)
        try:
            cursor = conn.execute(sql, params, prepare=True)
            row = cursor.fetchone() if cursor.description else None
        except BaseException:
            conn.close()
            raise
        self.shelf.give(conn)
        return row

    def dispose(self) -> None:
        self.shelf.dispose()


_UTC_TIME, POSTGRESQL = UTCDateTime(), postgresql.dialect()


def bind(column: Column[Any], value: Any) -> Any:
    """`value` as the column's type hands it to the driver on the SQLAlchemy path: JSON as
    JSON (None as JSON null unless the column stores it as SQL NULL), times through
    UTCDateTime's own conversion (UTC; a naive one is refused)."""
    if isinstance(column.type, JSON):
        return None if value is None and column.type.none_as_null else Json(value)
    if isinstance(value, datetime):
        return _UTC_TIME.process_bind_param(value, POSTGRESQL)
    return value


def cast_sql(column: Column[Any], param: str) -> str:
    """`%(param)s` cast to the column's PostgreSQL type: where a parameter is not assigned to
    a column directly (INSERT ... SELECT), PostgreSQL would otherwise take it for text. A
    string is cast without its length, which an explicit cast would silently cut to: the
    column still refuses a value too long."""
    kind = "VARCHAR" if isinstance(column.type, String) else column.type.compile(
        dialect=POSTGRESQL)
    return f"CAST(%({param})s AS {kind})"


def _utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value
