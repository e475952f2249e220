"""Audit rows: which key did what to which patient record, and when; written and listed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from service.db.models import AuditEvent
from service.db.ports import Audited
from service.db.uow import UnitOfWork
from service.practice.access import Caller


def record(
    uow: Audited, *, caller: Caller, clock: Callable[[], datetime], action: str,
    resource_type: str, resource_ids: Iterable[object],
) -> None:
    """Add one row per record touched, inside the caller's unit of work."""
    at = clock()
    uow.audit.add_all([
        AuditEvent(
            practice_id=caller.practice_id, actor=caller.actor, action=action,
            resource_type=resource_type, resource_id=str(rid), request_id=caller.request_id,
            at=at,
        )
        for rid in resource_ids
    ])


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
