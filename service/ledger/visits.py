"""Use cases of the visit ledger: book, change, delete and change the status of visits, each
drawing from the authorization that fits it, with a history of every change.

Counting is race-free: the writer locks the visit, then the authorization rows of its
coverage (and of the coverage it moves to, in coverage id order; PostgreSQL SELECT ... FOR
UPDATE, in id order) or takes the SQLite write turn, releases what the visit held, evaluates
the verdict against the counts it now holds, and draws. Two schedulers booking the last unit
therefore queue: the second finds it taken and its visit is recorded as not covered
(AUTH_EXHAUSTED) instead of double-booking the authorization.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from payers.registry import PayerRegistry
from service.db.models import Authorization, Coverage, Visit
from service.db.ports import LedgerUnitOfWork
from service.domain.allocation import VisitSpec, draw
from service.domain.errors import Conflict, NotFound
from service.domain.policy import DELETED, effect
from service.domain.verdict import evaluate
from service.domain.versions import require_version
from service.ledger import visit_history as history
from service.ledger.context import inputs_of, usage_from
from service.practice import audit
from service.practice.access import Caller
from service.webhooks import events

VISIT_FIELDS = ("date", "code", "minutes", "provider_npi", "external_id", "status")
EDITABLE = ("date", "code", "minutes", "provider_npi")


def book_visit(
    *, uow: Callable[[], LedgerUnitOfWork], clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, data: dict[str, Any],
) -> tuple[Visit, bool]:
    """Record a visit, or update the one with the same external id; (visit, created)."""
    try:
        return _book_once(uow=uow, clock=clock, registry=registry, caller=caller, data=data)
    except IntegrityError:
        # Two sends of a new external id raced; the loser updates the winner's visit.
        return _book_once(uow=uow, clock=clock, registry=registry, caller=caller, data=data)


def _book_once(
    *, uow: Callable[[], LedgerUnitOfWork], clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, data: dict[str, Any],
) -> tuple[Visit, bool]:
    now = clock()
    with uow() as work, work.serialized():
        coverage = _coverage(work, caller, data["coverage_id"])
        visit = (work.visits.by_external_id(caller.practice_id, data["external_id"], lock=True)
                 if data.get("external_id") else None)
        created = visit is None
        before: dict[str, Any] = {}
        if visit is None:
            visit = Visit(practice_id=caller.practice_id, coverage_id=coverage.id, units=0,
                          effect="release", status="scheduled", created_at=now)
            work.visits.add(visit)
        else:
            if visit.status == DELETED:
                raise Conflict("VISIT_DELETED",
                               "This external_id names a visit deleted as booked in error; "
                               "book the visit with a new external_id.", visit_id=str(visit.id))
            _same_patient(work, caller, visit, coverage)
            before = history.plain(visit)
        for name in VISIT_FIELDS:
            if name in data:
                setattr(visit, name, data[name])
        _write(work, registry, caller, clock, visit, coverage_id=coverage.id, now=now,
               before=before, action="create" if created else "update")
        work.commit()
        return visit, created


def update_visit(
    *, uow: Callable[[], LedgerUnitOfWork], clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, visit_id: uuid.UUID, data: dict[str, Any],
    if_match: frozenset[int] | None = None,
) -> Visit:
    """Change a visit's date, code, minutes, provider or coverage (another of the same
    patient's); it is released and allocated again, so its verdict follows."""
    now = clock()
    with uow() as work, work.serialized():
        visit = _live(work, caller, visit_id)
        require_version(visit.version, if_match)
        target = visit.coverage_id
        if "coverage_id" in data:
            coverage = _coverage(work, caller, data["coverage_id"])
            _same_patient(work, caller, visit, coverage)
            target = coverage.id
        before = history.plain(visit)
        for name in EDITABLE:
            if name in data:
                setattr(visit, name, data[name])
        _write(work, registry, caller, clock, visit, coverage_id=target, now=now,
               before=before, action="update")
        work.commit()
        return visit


def set_status(
    *, uow: Callable[[], LedgerUnitOfWork], clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, visit_id: uuid.UUID, status: str,
) -> Visit:
    now = clock()
    with uow() as work, work.serialized():
        visit = _live(work, caller, visit_id)
        before = history.plain(visit)
        visit.status = status
        _write(work, registry, caller, clock, visit, coverage_id=visit.coverage_id, now=now,
               before=before, action="status")
        work.commit()
        return visit


