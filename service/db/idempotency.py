"""Stored first answers of POSTs sent with an Idempotency-Key: taken, completed, read, purged."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.db.models import IdempotencyKey
from service.db.statements import Row, Statements

TABLE = cast(Table, IdempotencyKey.__table__)

_FIND = select(TABLE.c.fingerprint, TABLE.c.status, TABLE.c.body, TABLE.c.headers).where(
    TABLE.c.practice_id == bindparam("practice_id"), TABLE.c.caller == bindparam("caller"),
    TABLE.c.key == bindparam("key"), TABLE.c.created_at >= bindparam("expired_before"))



def _take(dialect: Any) -> Any:
    """Insert the key, or take over its expired row; RETURNING names the row only when it
    was inserted or taken over (a driver's rowcount is not reliable for an upsert). Built
    once, with parameters, so that it is compiled once."""
    statement = dialect.insert(TABLE).values(
        practice_id=bindparam("practice_id"), caller=bindparam("caller"),
        key=bindparam("key"), fingerprint=bindparam("fingerprint"), status=0, body="",
        headers=bindparam("nothing", type_=TABLE.c.headers.type),
        created_at=bindparam("now", type_=TABLE.c.created_at.type))
    return statement.on_conflict_do_update(
        index_elements=[TABLE.c.practice_id, TABLE.c.caller, TABLE.c.key],
        set_={"fingerprint": statement.excluded.fingerprint, "status": 0, "body": "",
              "headers": statement.excluded.headers, "created_at": statement.excluded.created_at},
        where=TABLE.c.created_at < bindparam("expired_before", type_=TABLE.c.created_at.type),
    ).returning(TABLE.c.key)


# By whether the database is PostgreSQL (else SQLite).
_TAKE = {True: _take(postgresql), False: _take(sqlite)}
# (Parameters named apart from the columns: SQLAlchemy keeps those names for SET.)
_COMPLETE = update(TABLE).where(
    TABLE.c.practice_id == bindparam("of_practice"), TABLE.c.caller == bindparam("of_caller"),
    TABLE.c.key == bindparam("of_key"),
).values(status=bindparam("to_status"), body=bindparam("to_body"),
         headers=bindparam("to_headers", type_=TABLE.c.headers.type))


class StoredAnswers:
    """Reads a key's stored answer as a unit of one statement (service/db/statements.py):
    every POST sent with a key asks first, before it does anything. Only committed answers
    are seen; a key taken by a request still running is not."""

    def __init__(self, statements: Statements) -> None:
        self.statements = statements

    def find(self, *, practice_id: uuid.UUID, caller: str, key: str,
             expired_before: datetime) -> Row | None:
        """fingerprint, status, body and headers, or None."""
        return self.statements.first(_FIND, {"practice_id": practice_id, "caller": caller,
                                             "key": key, "expired_before": expired_before})


class IdempotencyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def take(self, *, practice_id: uuid.UUID, caller: str, key: str, fingerprint: str,
             now: datetime, expired_before: datetime) -> bool:
        """Take the key in this transaction: True when it was free or its row had expired.
        While another transaction holds it uncommitted, this waits for it (its unique index),
        so a concurrent duplicate sees the first one's outcome."""
        statement = _TAKE[self.session.get_bind().dialect.name == "postgresql"]
        return self.session.execute(statement, {
            "practice_id": practice_id, "caller": caller, "key": key,
            "fingerprint": fingerprint, "now": now, "expired_before": expired_before,
            "nothing": {}}).first() is not None

    def complete(self, *, practice_id: uuid.UUID, caller: str, key: str, status: int,
                 body: str, headers: dict[str, str]) -> None:
        self.session.execute(_COMPLETE, {"of_practice": practice_id, "of_caller": caller,
                                         "of_key": key, "to_status": status, "to_body": body,
                                         "to_headers": headers})

    def purge(self, *, expired_before: datetime) -> int:
        result = cast(CursorResult[Any], self.session.execute(
            delete(TABLE).where(TABLE.c.created_at < expired_before)))
        return result.rowcount
