"""A run's report: counts by outcome, and each change with its before and after values."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from service.db.models import ReverificationRun
from service.db.ports import RunFigures
from service.db.uow import UnitOfWork
from service.domain.errors import NotFound
from service.domain.paging import Keys, Slice
from service.practice import audit
from service.practice.access import Caller
from service.reverify import parts


def summary(reports: RunFigures, run: ReverificationRun, now: datetime,
            practice_id: uuid.UUID | None = None) -> dict[str, Any]:
    """The run's figures; with `practice_id`, only that practice's part of the run (its
    items, and a status and end that are its own: see parts.Part)."""
    counts: dict[str, int] = {"selected": 0, "checked": 0, "active": 0, "inactive": 0,
                              "rejected": 0, "errors": 0, "changed": 0, "deferred": 0,
                              "retrying": 0, "remaining": 0}
    for state, outcome, count, changed in reports.counts(run.id, practice_id):
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
        [part] = parts.parts(reports, practice_id, [run])
        status, finished_at = part.status, part.finished_at
    end = finished_at or now
    return {"run_id": str(run.id), "status": status, "mode": run.mode,
            "options": run.options, "created_at": run.created_at.isoformat(),
            "finished_at": finished_at.isoformat() if finished_at else None,
            **counts, "seconds": round((end - run.created_at).total_seconds(), 3),
            "changes": changes(reports, run.id, practice_id)}


def of_run(*, uow: UnitOfWork, run_id: uuid.UUID, now: datetime,
           practice_id: uuid.UUID | None = None) -> dict[str, Any]:
    """The summary of a run the caller already holds (the `reverify` command, after working
    it); with `practice_id`, that practice's part of it."""
    with uow:
        run = uow.runs.get(run_id)
        if run is None:
            raise NotFound("reverification run")
        return summary(uow.run_reports, run, now, practice_id=practice_id)


def changes(reports: RunFigures, run_id: uuid.UUID,
            practice_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    lines = []
    for coverage_id, patient_id, payer, found in reports.changes(run_id, practice_id):
        for change in found or []:
            lines.append({"coverage_id": str(coverage_id), "patient_id": str(patient_id),
                          "payer": payer, **change})
    return lines


def read(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
         run_id: uuid.UUID) -> dict[str, Any]:
    """The report of one run, limited to the caller's practice."""
    with uow:
        run = uow.runs.get(run_id, practice_id=caller.practice_id)
        if run is None:
            raise NotFound("reverification run")
        result = summary(uow.run_reports, run, clock(), practice_id=caller.practice_id)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="reverification_run",
                           records=[run])
        return result


def list_runs(*, uow: UnitOfWork, caller: Caller, offset: int,
              limit: int) -> tuple[list[parts.Part], int]:
    """The caller's practice's part of each run it took part in, newest first."""
    with uow:
        rows, total = uow.run_reports.visible(caller.practice_id, offset=offset, limit=limit)
        return parts.parts(uow.run_reports, caller.practice_id, rows), total


def run_page(*, uow: UnitOfWork, caller: Caller,
             part: Slice) -> tuple[list[parts.Part], Keys | None]:
    """The same parts a page at a time by cursor, and the keys of the last when more
    follow."""
    with uow:
        rows, last = uow.run_reports.by_cursor(caller.practice_id, part)
        return parts.parts(uow.run_reports, caller.practice_id, rows), last
