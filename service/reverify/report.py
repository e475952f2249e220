"""A run's report: counts by outcome, and each change with its before and after values."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from service import audit
from service.access import Caller
from service.db.models import Coverage, ReverificationItem, ReverificationRun
from service.db.uow import UnitOfWork
from service.domain.errors import NotFound
from service.reverify import parts


def summary(session: Session, run: ReverificationRun, now: datetime,
            practice_id: uuid.UUID | None = None) -> dict[str, Any]:
    """The run's figures; with `practice_id`, only that practice's part of the run (its
    items, and a status and end that are its own: see parts.Part)."""
    mine = [ReverificationItem.run_id == run.id]
    if practice_id is not None:
        mine.append(ReverificationItem.practice_id == practice_id)
    counts: dict[str, int] = {"selected": 0, "checked": 0, "active": 0, "inactive": 0,
                              "rejected": 0, "errors": 0, "changed": 0, "deferred": 0,
                              "retrying": 0, "remaining": 0}
    rows = session.execute(
        select(ReverificationItem.state, ReverificationItem.outcome, func.count(),
               func.sum(case((ReverificationItem.changes.is_not(None), 1), else_=0)))
        .where(*mine).group_by(ReverificationItem.state, ReverificationItem.outcome)).all()
    for state, outcome, count, changed in rows:
        counts["selected"] += count
        counts["changed"] += int(changed or 0)
        if state in ("done", "deferred"):
            counts["checked"] += count
            key = "errors" if outcome in (None, "error") else outcome
            counts[key] = counts.get(key, 0) + count
            if state == "deferred":
                counts["deferred"] += count
        elif state == "retry":
            counts["retrying"] += count
        else:
            counts["remaining"] += count
    status, finished_at = run.status, run.finished_at
    if practice_id is not None:
        [part] = parts.parts(session, practice_id, [run])
        status, finished_at = part.status, part.finished_at
    end = finished_at or now
    return {"run_id": str(run.id), "status": status, "mode": run.mode,
            "options": run.options, "created_at": run.created_at.isoformat(),
            "finished_at": finished_at.isoformat() if finished_at else None,
            **counts, "seconds": round((end - run.created_at).total_seconds(), 3),
            "changes": changes(session, run.id, practice_id)}


def of_run(*, uow: UnitOfWork, run_id: uuid.UUID, now: datetime,
           practice_id: uuid.UUID | None = None) -> dict[str, Any]:
    """The summary of a run the caller already holds (the `reverify` command, after working
    it); with `practice_id`, that practice's part of it."""
    with uow:
        run = uow.session.get(ReverificationRun, run_id)
        if run is None:
            raise NotFound("reverification run")
        return summary(uow.session, run, now, practice_id=practice_id)


def changes(session: Session, run_id: uuid.UUID,
            practice_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    query = (select(ReverificationItem.coverage_id, Coverage.patient_id,
                    ReverificationItem.payer, ReverificationItem.changes)
             .join(Coverage, Coverage.id == ReverificationItem.coverage_id)
             .where(ReverificationItem.run_id == run_id,
                    ReverificationItem.changes.is_not(None))
             .order_by(ReverificationItem.id))
    if practice_id is not None:
        query = query.where(ReverificationItem.practice_id == practice_id)
    lines = []
    for coverage_id, patient_id, payer, found in session.execute(query):
        for change in found or []:
            lines.append({"coverage_id": str(coverage_id), "patient_id": str(patient_id),
                          "payer": payer, **change})
    return lines


def read(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
         run_id: uuid.UUID) -> dict[str, Any]:
    """The report of one run, limited to the caller's practice."""
    with uow:
        run = uow.session.scalars(select(ReverificationRun).where(
            ReverificationRun.id == run_id, parts.visible_to(caller.practice_id))).first()
        if run is None:
            raise NotFound("reverification run")
        result = summary(uow.session, run, clock(), practice_id=caller.practice_id)
        audit.record(uow, caller=caller, clock=clock, action="read",
                     resource_type="reverification_run", resource_ids=[run.id])
        uow.commit()
        return result


def list_runs(*, uow: UnitOfWork, caller: Caller, offset: int,
              limit: int) -> tuple[list[parts.Part], int]:
    """The caller's practice's part of each run it took part in, newest first."""
    with uow:
        query = select(ReverificationRun).where(parts.visible_to(caller.practice_id))
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = uow.session.scalars(query.order_by(ReverificationRun.created_at.desc(),
                                                  ReverificationRun.id)
                                   .offset(offset).limit(limit)).all()
        return parts.parts(uow.session, caller.practice_id, rows), total
