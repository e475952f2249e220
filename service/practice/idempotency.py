"""Idempotency keys: a POST sent again with the same key replays its first answer.

The key is taken, and the answer stored, in the request's own transaction (a joined
`RequestTransaction`): if what the POST wrote is committed, so is the answer a retry
replays; if not, neither is, and the retry does the work. A duplicate sent while the first
is running waits for it (on the key's row) and then replays its answer.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from service.db.idempotency import IdempotencyRepository, StoredAnswers
from service.db.uow import RequestTransaction, UnitOfWork, join, leave

# The web layer joins and leaves the request's transaction through here.
__all__ = ["Answer", "KeyOf", "KeyTaken", "RequestTransaction", "Stored", "begin", "finish",
           "fingerprint", "join", "leave", "purge", "stored"]

# How long an answer is replayed; older rows are ignored, then purged (`flask purge-keys`).
WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Stored:
    fingerprint: str
    answer: Answer


@dataclass(frozen=True)
class KeyOf:
    """One client key of one caller, and the request it was first sent with."""

    practice_id: uuid.UUID
    caller: str
    key: str
    fingerprint: str


class KeyTaken(Exception):  # noqa: N818 - an outcome, not a failure
    """Another request with this key committed first (this one waited for it): replay it."""


def fingerprint(method: str, path: str, body: bytes) -> str:
    """The request a key stands for. A JSON body counts by its content, not its spacing or
    key order; anything else by its bytes."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
        content = canonical.encode()
    except (ValueError, RecursionError):
        content = body
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(content)
    return digest.hexdigest()


def stored(*, answers: StoredAnswers, clock: Callable[[], datetime],
           key: KeyOf) -> Stored | None:
    """The answer recorded for this key within the window, if any."""
    row = answers.find(practice_id=key.practice_id, caller=key.caller, key=key.key,
                       expired_before=clock() - WINDOW)
    if row is None:
        return None
    return Stored(row["fingerprint"], Answer(row["status"], row["body"], dict(row["headers"])))


def begin(*, session_factory: sessionmaker[Session], clock: Callable[[], datetime],
          key: KeyOf) -> RequestTransaction:
    """The transaction the request runs in; it takes the key when it starts (KeyTaken)."""

    def take(session: Session) -> None:
        now = clock()
        if not IdempotencyRepository(session).take(
                practice_id=key.practice_id, caller=key.caller, key=key.key,
                fingerprint=key.fingerprint, now=now, expired_before=now - WINDOW):
            raise KeyTaken()

    return RequestTransaction(session_factory, on_begin=take)


def finish(transaction: RequestTransaction, *, key: KeyOf, answer: Answer) -> None:
    """Store the answer with everything the request wrote, in one commit (KeyTaken when
    the request wrote nothing through a unit of work and another took the key meanwhile)."""
    IdempotencyRepository(transaction.begin()).complete(
        practice_id=key.practice_id, caller=key.caller, key=key.key, status=answer.status,
        body=answer.body, headers=answer.headers)
    transaction.commit()


def purge(*, uow: UnitOfWork, clock: Callable[[], datetime]) -> int:
    """Delete answers older than the window; how many."""
    with uow:
        count = uow.idempotency.purge(expired_before=clock() - WINDOW)
        uow.commit()
        return count
