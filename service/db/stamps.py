"""The version stamps of a verdict's inputs, read in one indexed query outside any session."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg.pq import ExecStatus
from sqlalchemy import Engine, bindparam, select

from service.db.direct import ConnectionShelf
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
    its own (service/db/direct.py's ConnectionShelf), because the statement is the whole cost
    of a check whose inputs are in memory and what usually wraps a statement costs more than
    it does here: each connection is in autocommit, has the statement prepared and runs it
    straight through libpq (which releases the GIL while it waits). A connection the server
    closed is found by the statement itself, dropped, and the statement run once more on a
    new one."""

    def __init__(self, engine: Engine, *, keep: int | None = None) -> None:
        self.engine = engine
        self.shelf = ConnectionShelf(engine, keep=keep, setup=_prepare)

    @property
    def keep(self) -> int:
        return self.shelf.keep

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
            conn = self.shelf.take()
            try:
                found = _run(conn, values)
            except (StaleConnection, psycopg.Error):
                conn.close()
                if attempt == 2:
                    raise
                continue
            self.shelf.give(conn)
            return found
        return None

    def dispose(self) -> None:
        self.shelf.dispose()


def _prepare(conn: psycopg.Connection[Any]) -> None:
    if conn.pgconn.prepare(_NAME, _STAMPS_PG).status != ExecStatus.COMMAND_OK:
        raise StaleConnection


def _run(conn: psycopg.Connection[Any], values: list[bytes]) -> tuple[int, int] | None:
    result = conn.pgconn.exec_prepared(_NAME, values)
    if result.status != ExecStatus.TUPLES_OK:
        raise StaleConnection
    if result.ntuples == 0:
        return None
    return int(result.get_value(0, 0) or b"0"), int(result.get_value(0, 1) or b"0")
