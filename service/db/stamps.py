"""The version stamps of a verdict's inputs, read in one indexed query outside any session."""

from __future__ import annotations

import os
import threading
import uuid
from typing import Any

import psycopg
from psycopg.pq import ExecStatus
from sqlalchemy import Engine, bindparam, create_engine, select

from service.db.models import Coverage, Practice

Stamp = tuple[int, int]

_STAMPS = (
    select(Coverage.ledger_version, Practice.config_version)
    .join(Practice, Practice.id == Coverage.practice_id)
    .where(Coverage.id == bindparam("coverage_id"),
           Coverage.practice_id == bindparam("practice_id"))
)
# The same statement for PostgreSQL, prepared once per connection and run through libpq.
_NAME = b"coverwatch_stamps"
_STAMPS_PG = (b"SELECT c.ledger_version, p.config_version FROM coverages c "
              b"JOIN practices p ON p.id = c.practice_id "
              b"WHERE c.id = $1::uuid AND c.practice_id = $2::uuid")
_PREPARED = "coverwatch_stamps_prepared"


class StaleConnection(Exception):
    """The server did not run the statement (a closed connection, a lost prepared
    statement): the connection is dropped and the read tried once more."""


class StampReader:
    """Reads stamps, on PostgreSQL through a pool of its own made on first use: autocommit (one
    statement needs no transaction begun or ended), no ping before each checkout and no
    reset after (the statement is retried once instead when the server had closed the
    connection), and libpq directly — the statement is the whole cost of a check whose
    inputs are in memory, so what wraps it matters."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._own: Engine | None = None
        self._lock = threading.Lock()

    def read(self, practice_id: uuid.UUID, coverage_id: uuid.UUID) -> Stamp | None:
        """(coverage ledger_version, practice config_version), or None when the practice has
        no such coverage."""
        if self.engine.dialect.name != "postgresql":
            with self.engine.connect() as conn:
                row = conn.execute(_STAMPS, {"coverage_id": coverage_id,
                                             "practice_id": practice_id}).first()
        else:
            row = self._read_pg((coverage_id, practice_id))
        return None if row is None else (int(row[0]), int(row[1]))

    def _read_pg(self, params: tuple[uuid.UUID, uuid.UUID]) -> Any:
        pool = self._pool()
        values = [str(params[0]).encode(), str(params[1]).encode()]
        for attempt in (1, 2):
            conn = pool.raw_connection()
            try:
                return _run(conn, values)
            except (StaleConnection, psycopg.OperationalError):
                conn.invalidate()
                if attempt == 2:
                    raise
            finally:
                conn.close()
        return None

    def _pool(self) -> Engine:
        if self._own is None:
            with self._lock:
                if self._own is None:
                    self._own = create_engine(
                        self.engine.url, hide_parameters=True, isolation_level="AUTOCOMMIT",
                        pool_pre_ping=False, pool_reset_on_return=None,
                        pool_size=int(os.environ.get("DB_POOL_SIZE", "20")), max_overflow=10)
        return self._own

    def dispose(self) -> None:
        if self._own is not None:
            self._own.dispose()


def _run(conn: Any, values: list[bytes]) -> tuple[bytes, bytes] | None:
    """The prepared statement straight through libpq, which releases the GIL while it waits:
    psycopg's cursor (its prepared-statement bookkeeping, result objects and type loaders)
    costs more than the statement itself here."""
    pgconn = conn.dbapi_connection.pgconn
    if not conn.info.get(_PREPARED):
        if pgconn.prepare(_NAME, _STAMPS_PG).status != ExecStatus.COMMAND_OK:
            raise StaleConnection
        conn.info[_PREPARED] = True
    result = pgconn.exec_prepared(_NAME, values)
    if result.status != ExecStatus.TUPLES_OK:
        raise StaleConnection
    if result.ntuples == 0:
        return None
    return result.get_value(0, 0) or b"0", result.get_value(0, 1) or b"0"
