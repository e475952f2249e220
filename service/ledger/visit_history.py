"""A visit's history: each change, who made it and when, with the fields before and after."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from service.db.models import Visit, VisitChange
from service.db.ports import LedgerUnitOfWork
from service.domain.errors import NotFound
from service.practice import audit
from service.practice.access import Caller

# What a visit's history shows: what the EHR sent and what the ledger made of it.
TRACKED = ("coverage_id", "date", "code", "minutes", "provider_npi", "external_id", "status",
           "authorization_id", "units")


def visit_history(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller, visit_id: uuid.UUID
) -> Sequence[VisitChange]:
    """Every change to the visit, oldest first (a deleted visit's included)."""
    with uow:
        visit = uow.visits.get(caller.practice_id, visit_id)
        if visit is None:
            raise NotFound("visit")
        changes = uow.visits.changes(visit.id)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="visit",
                           records=[visit])
        return changes


def plain(visit: Visit) -> dict[str, Any]:
    """The tracked fields as JSON values, to compare before and after a change."""
    return {name: _json(getattr(visit, name)) for name in TRACKED}


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def record(work: LedgerUnitOfWork, caller: Caller, now: datetime, visit: Visit,
           before: dict[str, Any], action: str) -> None:
    """One history row: all fields on creation, else those that changed (none: no row, as a
    client's retry of the same request changes nothing)."""
    after = plain(visit)
    if action == "create":
        changes: dict[str, Any] = {"after": after}
    else:
        changes = {k: {"before": before[k], "after": after[k]} for k in after
                   if before[k] != after[k]}
        if not changes:
            return
    work.visits.add_change(VisitChange(visit_id=visit.id, actor=caller.actor, action=action,
                                       changes=changes, at=now))
