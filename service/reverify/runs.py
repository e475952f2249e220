"""Runs: created with their selection, claimed by one process, resumed, finished."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from service.db.models import ReverificationRun
from service.db.uow import UnitOfWork
from service.domain.reverification import Selection
from service.webhooks import events

# A process working a run writes a heartbeat this often; one silent for STALE is dead.
HEARTBEAT = timedelta(seconds=5)
STALE = timedelta(seconds=30)
# Running again continues an unfinished run only if it began this recently (last night's).
RESUMABLE_FOR = timedelta(hours=20)


class RunError(Exception):
    """The run cannot go on: unknown, or held by another live process. Says which."""


def create(uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], selection: Selection,
           *, mode: str, requested_by: str, max_attempts: int) -> tuple[uuid.UUID, int]:
    """A new run with its items, in one transaction; returns (run id, coverages selected)."""
    now = clock()
    run_id = uuid.uuid4()
    with uow() as work:
        selected = work.runs.create(ReverificationRun(
            id=run_id, practice_id=selection.practice_id, status="running", mode=mode,
            options={**selection.to_json(), "max_attempts": max_attempts}, selected=0,
            requested_by=requested_by, created_at=now), selection, now)
        work.commit()
    return run_id, selected


def preview(*, uow: UnitOfWork, selection: Selection, now: datetime) -> Iterator[Any]:
    """What a run would select now, streamed in one read (--dry-run); writes nothing."""
    with uow:
        yield from uow.runs.selected(selection, now)


def get(uow: Callable[[], UnitOfWork], run_id: uuid.UUID, *,
        practice_id: uuid.UUID | None = None) -> ReverificationRun:
    """The run; with `practice_id`, only a run that practice took part in (else unknown)."""
    with uow() as work:
        run = work.runs.get(run_id, practice_id=practice_id)
        if run is None:
            raise RunError(f"no re-verification run {run_id}")
        return run


def resumable(uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], *,
              practice_id: uuid.UUID | None) -> uuid.UUID | None:
    """The newest unfinished in-process run over the same practices, begun recently."""
    now = clock()
    with uow() as work:
        return work.runs.resumable(practice_id, since=now - RESUMABLE_FOR)


def owner_gone(owner: str | None) -> bool:
    """Whether the owner was a process on this machine that no longer exists (killed):
    then its heartbeat need not go stale before another process takes over."""
    if not owner:
        return True
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True  # an earlier life of this pid (a restarted container): owners differ
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim(uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], run_id: uuid.UUID,
          owner: str) -> None:
    """Become the process working the run; RunError when a live one already is."""
    now = clock()
    with uow() as work:
        run = work.runs.get(run_id)
        if run is None:
            raise RunError(f"no re-verification run {run_id}")
        if run.status in ("finished", "failed"):
            raise RunError(f"run {run_id} is already {run.status}")
        if not work.runs.claim(run, owner, now=now, stale_before=now - STALE,
                               holder_gone=owner_gone(run.owner)):
            raise RunError(f"run {run_id} is being worked by another process "
                           "(its heartbeat is recent); try again when it stops")
        work.commit()


def heartbeat(uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], run_id: uuid.UUID,
              owner: str) -> None:
    with uow() as work:
        work.runs.heartbeat(run_id, owner, at=clock())
        work.commit()


def unfinished(uow: Callable[[], UnitOfWork], run_id: uuid.UUID) -> int:
    with uow() as work:
        return work.runs.unfinished(run_id)


def finish(uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], run_id: uuid.UUID,
           *, owner: str | None, stopped: bool) -> str:
    """Mark the run finished (nothing left) or stopped; returns the status written."""
    left = unfinished(uow, run_id)
    status = "stopped" if left and stopped else ("running" if left else "finished")
    now = clock()
    with uow() as work:
        written = work.runs.finish(run_id, status, owner=owner,
                                   finished_at=now if status == "finished" else None)
        if written and status == "finished":
            run = work.runs.get(run_id)
            if run is not None:
                # A run over every practice tells each practice it held coverages of.
                practices = ([run.practice_id] if run.practice_id is not None
                             else work.runs.practices_in(run_id))
                work.outbox.emit([events.run_finished(run, practice_id=p, at=now)
                                  for p in practices])
        work.commit()
    return status

