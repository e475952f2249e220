"""Repositories of signing in: the failure counter, the throttle's counts and web sessions.

Every count is one statement that adds in the database (`n = n + 1`), never a value read
and written back, so that parallel attempts cannot overwrite each other's.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.db.models import SigninThrottle, StaffSession, StaffUser
from service.db.types import UTCDateTime

THROTTLE = cast(Table, SigninThrottle.__table__)
USERS = cast(Table, StaffUser.__table__)
PRUNE_BATCH = 100


def _stale(rows: Select[Any]) -> Select[Any]:
    """A bounded batch of expired rows that no other transaction holds: parallel sign-ins
    share the clean-up without waiting on (or deadlocking over) each other's rows.
    SQLite, whose writers take turns anyway, ignores the row lock."""
    return rows.limit(PRUNE_BATCH).with_for_update(skip_locked=True)


class SignInRepository:
    """An account's failure counter and lock, and the throttle's counts by key."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def signed_in(self, user_id: uuid.UUID, *, now: datetime) -> None:
        """A success: the count starts again. A lock stays: the person got in from a browser
        they used before, while whoever guessed from elsewhere is still held back."""
        self.session.execute(update(USERS).where(USERS.c.id == user_id)
                             .values(failed_logins=0, last_login_at=now))

    def count_failure(self, user_id: uuid.UUID) -> int:
        """One more wrong password on the account; the count after it."""
        return int(self.session.execute(
            update(USERS).where(USERS.c.id == user_id)
            .values(failed_logins=USERS.c.failed_logins + 1)
            .returning(USERS.c.failed_logins)).scalar_one())

    def lock(self, user_id: uuid.UUID, *, failures: int, until: datetime) -> bool:
        """Lock the account when it has `failures` or more; True for the one call that did."""
        done = self.session.execute(
            update(USERS).where(USERS.c.id == user_id, USERS.c.failed_logins >= failures)
            .values(failed_logins=0, locked_until=until))
        return bool(cast(Any, done).rowcount)

    def hit(self, key: str, *, now: datetime, window: timedelta) -> tuple[int, datetime]:
        """Count one attempt under `key`: (attempts in the current window, when it ends)."""
        self.session.execute(delete(THROTTLE).where(THROTTLE.c.key.in_(
            _stale(select(THROTTLE.c.key).where(THROTTLE.c.reset_at <= now)))))
        ends = literal(now + window, UTCDateTime())
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(THROTTLE).values(key=key, hits=1, reset_at=ends)
        expired = THROTTLE.c.reset_at <= literal(now, UTCDateTime())
        row = self.session.execute(upsert.on_conflict_do_update(
            index_elements=[THROTTLE.c.key],
            set_={"hits": case((expired, 1), else_=THROTTLE.c.hits + 1),
                  "reset_at": case((expired, ends), else_=THROTTLE.c.reset_at)},
        ).returning(THROTTLE.c.hits, THROTTLE.c.reset_at)).one()
        return int(row.hits), row.reset_at

    def forget(self, key: str) -> None:
        self.session.execute(delete(THROTTLE).where(THROTTLE.c.key == key))

    def give_back(self, key: str) -> None:
        """Take one attempt back (a sign-in that succeeded is no failure of the address)."""
        self.session.execute(update(THROTTLE).where(THROTTLE.c.key == key, THROTTLE.c.hits > 0)
                             .values(hits=THROTTLE.c.hits - 1))


class WebSessionRepository:
    """Web app sessions by the hash of their token."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, *, token_hash: str, user_id: uuid.UUID, now: datetime,
            lifetime: timedelta) -> None:
        """A new session; sessions past their absolute lifetime go at the same time."""
        self.session.execute(delete(StaffSession).where(StaffSession.id.in_(_stale(
            select(StaffSession.id).where(StaffSession.created_at <= now - lifetime)))))
        self.session.add(StaffSession(id=token_hash, user_id=user_id, created_at=now,
                                      seen_at=now))

    def get(self, token_hash: str) -> tuple[StaffSession, StaffUser] | None:
        """The session and its account."""
        found = self.session.execute(
            select(StaffSession, StaffUser).join(StaffUser, StaffUser.id == StaffSession.user_id)
            .where(StaffSession.id == token_hash)).first()
        return None if found is None else (found[0], found[1])

    def seen(self, token_hash: str, *, now: datetime) -> None:
        self.session.execute(update(StaffSession).where(StaffSession.id == token_hash)
                             .values(seen_at=now))

    def end(self, token_hash: str) -> None:
        self.session.execute(delete(StaffSession).where(StaffSession.id == token_hash))

    def end_all(self, user_id: uuid.UUID) -> int:
        """End every session of the user; how many there were."""
        done = self.session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
        return int(cast(Any, done).rowcount)
