"""Web app sessions kept on the server: start, look up (idle and absolute expiry), end.

The browser holds a random token; the database holds its SHA-256 and who signed in. Ending
a session deletes its row, so a copy of the cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from service.db.uow import UnitOfWork
from service.domain.errors import NotFound
from service.practice import audit
from service.practice.access import Caller
from service.practice.staff import Staff, to_staff

# Activity is written back at most this often: a page view need not always write a row.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, kw_only=True)
class Lifetime:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class Found:
    staff: Staff | None
    expired: bool = False  # it was a session, ended now by its idle or absolute limit


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(*, uow: UnitOfWork, clock: Callable[[], datetime], lifetime: Lifetime,
          user_id: uuid.UUID) -> str:
    """A new session for the user; the token for the cookie."""
    token = secrets.token_urlsafe(32)
    with uow:
        uow.web_sessions.add(token_hash=_hash(token), user_id=user_id, now=clock(),
                             lifetime=lifetime.absolute)
        uow.commit()
    return token


def find(*, uow: UnitOfWork, clock: Callable[[], datetime], lifetime: Lifetime,
         token: str) -> Found:
    now = clock()
    with uow:
        found = uow.web_sessions.get(_hash(token))
        if found is None:
            return Found(None)
        row, user = found
        if now - row.seen_at > lifetime.idle or now - row.created_at > lifetime.absolute:
            uow.web_sessions.end(row.id)
            uow.commit()
            return Found(None, expired=True)
        if user.disabled_at is not None:
            return Found(None)
        if now - row.seen_at >= TOUCH_EVERY:
            uow.web_sessions.seen(row.id, now=now)
            uow.commit()
        return Found(to_staff(user))


def end(*, uow: UnitOfWork, token: str) -> None:
    with uow:
        uow.web_sessions.end(_hash(token))
        uow.commit()


def end_all(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
            user_id: uuid.UUID) -> int:
    """Sign a user of the caller's practice out of every browser; how many sessions ended."""
    with uow:
        user = uow.staff.get(user_id)
        if user is None or user.practice_id != caller.practice_id:
            raise NotFound("user")
        ended = uow.web_sessions.end_all(user_id)
        audit.record(uow, caller=caller, clock=clock, action="sign_out_all",
                     resource_type="staff_user", resource_ids=[user_id])
        uow.commit()
    return ended
