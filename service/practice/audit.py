"""Audit rows: which key did what to which patient record, and when; written and listed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from service.db.models import AuditEvent
from service.db.ports import Audited, Transaction
from service.db.uow import UnitOfWork
from service.domain.errors import NotFound
from service.practice.access import Caller


class Identified(Protocol):
    """A record an audit row can name."""

    @property
    def id(self) -> object: ...


Work = TypeVar("Work", bound=Transaction)
Found = TypeVar("Found", bound=Identified)


def record(
    uow: Audited, *, caller: Caller, clock: Callable[[], datetime], action: str,
    resource_type: str, resource_ids: Iterable[object],
) -> None:
    """Add one row per record touched, inside the caller's unit of work."""
    uow.audit.add_all({"practice_id": caller.practice_id, "actor": caller.actor,
                       "action": action, "resource_type": resource_type,
                       "request_id": caller.request_id, "at": clock()}, resource_ids)


def record_reads(
    uow: Transaction, *, caller: Caller, clock: Callable[[], datetime], resource_type: str,
    records: Iterable[Identified],
) -> None:
    """Audit that the caller read these records, and commit: how every read use case ends."""
    record(uow, caller=caller, clock=clock, action="read", resource_type=resource_type,
           resource_ids=[found.id for found in records])
    uow.commit()


def read_one(
    uow: Work, *, caller: Caller, clock: Callable[[], datetime], resource_type: str,
    get: Callable[[Work], Found | None],
) -> Found:
    """The record `get` finds in the unit of work, its read audited; NotFound, naming the
    resource type in words ("eligibility check"), when it finds none."""
    with uow:
        found = get(uow)
        if found is None:
            raise NotFound(resource_type.replace("_", " "))
        record_reads(uow, caller=caller, clock=clock, resource_type=resource_type,
                     records=[found])
        return found


def row(*, caller: Caller, at: datetime, action: str, resource_type: str,
        resource_id: object) -> dict[str, object]:
    """One audit row's columns, for a statement that writes it with other rows."""
    return {"public_id": uuid.uuid4(), "practice_id": caller.practice_id,
            "actor": caller.actor, "action": action, "resource_type": resource_type,
            "resource_id": str(resource_id), "request_id": caller.request_id, "at": at}


def list_events(*, uow: UnitOfWork, caller: Caller, offset: int,
                limit: int) -> tuple[Sequence[AuditEvent], int]:
    """A page of the caller's practice's audit events, newest first, and their total."""
    with uow:
        return uow.audit.list(caller.practice_id, offset=offset, limit=limit)