def delete_visit(
    *, uow: Callable[[], LedgerUnitOfWork], clock: Callable[[], datetime], caller: Caller,
    visit_id: uuid.UUID, if_match: frozenset[int] | None = None,
) -> None:
    """Take back a booking made in error: it releases what it held and is listed nowhere, but
    the row and its history stay. Deleting it again changes nothing (a client's retry)."""
    now = clock()
    with uow() as work, work.serialized():
        visit = work.visits.get(caller.practice_id, visit_id, lock=True)
        if visit is None:
            raise NotFound("visit")
        require_version(visit.version, if_match)
        if visit.status == DELETED:
            return
        work.authorizations.for_coverage(visit.coverage_id, lock=True)
        before = history.plain(visit)
        was = events.verdict_status(visit.verdict)
        _release(work, visit, now)
        visit.authorization_id = None
        visit.verdict = None
        visit.status = DELETED
        visit.updated_at = now
        _verdict_event(work, visit, was, now)
        history.record(work, caller, now, visit, before, "delete")
        audit.record(work, caller=caller, clock=clock, action="delete", resource_type="visit",
                     resource_ids=[visit.id])
        work.commit()


def reevaluate_scheduled(
    *, uow: Callable[[], LedgerUnitOfWork], clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, coverage_id: uuid.UUID,
) -> None:
    """Allocate the coverage's visits still to come again, after a change to the coverage that
    their verdicts depend on (its end), so their verdicts and the alerts on them follow."""
    now = clock()
    with uow() as work, work.serialized():
        _coverage(work, caller, coverage_id)
        for visit in work.visits.for_coverage(coverage_id, start=now.date(), lock=True):
            if visit.status == "scheduled":
                _write(work, registry, caller, clock, visit, coverage_id=coverage_id, now=now,
                       before=history.plain(visit), action="update")
        work.commit()


def get_visit(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller, visit_id: uuid.UUID
) -> Visit:
    return audit.read_one(uow, caller=caller, clock=clock, resource_type="visit",
                          get=lambda work: _shown(work.visits.get(caller.practice_id, visit_id)))


def list_visits(
    *, uow: LedgerUnitOfWork, clock: Callable[[], datetime], caller: Caller,
    coverage_id: uuid.UUID, start: date | None, end: date | None,
) -> Sequence[Visit]:
    with uow:
        if uow.coverages.get(caller.practice_id, coverage_id) is None:
            raise NotFound("coverage")
        rows = uow.visits.for_coverage(coverage_id, start=start, end=end)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="visit", records=rows)
        return rows


def _shown(visit: Visit | None) -> Visit | None:
    """The visit unless it was deleted as booked in error (then only its history is shown)."""
    return None if visit is None or visit.status == DELETED else visit


def _live(work: LedgerUnitOfWork, caller: Caller, visit_id: uuid.UUID) -> Visit:
    """The practice's visit, locked for this write; NotFound when absent or deleted."""
    visit = _shown(work.visits.get(caller.practice_id, visit_id, lock=True))
    if visit is None:
        raise NotFound("visit")
    return visit


def _coverage(work: LedgerUnitOfWork, caller: Caller, coverage_id: uuid.UUID) -> Coverage:
    coverage = work.coverages.get(caller.practice_id, coverage_id)
    if coverage is None:
        raise NotFound("coverage")
    return coverage


def _same_patient(work: LedgerUnitOfWork, caller: Caller, visit: Visit,
                  coverage: Coverage) -> None:
    """A visit may move between coverages of its patient, never to another patient."""
    if visit.coverage_id == coverage.id:
        return
    current = work.coverages.get(caller.practice_id, visit.coverage_id)
    if current is None or current.patient_id != coverage.patient_id:
        raise Conflict("VISIT_OF_ANOTHER_PATIENT",
                       "This visit belongs to another patient; book this patient's visit with "
                       "its own external_id.", visit_id=str(visit.id))


def _write(work: LedgerUnitOfWork, registry: PayerRegistry, caller: Caller,
           clock: Callable[[], datetime], visit: Visit, *, coverage_id: uuid.UUID,
           now: datetime, before: dict[str, Any], action: str) -> None:
    """Allocate the visit on `coverage_id`, then keep the change in its history and audit
    (and a webhook event when its verdict changed)."""
    was = events.verdict_status(visit.verdict)
    visit.updated_at = now
    _allocate(work, registry, visit, now, coverage_id=coverage_id)
    work.flush()
    _verdict_event(work, visit, was, now)
    history.record(work, caller, now, visit, before, action)
    audit.record(work, caller=caller, clock=clock,
                 action="create" if action == "create" else "update", resource_type="visit",
                 resource_ids=[visit.id])


