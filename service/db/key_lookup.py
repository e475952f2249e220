"""API keys as every request reads them: one indexed statement, and a rare last-use write."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import DBAPIError

from service.db.models import ApiKey, Practice
from service.db.statements import Row, Statements

log = logging.getLogger("coverwatch.keys")

_BY_PREFIX = select(
    ApiKey.id, ApiKey.practice_id, ApiKey.key_hash, ApiKey.scopes, ApiKey.revoked_at,
    ApiKey.last_used_at, Practice.config_version,
).join(Practice, Practice.id == ApiKey.practice_id).where(ApiKey.prefix == bindparam("prefix"))

# Compare-and-set: of workers that saw the same old time, one writes and the rest match no row.
_TOUCH = update(ApiKey).where(
    ApiKey.id == bindparam("key_id"),
    or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < bindparam("stale_before")),
).values(last_used_at=bindparam("at"))


class KeyLookup:
    """Reads a key's row on every request (no copy kept in a process, so a key revoked
    through any worker or command is refused by all at once), each read a unit of one
    statement (service/db/statements.py). A connection the server closed is found by the
    statement itself, and the read, safe to repeat, is made once more on a new one."""

    def __init__(self, statements: Statements) -> None:
        self.statements = statements

    def by_prefix(self, prefix: str) -> Row | None:
        """id, practice_id, key_hash, scopes, revoked_at, last_used_at and the practice's
        config_version, or None."""
        try:
            return self.statements.first(_BY_PREFIX, {"prefix": prefix})
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            return self.statements.first(_BY_PREFIX, {"prefix": prefix})

    def touch(self, key_id: uuid.UUID, *, at: datetime, stale_before: datetime) -> None:
        """Set last_used_at to `at` unless another request set it since `stale_before`.
        The time is a hint for administrators: a request is not refused because it could
        not be written (a locked SQLite file, a dropped connection); a later one writes it."""
        try:
            self.statements.rowcount(_TOUCH, {"key_id": key_id, "at": at,
                                              "stale_before": stale_before})
        except DBAPIError:
            log.warning("the last use of an API key was not recorded", exc_info=True)
