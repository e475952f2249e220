"""Runs: created with their selection, claimed by one process, resumed, finished."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from service.db.models import ReverificationItem, ReverificationRun
from service.db.uow import UnitOfWork
from service.reverify.items import UNFINISHED
from service.reverify.parts import visible_to
from service.reverify.selection import Selection, copy_into_run

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
        work.session.add(ReverificationRun(
            id=run_id, practice_id=selection.practice_id, status="running", mode=mode,
            options={**selection.to_json(), "max_attempts": max_attempts}, selected=0,
            requested_by=requested_by, created_at=now))
        work.session.flush()
        selected = copy_into_run(work.session, run_id, selection, now)
        work.session.execute(update(ReverificationRun).where(ReverificationRun.id == run_id)
                             .values(selected=selected))
        work.commit()
    return run_id, selected


def get(uow: Callable[[], UnitOfWork], run_id: uuid.UUID, *,
        practice_id: uuid.UUID | None = None) -> ReverificationRun:
    """The run; with `practice_id`, only a run that practice took part in (else unknown)."""
    query = select(ReverificationRun).where(ReverificationRun.id == run_id)
    if practice_id is not None:
        query = query.where(visible_to(practice_id))
    with uow() as work:
        run = work.session.scalars(query).first()
        if run is None:
            raise RunError(f"no re-verification run {run_id}")
        return run


def resumable(uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], *,
              practice_id: uuid.UUID | None) -> uuid.UUID | None:
    """The newest unfinished in-process run over the same practices, begun recently."""
    now = clock()
    with uow() as work:
        scope = (ReverificationRun.practice_id.is_(None) if practice_id is None
                 else ReverificationRun.practice_id == practice_id)
        return work.session.scalar(
            select(ReverificationRun.id)
            .where(scope, ReverificationRun.mode == "inline",
                   ReverificationRun.status.in_(("running", "stopped")),
                   ReverificationRun.created_at >= now - RESUMABLE_FOR)
            .order_by(ReverificationRun.created_at.desc()).limit(1))


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
        run = work.session.get(ReverificationRun, run_id)
        if run is None:
            raise RunError(f"no re-verification run {run_id}")
        if run.status in ("finished", "failed"):
            raise RunError(f"run {run_id} is already {run.status}")
        free = or_(ReverificationRun.owner.is_(None), ReverificationRun.owner == owner,
                   ReverificationRun.heartbeat_at < now - STALE)
        if owner_gone(run.owner):
            free = or_(free, ReverificationRun.owner == run.owner)
        taken = work.session.execute(
            update(ReverificationRun)
            .where(ReverificationRun.id == run_id,
                   ReverificationRun.status.in_(("running", "stopped")), free)
            .values(owner=owner, heartbeat_at=now, status="running")
            .execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise RunError(f"run {run_id} is being worked by another process "
                           "(its heartbeat is recent); try again when it stops")
        # Whoever held the items before is dead (we hold the run): their leases end now.
        work.session.execute(
            update(ReverificationItem)
            .where(ReverificationItem.run_id == run_id, ReverificationItem.state == "running")
            .values(lease_until=None).execution_options(synchronize_session=False))
        work.commit()


def heartbeat(uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], run_id: uuid.UUID,
              owner: str) -> None:
    with uow() as work:
        work.session.execute(
            update(ReverificationRun)
            .where(ReverificationRun.id == run_id, ReverificationRun.owner == owner)
            .values(heartbeat_at=clock()).execution_options(synchronize_session=False))
        work.commit()


def unfinished(uow: Callable[[], UnitOfWork], run_id: uuid.UUID) -> int:
    with uow() as work:
        return int(work.session.scalar(
            select(func.count()).select_from(ReverificationItem)
            .where(ReverificationItem.run_id == run_id,
                   ReverificationItem.state.in_(UNFINISHED))) or 0)


def finish(uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], run_id: uuid.UUID,
           *, owner: str | None, stopped: bool) -> str:
    """Mark the run finished (nothing left) or stopped; returns the status written."""
    left = unfinished(uow, run_id)
    status = "stopped" if left and stopped else ("running" if left else "finished")
    with uow() as work:
        values: dict[str, object] = {"status": status, "owner": None}
        if status == "finished":
            values["finished_at"] = clock()
        query = update(ReverificationRun).where(ReverificationRun.id == run_id,
                                                ReverificationRun.status != "finished")
        if owner is not None:
            query = query.where(ReverificationRun.owner == owner)
        work.session.execute(query.values(**values).execution_options(
            synchronize_session=False))
        work.commit()
    return status