def reallocate(work: LedgerUnitOfWork, registry: PayerRegistry, *, coverage_id: uuid.UUID,
               authorization_id: uuid.UUID, now: datetime) -> list[Visit]:
    """After an authorization changed: the coverage's visits scheduled from today on that it
    carried, or that none carried, give back what they hold and draw again, earliest first,
    as if booked now (under the caller's locks). What visits before today hold stays. The
    visits whose verdict or authorization changed are returned."""
    today = now.date()
    waiting = [v for v in work.visits.for_coverage(coverage_id, start=today)
               if v.status == "scheduled" and v.authorization_id in (authorization_id, None)]
    before = {v.id: (v.authorization_id, v.verdict) for v in waiting}
    for visit in waiting:
        _release(work, visit, now)
    changed: list[Visit] = []
    for visit in waiting:
        _allocate(work, registry, visit, now, coverage_id=visit.coverage_id)
        if (visit.authorization_id, visit.verdict) != before[visit.id]:
            visit.updated_at = now
            changed.append(visit)
            _verdict_event(work, visit, events.verdict_status(before[visit.id][1]), now)
    return changed


def _verdict_event(work: LedgerUnitOfWork, visit: Visit, was: str | None,
                   now: datetime) -> None:
    """visit.verdict_changed, in the change's own transaction, when the status moved."""
    if events.verdict_status(visit.verdict) != was:
        work.outbox.emit([events.visit_verdict_changed(visit, before=was, at=now)])


def _release(work: LedgerUnitOfWork, visit: Visit, now: datetime) -> None:
    """Give back what the visit holds (under the caller's lock). The authorization's counts
    change, so it is listed as changed (updated_since)."""
    if visit.authorization_id is None or visit.effect == "release" or not visit.units:
        return
    auth = work.authorizations.get(visit.practice_id, visit.authorization_id)
    if auth is not None:
        if visit.effect == "use":
            auth.used = max(0, auth.used - visit.units)
        else:
            auth.reserved = max(0, auth.reserved - visit.units)
        auth.updated_at = now
    visit.units = 0
    visit.effect = "release"


def _allocate(work: LedgerUnitOfWork, registry: PayerRegistry, visit: Visit, now: datetime, *,
              coverage_id: uuid.UUID) -> None:
    """Release, re-evaluate and draw again on `coverage_id`: a changed coverage, date, code,
    provider or status may move the visit to another authorization, or off them altogether."""
    # The row locks come first, in id order (coverage by coverage, in coverage id order, when
    # the visit moves), before anything is written. Everything the verdict reads is then read
    # under them, in this transaction, by the reader checks use; it is judged against the rows
    # locked here only (an authorization added since is not held, so this booking cannot draw
    # from it), and these objects are what it draws from.
    locked: dict[str, Authorization] = {}
    for held in sorted({visit.coverage_id, coverage_id}):
        locked.update({str(a.id): a for a in work.authorizations.for_coverage(held, lock=True)
                       if a.coverage_id == coverage_id})
    _release(work, visit, now)
    visit.coverage_id = coverage_id
    work.flush()
    inputs = inputs_of(registry, work.verdict_rows.read(
        visit.practice_id, visit.coverage_id, exclude_visit=visit.id))
    if inputs is None:
        raise NotFound("coverage")
    ctx = inputs.ctx
    auths = [a for a in inputs.auths if a.id in locked]
    kind = effect(visit.status, ctx.policy)
    visit_spec = VisitSpec(date=visit.date, code=visit.code, minutes=visit.minutes,
                           provider_npi=visit.provider_npi)
    verdict = evaluate(visit_spec, now=now, coverage=ctx.coverage, auths=auths,
                       rules=ctx.rules, settings=ctx.settings,
                       usage=usage_from(inputs.counted_dates, ctx, visit.date))
    visit.verdict = verdict.to_dict() if visit.status == "scheduled" else None
    state = next((a for a in auths if a.id == verdict.authorization_id), None)
    if state is None:
        visit.authorization_id = None
        return
    chosen = locked[state.id]
    visit.authorization_id = chosen.id
    if kind == "release":
        return
    units = draw(state, visit_spec)
    if kind == "use":
        chosen.used += units
    else:
        chosen.reserved += units
    if units:
        chosen.updated_at = now
    visit.units = units
    visit.effect = kind
