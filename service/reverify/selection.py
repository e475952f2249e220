"""Which coverages a run checks, chosen and copied into the run inside the database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, insert, literal, select
from sqlalchemy.orm import Session

from service.db.models import Coverage, EligibilityCheck, ReverificationItem, Visit
from service.db.uow import UnitOfWork
from service.domain.eligibility import ANSWERED


@dataclass(frozen=True, kw_only=True)
class Selection:
    within_days: int = 14
    older_than_hours: float | None = 72.0  # None: no age limit
    every_active: bool = False  # --all: every coverage not known to be inactive
    practice_id: uuid.UUID | None = None

    def to_json(self) -> dict[str, Any]:
        return {"within_days": self.within_days, "older_than_hours": self.older_than_hours,
                "all": self.every_active,
                "practice_id": str(self.practice_id) if self.practice_id else None}


def _latest_answer_status() -> Any:
    return (select(EligibilityCheck.status)
            .where(EligibilityCheck.coverage_id == Coverage.id,
                   EligibilityCheck.payer == Coverage.payer,
                   EligibilityCheck.status.in_(ANSWERED))
            .order_by(EligibilityCheck.started_at.desc()).limit(1)
            .correlate(Coverage).scalar_subquery())


def _next_visit(today: Any) -> Any:
    return (select(func.min(Visit.date))
            .where(Visit.coverage_id == Coverage.id, Visit.status == "scheduled",
                   Visit.date >= today)
            .correlate(Coverage).scalar_subquery())


def query(selection: Selection, now: datetime) -> Select[Any]:
    """(coverage id, practice id, payer, next visit) of every coverage the run should check.

    Default: a visit is scheduled within `within_days` and no answer is younger than
    `older_than_hours`. With `every_active`, every coverage whose latest answer is not
    "inactive" (never-checked ones included), still subject to `older_than_hours` when given.
    """
    today = now.date()
    conditions = []
    if selection.practice_id is not None:
        conditions.append(Coverage.practice_id == selection.practice_id)
    if selection.every_active:
        conditions.append(func.coalesce(_latest_answer_status(), "never") != "inactive")
    else:
        conditions.append(exists().where(
            Visit.coverage_id == Coverage.id, Visit.status == "scheduled",
            Visit.date >= today, Visit.date <= today + timedelta(days=selection.within_days)))
    if selection.older_than_hours is not None:
        fresh_since = now - timedelta(hours=selection.older_than_hours)
        conditions.append(~exists().where(
            EligibilityCheck.coverage_id == Coverage.id,
            EligibilityCheck.payer == Coverage.payer,
            EligibilityCheck.status.in_(ANSWERED),
            EligibilityCheck.started_at >= fresh_since))
    return (select(Coverage.id, Coverage.practice_id, Coverage.payer,
                   _next_visit(today).label("next_visit"))
            .where(and_(*conditions)).order_by(Coverage.payer, Coverage.id))


def copy_into_run(session: Session, run_id: uuid.UUID, selection: Selection,
                  now: datetime) -> int:
    """INSERT ... SELECT: the selection never passes through this process (100,000 rows cost
    no memory here). Returns how many coverages were selected."""
    chosen = query(selection, now).subquery()
    source = select(literal(run_id, ReverificationItem.run_id.type), chosen.c.practice_id,
                    chosen.c.id, chosen.c.payer, literal("pending"), literal(0))
    session.execute(insert(ReverificationItem).from_select(
        ["run_id", "practice_id", "coverage_id", "payer", "state", "attempts"], source))
    # Counted, not taken from rowcount: drivers may not report it for INSERT ... SELECT.
    return int(session.scalar(select(func.count()).select_from(ReverificationItem)
                              .where(ReverificationItem.run_id == run_id)) or 0)


def stream(session: Session, selection: Selection, now: datetime,
           batch: int = 1000) -> Iterator[Any]:
    """The selection's rows, fetched `batch` at a time (for --dry-run)."""
    result = session.execute(query(selection, now).execution_options(yield_per=batch))
    yield from result


def preview(*, uow: UnitOfWork, selection: Selection, now: datetime) -> Iterator[Any]:
    """What a run would select now, streamed in one read (--dry-run); writes nothing."""
    with uow:
        yield from stream(uow.session, selection, now)
