"""Read model of nightly runs for reports and pages: counts, changes, each practice's part."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from service.db.keyset import by, keyset_page
from service.db.models import Coverage, ReverificationItem, ReverificationRun
from service.db.repositories import page_of
from service.db.runs import visible_to
from service.domain.paging import Keys, Slice
from service.domain.reverification import UNFINISHED

RUN_ORDERS = {"newest": by(ReverificationRun.created_at, ReverificationRun.id, descending=True)}


class RunReports:
    def __init__(self, session: Session) -> None:
        self.session = session

    def counts(self, run_id: uuid.UUID, practice_id: uuid.UUID | None = None
               ) -> Sequence[tuple[str, str | None, int, int | None]]:
        """(state, outcome, items, items that found changes) of the run's items (of one
        practice, when given), by state and outcome."""
        mine = [ReverificationItem.run_id == run_id]
        if practice_id is not None:
            mine.append(ReverificationItem.practice_id == practice_id)
        return self.session.execute(
            select(ReverificationItem.state, ReverificationItem.outcome, func.count(),
                   func.sum(case((ReverificationItem.changes.is_not(None), 1), else_=0)))
            .where(*mine).group_by(ReverificationItem.state, ReverificationItem.outcome)
        ).all()

    def changes(self, run_id: uuid.UUID, practice_id: uuid.UUID | None = None
                ) -> Sequence[tuple[uuid.UUID, uuid.UUID, str, list[dict[str, Any]] | None]]:
        """(coverage id, patient id, payer, changes) of each item that found changes."""
        query = (select(ReverificationItem.coverage_id, Coverage.patient_id,
                        ReverificationItem.payer, ReverificationItem.changes)
                 .join(Coverage, Coverage.id == ReverificationItem.coverage_id)
                 .where(ReverificationItem.run_id == run_id,
                        ReverificationItem.changes.is_not(None))
                 .order_by(ReverificationItem.id))
        if practice_id is not None:
            query = query.where(ReverificationItem.practice_id == practice_id)
        return self.session.execute(query).all()

    def part_figures(self, practice_id: uuid.UUID, run_ids: Sequence[uuid.UUID]
                     ) -> dict[uuid.UUID, tuple[int, int, datetime | None]]:
        """By run: (the practice's items, those unfinished, its last item's end), counted
        in one grouped query."""
        rows = self.session.execute(
            select(ReverificationItem.run_id, func.count(),
                   func.sum(case((ReverificationItem.state.in_(UNFINISHED), 1), else_=0)),
                   func.max(ReverificationItem.finished_at))
            .where(ReverificationItem.run_id.in_(run_ids),
                   ReverificationItem.practice_id == practice_id)
            .group_by(ReverificationItem.run_id)).all()
        return {run_id: (int(count), int(left or 0), last) for run_id, count, left, last in rows}

    def visible(self, practice_id: uuid.UUID, *, offset: int,
                limit: int) -> tuple[Sequence[ReverificationRun], int]:
        """A page of the runs the practice took part in, newest first, and their total."""
        query = select(ReverificationRun).where(visible_to(practice_id))
        return page_of(self.session, query, ReverificationRun.created_at.desc(),
                       ReverificationRun.id, offset=offset, limit=limit)

    def by_cursor(self, practice_id: uuid.UUID,
                  part: Slice) -> tuple[Sequence[ReverificationRun], Keys | None]:
        """A page by cursor of the runs the practice took part in, newest first."""
        query = select(ReverificationRun).where(visible_to(practice_id))
        return keyset_page(self.session, query, RUN_ORDERS[part.order], after=part.after,
                           limit=part.limit)

    def latest(self, practice_id: uuid.UUID) -> ReverificationRun | None:
        """The newest run the practice took part in."""
        return self.session.scalars(select(ReverificationRun).where(visible_to(practice_id))
                                    .order_by(ReverificationRun.created_at.desc())
                                    .limit(1)).first()

    def items(self, run_id: uuid.UUID,
              practice_id: uuid.UUID) -> Sequence[Row[ReverificationItem, uuid.UUID]]:
        """(item, patient id) of the practice's items in the run, in id order."""
        return self.session.execute(select(ReverificationItem, Coverage.patient_id).join(
            Coverage, Coverage.id == ReverificationItem.coverage_id).where(
            ReverificationItem.run_id == run_id, ReverificationItem.practice_id == practice_id,
        ).order_by(ReverificationItem.id)).all()
