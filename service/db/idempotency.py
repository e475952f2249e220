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
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(TABLE).values(
            practice_id=practice_id, caller=caller, key=key, fingerprint=fingerprint,
            status=0, body="", headers={}, created_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=[TABLE.c.practice_id, TABLE.c.caller, TABLE.c.key],
            set_={"fingerprint": fingerprint, "status": 0, "body": "", "headers": {},
                  "created_at": now},
            where=TABLE.c.created_at < expired_before)
        # RETURNING names the row only when it was inserted or taken over (a driver's
        # rowcount is not reliable for an upsert).
        return self.session.execute(statement.returning(TABLE.c.key)).first() is not None

    def complete(self, *, practice_id: uuid.UUID, caller: str, key: str, status: int,
                 body: str, headers: dict[str, str]) -> None:
        self.session.execute(update(TABLE).where(
            TABLE.c.practice_id == practice_id, TABLE.c.caller == caller, TABLE.c.key == key,
        ).values(status=status, body=body, headers=headers))

    def purge(self, *, expired_before: datetime) -> int:
        result = cast(CursorResult[Any], self.session.execute(
            delete(TABLE).where(TABLE.c.created_at < expired_before)))
        return result.rowcount
