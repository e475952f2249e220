"""Stored first answers of POSTs sent with an Idempotency-Key: taken, completed, read, purged."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.db.models import IdempotencyKey

TABLE = cast(Table, IdempotencyKey.__table__)


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

    def find(self, *, practice_id: uuid.UUID, caller: str, key: str,
             expired_before: datetime) -> IdempotencyKey | None:
        return self.session.scalars(select(IdempotencyKey).where(
            IdempotencyKey.practice_id == practice_id, IdempotencyKey.caller == caller,
            IdempotencyKey.key == key, IdempotencyKey.created_at >= expired_before,
        )).first()

    def purge(self, *, expired_before: datetime) -> int:
        result = cast(CursorResult[Any], self.session.execute(
            delete(TABLE).where(TABLE.c.created_at < expired_before)))
        return result.rowcount
