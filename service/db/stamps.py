"""The version stamps of a verdict's inputs, read in one indexed query."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.exc import DBAPIError

from service.db.models import Coverage, Practice
from service.db.statements import Statements

Stamp = tuple[int, int]

_STAMPS = (
    select(Coverage.ledger_version, Practice.config_version)
    .join(Practice, Practice.id == Coverage.practice_id)
    .where(Coverage.id == bindparam("coverage_id"),
           Coverage.practice_id == bindparam("practice_id"))
)


class StampReader:
    """Reads stamps, each read a unit of one statement (service/db/statements.py): it is
    most of what a check whose inputs are in memory costs. A connection the server closed
    (a restart) is found by the statement itself, and the read, safe to repeat, is made once
    more on a new one."""

    def __init__(self, statements: Statements) -> None:
        self.statements = statements

    def read(self, practice_id: uuid.UUID, coverage_id: uuid.UUID) -> Stamp | None:
        """(coverage ledger_version, practice config_version), or None when the practice has
        no such coverage."""
        params = {"coverage_id": coverage_id, "practice_id": practice_id}
        try:
            row = self.statements.first(_STAMPS, params)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            row = self.statements.first(_STAMPS, params)
        return None if row is None else (int(row["ledger_version"]), int(row["config_version"]))
