"""The version stamps of a verdict's inputs, read in one indexed query outside any session."""

from __future__ import annotations

import os
import threading
import uuid
from typing import Any

import psycopg
from psycopg.pq import ConnStatus, ExecStatus
from sqlalchemy import Engine, bindparam, select

from service.db.models import Coverage, Practice

Stamp = tuple[int, int]

_STAMPS = (
    select(Coverage.ledger_version, Practice.config_version)
    .join(Practice, Practice.id == Coverage.practice_id)
    .where(Coverage.id == bindparam("coverage_id"),
           Coverage.practice_id == bindparam("practice_id"))
)
# The same statement for PostgreSQL, prepared once on each connection and run through libpq.
_NAME = b"coverwatch_stamps"
_STAMPS_PG = (b"SELECT c.ledger_version, p.config_version FROM coverages c "
              b"JOIN practices p ON p.id = c.practice_id "
              b"WHERE c.id = $1::uuid AND c.practice_id = $2::uuid")


class StaleConnection(Exception):
    """The server did not run the statement (a closed connection, a lost prepared
    statement): the connection is dropped and the read tried once more."""


class StampReader:
    """Reads stamps. On SQLite through the app's engine; on PostgreSQL through connections of
    its own, because the statement is the whole cost of a check whose inputs are in memory
    and what usually wraps a statement costs more than it does here: each connection is in
    autocommit (one statement needs no transaction begun or ended), has the statement
    prepared, runs it straight through libpq (which releases the GIL while it waits), and is
    kept on a plain free list (a pool's checkout, ping and reset cost several times the
    statement). A connection the server closed is found by the statement itself, dropped,
    and the statement run once more on a new one."""

    def __init__(self, engine: Engine, *, keep: int | None = None) -> None:
        self.engine = engine
        self.keep = keep if keep is not None else int(os.environ.get("DB_POOL_SIZE", "20"))
        self._free: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def read(self, practice_id: uuid.UUID, coverage_id: uuid.UUID) -> Stamp | None:
        """(coverage ledger_version, practice config_version), or None when the practice has
        no such coverage."""
        if self.engine.dialect.name != "postgresql":
            with self.engine.connect() as sa_conn:
                row = sa_conn.execute(_STAMPS, {"coverage_id": coverage_id,
                                                "practice_id": practice_id}).first()
            return None if row is None else (int(row[0]), int(row[1]))
        values = [str(coverage_id).encode(), str(practice_id).encode()]
        for attempt in (1, 2):
            conn = self._take()
            try:
                found = _run(conn, values)
            except (StaleConnection, psycopg.Error):
                conn.close()
                if attempt == 2:
                    raise
                continue
            self._give(conn)
            return found
        return None

    def _take(self) -> psycopg.Connection[Any]:
        with self._lock:
            if self._pid != os.getpid():
                # A forked child must not share its parent's sockets: start afresh.
                self._free, self._pid = [], os.getpid()
            if self._free:
                return self._free.pop()
        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        conn: psycopg.Connection[Any] = psycopg.connect(*cargs, **{**cparams,
                                                                   "autocommit": True})
        if conn.pgconn.prepare(_NAME, _STAMPS_PG).status != ExecStatus.COMMAND_OK:
            conn.close()
            raise StaleConnection
        return conn

    def _give(self, conn: psycopg.Connection[Any]) -> None:
        with self._lock:
            if len(self._free) < self.keep and conn.pgconn.status == ConnStatus.OK:
                self._free.append(conn)
                return
        conn.close()

    def dispose(self) -> None:
        with self._lock:
            free, self._free = self._free, []
        for conn in free:
            conn.close()


def _run(conn: psycopg.Connection[Any], values: list[bytes]) -> tuple[int, int] | None:
    result = conn.pgconn.exec_prepared(_NAME, values)
    if result.status != ExecStatus.TUPLES_OK:
        raise StaleConnection
    if result.ntuples == 0:
        return None
    return int(result.get_value(0, 0) or b"0"), int(result.get_value(0, 1) or b"0")
