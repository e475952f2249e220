"""The version stamps of a verdict's inputs, read in one indexed query."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import DBAPIError

from service.db.models import Coverage, Practice

Stamp = tuple[int, int]

_STAMPS = (
    select(Coverage.ledger_version, Practice.config_version)
    .join(Practice, Practice.id == Coverage.practice_id)
    .where(Coverage.id == bindparam("coverage_id"),
           Coverage.practice_id == bindparam("practice_id"))
)


class StampReader:
    """Reads stamps on the engine's pool, each read a statement of its own: in autocommit,
    so that on PostgreSQL it is one round trip (no BEGIN and ROLLBACK around it), which is
    most of what a check whose inputs are in memory costs. A connection the server closed
    (a restart) is found by the statement itself, and the read, safe to repeat, is made
    once more on a new one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")

    def read(self, practice_id: uuid.UUID, coverage_id: uuid.UUID) -> Stamp | None:
        """(coverage ledger_version, practice config_version), or None when the practice has
        no such coverage."""
        params = {"coverage_id": coverage_id, "practice_id": practice_id}
        try:
            return self._read(params)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            return self._read(params)

    def _read(self, params: dict[str, uuid.UUID]) -> Stamp | None:
        with self.engine.connect() as conn:
            row = conn.execute(_STAMPS, params).first()
        return None if row is None else (int(row[0]), int(row[1]))
