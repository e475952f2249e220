"""Repository of nightly runs: a run with its selection, its owner's claim, and its items."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from service.db.models import ReverificationItem, ReverificationRun
from service.db.run_selection import query as selection_query
from service.domain.reverification import UNFINISHED, Selection


def visible_to(practice_id: uuid.UUID) -> Any:
    """Runs of this practice, and runs over every practice that hold at least one of its
    coverages; a run it had no part in is not there for it (404 like a missing id)."""
    took_part = exists().where(ReverificationItem.run_id == ReverificationRun.id,
                               ReverificationItem.practice_id == practice_id)
    return or_(ReverificationRun.practice_id == practice_id,
               and_(ReverificationRun.practice_id.is_(None), took_part))


class RunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, run: ReverificationRun, selection: Selection, now: datetime) -> int:
        """Add the run and an item for each coverage of the selection; returns how many.

        INSERT ... SELECT: the selection never passes through this process (100,000 rows
        cost no memory here)."""
        self.session.add(run)
        self.session.flush()
        chosen = selection_query(selection, now).subquery()
        source = select(literal(run.id, ReverificationItem.run_id.type), chosen.c.practice_id,
                        chosen.c.id, chosen.c.payer, literal("pending"), literal(0))
        self.session.execute(insert(ReverificationItem).from_select(
            ["run_id", "practice_id", "coverage_id", "payer", "state", "attempts"], source))
        # Counted, not taken from rowcount: drivers may not report it for INSERT ... SELECT.
        selected = int(self.session.scalar(select(func.count()).select_from(ReverificationItem)
                                           .where(ReverificationItem.run_id == run.id)) or 0)
        self.session.execute(update(ReverificationRun).where(ReverificationRun.id == run.id)
                             .values(selected=selected))
        return selected

    def selected(self, selection: Selection, now: datetime, *,
                 batch: int = 1000) -> Iterator[Any]:
        """What a run would select now, fetched `batch` rows at a time."""
        yield from self.session.execute(
            selection_query(selection, now).execution_options(yield_per=batch))

    def get(self, run_id: uuid.UUID, *,
            practice_id: uuid.UUID | None = None) -> ReverificationRun | None:
        """The run; with `practice_id`, only a run that practice took part in."""
        query = select(ReverificationRun).where(ReverificationRun.id == run_id)
        if practice_id is not None:
            query = query.where(visible_to(practice_id))
        return self.session.scalars(query).first()

    def resumable(self, practice_id: uuid.UUID | None, *, since: datetime) -> uuid.UUID | None:
        """The newest unfinished in-process run over the same practices begun since then."""
        scope = (ReverificationRun.practice_id.is_(None) if practice_id is None
                 else ReverificationRun.practice_id == practice_id)
        return self.session.scalar(
            select(ReverificationRun.id)
            .where(scope, ReverificationRun.mode == "inline",
                   ReverificationRun.status.in_(("running", "stopped")),
                   ReverificationRun.created_at >= since)
            .order_by(ReverificationRun.created_at.desc()).limit(1))

    def claim(self, run: ReverificationRun, owner: str, *, now: datetime,
              stale_before: datetime, holder_gone: bool) -> bool:
        """Make `owner` the run's owner unless another one beat after `stale_before` (or is
        known gone); the leases of its running items end. False when another one holds it."""
        free = or_(ReverificationRun.owner.is_(None), ReverificationRun.owner == owner,
                   ReverificationRun.heartbeat_at < stale_before)
        if holder_gone:
            free = or_(free, ReverificationRun.owner == run.owner)
        taken = self.session.execute(
            update(ReverificationRun)
            .where(ReverificationRun.id == run.id,
                   ReverificationRun.status.in_(("running", "stopped")), free)
            .values(owner=owner, heartbeat_at=now, status="running")
            .execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return False
        # Whoever held the items before is dead (we hold the run): their leases end now.
        self.session.execute(
            update(ReverificationItem)
            .where(ReverificationItem.run_id == run.id, ReverificationItem.state == "running")
            .values(lease_until=None).execution_options(synchronize_session=False))
        return True

    def heartbeat(self, run_id: uuid.UUID, owner: str, *, at: datetime) -> None:
        self.session.execute(
            update(ReverificationRun)
            .where(ReverificationRun.id == run_id, ReverificationRun.owner == owner)
            .values(heartbeat_at=at).execution_options(synchronize_session=False))

    def unfinished(self, run_id: uuid.UUID) -> int:
        return int(self.session.scalar(
            select(func.count()).select_from(ReverificationItem)
            .where(ReverificationItem.run_id == run_id,
                   ReverificationItem.state.in_(UNFINISHED))) or 0)

    def finish(self, run_id: uuid.UUID, status: str, *, owner: str | None,
               finished_at: datetime | None) -> bool:
        """Write the status of a run not finished yet (held by `owner`, when given) and
        release it; `finished_at` when given. Whether it was written."""
        values: dict[str, object] = {"status": status, "owner": None}
        if finished_at is not None:
            values["finished_at"] = finished_at
        query = update(ReverificationRun).where(ReverificationRun.id == run_id,
                                                ReverificationRun.status != "finished")
        if owner is not None:
            query = query.where(ReverificationRun.owner == owner)
        written = self.session.execute(query.values(**values).execution_options(
            synchronize_session=False))
        return bool(written.rowcount == 1)  # type: ignore[attr-defined]

    def practices_in(self, run_id: uuid.UUID) -> Sequence[uuid.UUID]:
        """The practices whose coverages the run holds."""
        return self.session.scalars(select(ReverificationItem.practice_id).distinct().where(
            ReverificationItem.run_id == run_id)).all()

    def payers_left(self, run_id: uuid.UUID) -> Sequence[str]:
        return self.session.scalars(
            select(ReverificationItem.payer).distinct()
            .where(ReverificationItem.run_id == run_id,
                   ReverificationItem.state.in_(UNFINISHED))).all()

    def left_running(self, run_id: uuid.UUID, payer: str) -> set[int]:
        return set(self.session.scalars(
            select(ReverificationItem.id).where(ReverificationItem.run_id == run_id,
                                                ReverificationItem.payer == payer,
                                                ReverificationItem.state == "running")))

    def pending(self, run_id: uuid.UUID, payer: str, *, after: int,
                limit: int) -> Sequence[ReverificationItem]:
        """The payer's next pending items after id `after` (a keyset), detached."""
        return self._detached(self.session.scalars(
            self._items(run_id, payer)
            .where(ReverificationItem.state == "pending", ReverificationItem.id > after)
            .order_by(ReverificationItem.id).limit(limit)).all())

    def due_retries(self, run_id: uuid.UUID, payer: str, *, now: datetime,
                    limit: int) -> Sequence[ReverificationItem]:
        """The payer's retries that are due, the longest waiting first, detached."""
        return self._detached(self.session.scalars(
            self._items(run_id, payer)
            .where(ReverificationItem.state == "retry",
                   ReverificationItem.next_attempt_at <= now)
            .order_by(ReverificationItem.next_attempt_at).limit(limit)).all())

    def waiting(self, run_id: uuid.UUID, payer: str) -> tuple[int, datetime | None]:
        """How many of the payer's items are unfinished, and the earliest retry time."""
        count, earliest = self.session.execute(
            select(func.count(), func.min(ReverificationItem.next_attempt_at))
            .where(ReverificationItem.run_id == run_id, ReverificationItem.payer == payer,
                   ReverificationItem.state.in_(UNFINISHED))).one()
        return count, earliest

    def unfinished_items(self, run_id: uuid.UUID, *,
                         batch: int) -> Iterator[Sequence[Row[int, str]]]:
        """(id, payer) of the run's unfinished items in id order, streamed `batch` at a time."""
        yield from self.session.execute(
            select(ReverificationItem.id, ReverificationItem.payer)
            .where(ReverificationItem.run_id == run_id,
                   ReverificationItem.state.in_(UNFINISHED))
            .order_by(ReverificationItem.id).execution_options(yield_per=batch)).partitions()

    @staticmethod
    def _items(run_id: uuid.UUID, payer: str) -> Any:
        return select(ReverificationItem).where(ReverificationItem.run_id == run_id,
                                                ReverificationItem.payer == payer)

    def _detached(self, rows: Sequence[ReverificationItem]) -> Sequence[ReverificationItem]:
        # The rows are handed to worker threads that outlive this session.
        self.session.expunge_all()
        return rows
