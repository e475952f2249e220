"""A run's report: counts by outcome, and each change with its before and after values."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from service import audit
from service.access import Caller
from service.db.models import Coverage, ReverificationItem, ReverificationRun
from service.db.uow import UnitOfWork
from service.domain.errors import NotFound


def summary(session: Session, run: ReverificationRun, now: datetime,
            practice_id: uuid.UUID | None = None) -> dict[str, Any]:
    """The run's figures; with `practice_id`, only that practice's part of the run."""
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
    end = run.finished_at or now
    return {"run_id": str(run.id), "status": run.status, "mode": run.mode,
            "options": run.options, "created_at": run.created_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            **counts, "seconds": round((end - run.created_at).total_seconds(), 3),
            "changes": changes(session, run.id, practice_id)}


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


def _visible(caller: Caller) -> Any:
    # A run over every practice (an operator's) is shown to each practice that had coverages
    # in it, as its own part; a practice that had none does not see it at all.
    took_part = exists().where(ReverificationItem.run_id == ReverificationRun.id,
                               ReverificationItem.practice_id == caller.practice_id)
    return or_(ReverificationRun.practice_id == caller.practice_id,
               and_(ReverificationRun.practice_id.is_(None), took_part))


def read(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
         run_id: uuid.UUID) -> dict[str, Any]:
    """The report of one run, limited to the caller's practice."""
    with uow:
        run = uow.session.scalars(select(ReverificationRun).where(
            ReverificationRun.id == run_id, _visible(caller))).first()
        if run is None:
            raise NotFound("reverification run")
        result = summary(uow.session, run, clock(), practice_id=caller.practice_id)
        audit.record(uow, caller=caller, clock=clock, action="read",
                     resource_type="reverification_run", resource_ids=[run.id])
        uow.commit()
        return result


def list_runs(*, uow: UnitOfWork, caller: Caller, offset: int,
              limit: int) -> tuple[list[ReverificationRun], int]:
    """Runs the caller's practice took part in, newest first (figures: read one run)."""
    with uow:
        query = select(ReverificationRun).where(_visible(caller))
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = uow.session.scalars(query.order_by(ReverificationRun.created_at.desc())
                                   .offset(offset).limit(limit)).all()
        return list(rows), total
