"""Use cases for prior authorizations: record, amend (re-counting booked visits), list, read."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from payers.registry import PayerRegistry
from service.db.models import Authorization, AuthorizationChange
from service.db.ports import LedgerUnitOfWork
from service.domain.errors import InvalidInput, NotFound
from service.domain.versions import require_version
from service.ledger import visits
from service.practice import audit
from service.practice.access import Caller
from service.webhooks import events

FIELDS = ("number", "unit", "quantity", "minutes_per_unit", "start_date", "end_date", "codes",
          "provider_npi", "status")


def _stored(name: str, value: Any) -> Any:
    if name == "codes":
        return ",".join(sorted({c.upper() for c in value}))
    return value


def _plain(auth: Authorization) -> dict[str, Any]:
    return {name: (getattr(auth, name).isoformat() if name.endswith("_date")
                   else getattr(auth, name)) for name in FIELDS}


def create_authorization(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller, data: dict[str, Any],
    source: str = "manual",
) -> Authorization:
    with uow:
        auth = add_authorization(uow, clock=clock, caller=caller, data=data, source=source)
        uow.commit()
        return auth


def add_authorization(
    work: LedgerUnitOfWork, *, clock: Callable[[], datetime], caller: Caller,
    data: dict[str, Any], source: str,
) -> Authorization:
    """Record one in the caller's open unit of work, with its history and audit rows."""
    now = clock()
    if work.coverages.get(caller.practice_id, data["coverage_id"]) is None:
        raise NotFound("coverage")
    auth = Authorization(practice_id=caller.practice_id, coverage_id=data["coverage_id"],
                         source=source, used=0, reserved=0, created_at=now, updated_at=now,
                         codes="", status="approved")
    for name in FIELDS:
        if name in data:
            setattr(auth, name, _stored(name, data[name]))
    work.authorizations.add(auth)
    try:
        work.flush()
    except IntegrityError as exc:
        raise _duplicate() from exc
    work.authorizations.add_change(AuthorizationChange(
        authorization_id=auth.id, actor=caller.actor, action="create",
        changes={"after": _plain(auth)}, at=now))
    work.outbox.emit([events.authorization_updated(
        auth, action="create", changed=[n for n in FIELDS if n in data], at=now)])
    audit.record(work, caller=caller, clock=clock, action="create",
                 resource_type="authorization", resource_ids=[auth.id])
    return auth


def _duplicate() -> InvalidInput:
    return InvalidInput({"number": ["This coverage already has an authorization with this "
                                    "number; change that one instead."]})


def get_authorization(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller, auth_id: uuid.UUID
) -> tuple[Authorization, Sequence[AuthorizationChange]]:
    with uow:
        auth = uow.authorizations.get(caller.practice_id, auth_id)
        if auth is None:
            raise NotFound("authorization")
        history = uow.authorizations.changes(auth.id)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="authorization",
                           records=[auth])
        return auth, history


def list_authorizations(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller, coverage_id: uuid.UUID
) -> list[Authorization]:
    with uow:
        if uow.coverages.get(caller.practice_id, coverage_id) is None:
            raise NotFound("coverage")
        rows = uow.authorizations.for_coverage(coverage_id)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="authorization",
                           records=rows)
        return sorted(rows, key=lambda a: (a.end_date, a.number))


def amend_authorization(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, auth_id: uuid.UUID, data: dict[str, Any], action: str = "update",
    if_match: frozenset[int] | None = None,
) -> Authorization:
    """Change quantity, dates, scope or status; the change is kept with who and when, and
    the visits scheduled from today on are counted again against the authorization as it
    now is (visits.reallocate). Cut below what is held, it is accepted: `remaining` stays
    0 and `overcommitted` says by how much completed and past visits exceed it."""
    with uow, uow.serialized():
        try:
            auth = change_authorization(uow, clock=clock, registry=registry, caller=caller,
                                        auth_id=auth_id, data=data, action=action,
                                        if_match=if_match)
            uow.commit()
        except IntegrityError as exc:
            raise _duplicate() from exc
        return auth


def change_authorization(
    work: LedgerUnitOfWork, *, clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, auth_id: uuid.UUID, data: dict[str, Any], action: str,
    if_match: frozenset[int] | None = None,
) -> Authorization:
    """Amend one in the caller's open unit of work (see amend_authorization)."""
    now = clock()
    found = work.authorizations.get(caller.practice_id, auth_id)
    if found is None:
        raise NotFound("authorization")
    # Locks in a booking's order: the coverage's row (a booking's first write takes it, by
    # the version-stamp trigger), then all its authorizations in id order. The two queue
    # instead of deadlocking, and re-counting may move a visit to another authorization.
    work.coverages.get(caller.practice_id, found.coverage_id, lock=True)
    auth = next(a for a in work.authorizations.for_coverage(found.coverage_id, lock=True)
                if a.id == auth_id)
    require_version(auth.version, if_match)
    before = _plain(auth)
    for name in FIELDS:
        if name in data:
            setattr(auth, name, _stored(name, data[name]))
    if auth.start_date > auth.end_date:
        raise InvalidInput({"end_date": ["The end date is before the start date."]})
    after = _plain(auth)
    changed = {k: {"before": before[k], "after": after[k]} for k in after
               if before[k] != after[k]}
    auth.updated_at = now
    moved = visits.reallocate(work, registry, coverage_id=auth.coverage_id,
                              authorization_id=auth.id, now=now)
    work.authorizations.add_change(AuthorizationChange(
        authorization_id=auth.id, actor=caller.actor, action=action,
        changes=changed, at=now))
    work.outbox.emit([events.authorization_updated(auth, action=action, changed=list(changed),
                                                   at=now)])
    audit.record(work, caller=caller, clock=clock, action="update",
                 resource_type="authorization", resource_ids=[auth.id])
    if moved:
        audit.record(work, caller=caller, clock=clock, action="update",
                     resource_type="visit", resource_ids=[v.id for v in moved])
    return auth
