"""Use cases for a practice's API keys: create, list, read and revoke; authenticate a request."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from service.db.key_lookup import KeyLookup
from service.db.models import ApiKey
from service.db.uow import UnitOfWork
from service.domain.errors import Conflict, InvalidInput, NotFound
from service.domain.paging import Keys, Slice
from service.practice import audit
from service.practice.access import (
    SCOPES,
    Caller,
    Verified,
    VerifiedKeys,
    key_matches,
    new_key,
    split_key,
)

ADMIN = "admin"
# How stale last_used_at may be: it is written at most this often per key, not per request.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Issued:
    """A new key's record, and the key itself: shown once, never stored."""

    record: ApiKey
    secret: str


def operator(practice_id: uuid.UUID, command: str) -> Caller:
    """Whoever runs a flask command: every scope, named `cli:<command>` in the audit log."""
    return Caller(practice_id=practice_id, actor=f"cli:{command}", scopes=frozenset(SCOPES))


def create_key(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
               scopes: frozenset[str], label: str | None = None) -> Issued:
    """A key of the caller's practice with scopes the caller holds; its hash is stored."""
    beyond = scopes - caller.scopes
    if beyond:
        raise InvalidInput({"scopes": [
            f"A key can be given only scopes its creator holds; not {', '.join(sorted(beyond))}."
        ]})
    secret, prefix, key_hash = new_key()
    with uow:
        if uow.practices.get(caller.practice_id) is None:
            raise NotFound("practice")
        record = ApiKey(id=uuid.uuid4(), practice_id=caller.practice_id, prefix=prefix,
                        key_hash=key_hash, scopes=",".join(sorted(scopes)), label=label,
                        created_at=clock(), created_by=caller.actor)
        uow.api_keys.add(record)
        audit.record(uow, caller=caller, clock=clock, action="create", resource_type="api_key",
                     resource_ids=[record.id])
        uow.commit()
        return Issued(record=record, secret=secret)


def list_keys(*, uow: UnitOfWork, caller: Caller, status: str | None, offset: int,
              limit: int) -> tuple[Sequence[ApiKey], int]:
    """A page of the practice's keys, newest first, revoked ones too unless `status` says."""
    with uow:
        revoked = None if status is None else status == "revoked"
        return uow.api_keys.list(caller.practice_id, revoked=revoked, offset=offset,
                                 limit=limit)


def key_page(*, uow: UnitOfWork, caller: Caller, status: str | None, part: Slice,
             updated_since: datetime | None) -> tuple[Sequence[ApiKey], Keys | None]:
    """The same keys a page at a time by cursor, or those created or revoked since an
    instant, oldest change first."""
    with uow:
        revoked = None if status is None else status == "revoked"
        return uow.api_keys.by_cursor(caller.practice_id, part, revoked=revoked,
                                      updated_since=updated_since)


def get_key(*, uow: UnitOfWork, caller: Caller, key_id: uuid.UUID) -> ApiKey:
    with uow:
        record = uow.api_keys.get(caller.practice_id, key_id)
        if record is None:
            raise NotFound("key")
        return record


def revoke_key(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
               key_id: uuid.UUID) -> ApiKey:
    """Revoke the key: every worker refuses it from the next request on. Revoking a revoked
    key changes nothing. The practice's last admin key is kept (409 LAST_ADMIN_KEY), so that
    no one locks the practice out of managing its keys by accident: create another first."""
    with uow, uow.serialized():
        record = uow.api_keys.get(caller.practice_id, key_id)
        if record is None:
            raise NotFound("key")
        if record.revoked_at is not None:
            return record
        admins = uow.api_keys.live_with_scope(caller.practice_id, ADMIN)
        if [admin.id for admin in admins] == [record.id]:
            raise Conflict("LAST_ADMIN_KEY", "This is the practice's last admin key; create "
                           "another admin key before revoking it.", key_id=str(record.id))
        record.revoked_at = clock()
        audit.record(uow, caller=caller, clock=clock, action="revoke", resource_type="api_key",
                     resource_ids=[record.id])
        uow.commit()
        return record


def authenticate(*, keys: KeyLookup, clock: Callable[[], datetime], key: str,
                 verified: VerifiedKeys | None = None) -> Caller | None:
    """The caller a live key identifies, or None. Read from the database, unless `verified`
    is given and holds the key: then the caller comes from memory, and the request must
    confirm it by its config stamp (VerdictInputSource.get). last_used_at moves when it is
    more than TOUCH_EVERY old (at most one write a minute per key and worker)."""
    now = clock()
    kept = verified.get(key) if verified is not None else None
    if kept is not None:
        if kept.last_used is None or kept.last_used <= now - TOUCH_EVERY:
            keys.touch(kept.key_id, at=now, stale_before=now - TOUCH_EVERY)
            verified.put(key, replace(kept, last_used=now))  # type: ignore[union-attr]
        return kept.caller
    prefix = split_key(key)
    if prefix is None:
        return None
    row = keys.by_prefix(prefix)
    if row is None or row["revoked_at"] is not None or not key_matches(key, row["key_hash"]):
        return None
    last_used = row["last_used_at"]
    if last_used is None or last_used <= now - TOUCH_EVERY:
        keys.touch(row["id"], at=now, stale_before=now - TOUCH_EVERY)
        last_used = now
    caller = Caller(practice_id=row["practice_id"], actor=f"api_key:{row['id']}",
                    scopes=frozenset(s for s in row["scopes"].split(",") if s))
    if verified is not None:
        # Read just now, this caller needs no confirmation; the kept one, by its stamp.
        kept_caller = replace(caller, config_version=int(row["config_version"]))
        verified.put(key, Verified(key_id=row["id"], caller=kept_caller, last_used=last_used))
    return caller
