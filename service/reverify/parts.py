"""A practice's part of a run: which runs it sees, and each one's figures over its items only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from service.db.models import ReverificationItem, ReverificationRun
from service.reverify.items import UNFINISHED


def visible_to(practice_id: uuid.UUID) -> Any:
    """Runs of this practice, and runs over every practice that hold at least one of its
    coverages; a run it had no part in is not there for it (404 like a missing id)."""
    took_part = exists().where(ReverificationItem.run_id == ReverificationRun.id,
                               ReverificationItem.practice_id == practice_id)
    return or_(ReverificationRun.practice_id == practice_id,
               and_(ReverificationRun.practice_id.is_(None), took_part))


@dataclass(frozen=True, kw_only=True)
class Part:
    """What one practice is shown of a run. A run over every practice goes on while other
    practices' coverages are checked: its own status, end and size would tell one practice
    how much the others had, so the part is finished when this practice's items are."""

    run: ReverificationRun
    selected: int
    unfinished: int
    last_finished_at: datetime | None  # of this practice's items

    @property
    def id(self) -> uuid.UUID:
        return self.run.id

    @property
    def mode(self) -> str:
        return self.run.mode

    @property
    def created_at(self) -> datetime:
        return self.run.created_at

    @property
    def status(self) -> str:
        if self.unfinished or self.run.status == "finished":
            return self.run.status
        return "finished"

    @property
    def finished_at(self) -> datetime | None:
        if self.status != "finished":
            return None
        if self.run.practice_id is None:
            return self.last_finished_at or self.run.finished_at
        return self.run.finished_at or self.last_finished_at


def parts(session: Session, practice_id: uuid.UUID,
          runs: Sequence[ReverificationRun]) -> list[Part]:
    """Each run's part for this practice, counted in one grouped query over its items."""
    if not runs:
        return []
    rows = session.execute(
        select(ReverificationItem.run_id, func.count(),
               func.sum(case((ReverificationItem.state.in_(UNFINISHED), 1), else_=0)),
               func.max(ReverificationItem.finished_at))
        .where(ReverificationItem.run_id.in_([run.id for run in runs]),
               ReverificationItem.practice_id == practice_id)
        .group_by(ReverificationItem.run_id)).all()
    figures = {run_id: (int(count), int(left or 0), last) for run_id, count, left, last in rows}
    found = []
    for run in runs:
        selected, unfinished, last = figures.get(run.id, (0, 0, None))
        found.append(Part(run=run, selected=selected, unfinished=unfinished,
                          last_finished_at=last))
    return found
