"""Alerts: listed from the ledger as it stands (a read never writes); resolving writes.

The alerts table holds only what a read cannot derive: alerts the nightly job writes
(coverage_changed) and a person's resolution of a derived alert, filed under the alert's
id, kind, subject and fingerprint. What is derived, and how it is kept in memory, is in
service/ledger/alert_source.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from operator import attrgetter

from sqlalchemy.exc import IntegrityError

from service.db.models import Alert
from service.db.ports import AlertsUnitOfWork
from service.domain.errors import NotFound
from service.domain.paging import Keys, Slice, in_memory
from service.ledger.alert_source import AlertSource, AlertView
from service.practice import audit
from service.practice.access import Caller
from service.webhooks import events

__all__ = ["AlertPage", "AlertSource", "AlertView", "list_alerts", "resolve"]


@dataclass(frozen=True)
class AlertPage:
    items: list[AlertView]
    total: int
    next: Keys | None = None  # keys of the last alert when more follow (by cursor)


def list_alerts(
    *, uow: AlertsUnitOfWork, source: AlertSource, clock: Callable[[], datetime], caller: Caller,
    kind: str | None, coverage_id: uuid.UUID | None, include_resolved: bool,
    window: tuple[int, int] | None = None, part: Slice | None = None,
    updated_since: datetime | None = None,
) -> AlertPage:
    """Alerts by kind, newest first; `window` is (offset, limit), `part` a page by cursor,
    neither for all. With `updated_since`: those raised or resolved since, resolved ones
    included, in the order of that change. Reads only: alerts name records, not people, so
    listing them is not a read of a patient's record (opening the coverage, visit or
    authorization is, and is audited there)."""
    with uow:
        found = source.alerts(uow, caller.practice_id, clock().date())
        rows = list(found.open)
        if include_resolved or updated_since is not None:
            rows = sorted(rows + list(found.resolved), key=attrgetter("order"))
        if kind is not None or coverage_id is not None:
            rows = [a for a in rows if (kind is None or a.kind == kind)
                    and (coverage_id is None or a.coverage_id == coverage_id)]
        if updated_since is not None:
            rows = sorted((a for a in rows if a.changed[0] >= updated_since),
                          key=attrgetter("changed"))
        total, last = len(rows), None
        if part is not None:
            rows, last = in_memory(rows, attrgetter(
                "changed" if updated_since is not None else "order"), part)
        elif window is not None:
            offset, limit = window
            rows = rows[offset:offset + limit]
        return AlertPage(_with_patients(uow, rows), total, last)


def _with_patients(uow: AlertsUnitOfWork, rows: list[AlertView]) -> list[AlertView]:
    patients = uow.alerts.patients_of([a.coverage_id for a in rows if a.coverage_id])
    return [replace(a, patient_id=patients.get(a.coverage_id)) if a.coverage_id else a
            for a in rows]


def resolve(*, uow: AlertsUnitOfWork, source: AlertSource, clock: Callable[[], datetime],
            caller: Caller, alert_id: uuid.UUID) -> AlertView:
    """Mark an alert handled. A derived alert's resolution is the row written here, under
    the alert's id; it stays resolved until its facts change (and with them its id)."""
    now = clock()
    with uow:
        row = uow.alerts.get(caller.practice_id, alert_id)
        found = None
        if row is None:
            found = next((a for a in source.derived(uow, caller.practice_id, now.date())
                          if a.id == alert_id), None)
            if found is None:
                raise NotFound("alert")
            row = uow.alerts.by_facts(caller.practice_id, found.kind, found.subject_id,
                                      found.fingerprint) or Alert(
                id=alert_id, practice_id=caller.practice_id, coverage_id=found.coverage_id,
                kind=found.kind, subject_id=found.subject_id, fingerprint=found.fingerprint,
                message=found.message, data=found.data, created_at=found.created_at)
            uow.alerts.add(row)
        if row.resolved_at is None:
            row.resolved_at, row.resolved_by = now, caller.actor
            uow.outbox.emit([events.alert_resolved(row, at=now)])
        audit.record(uow, caller=caller, clock=clock, action="update", resource_type="alert",
                     resource_ids=[row.id])
        try:
            uow.commit()
        except IntegrityError:
            if found is None:
                raise
            # Resolved at the same moment by someone else: theirs stands.
            uow.rollback()
            row = uow.alerts.by_facts(caller.practice_id, found.kind, found.subject_id,
                                      found.fingerprint)
            if row is None:
                raise
        return _with_patients(uow, [AlertView.of_row(row)])[0]
