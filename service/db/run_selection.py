"""Which coverages a nightly run checks, as one query over coverages, visits and checks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select

from service.db.models import Coverage, EligibilityCheck, Visit
from service.domain.eligibility import ANSWERED
from service.domain.reverification import Selection


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
    """(coverage id, practice id, payer, next visit) of every active coverage the run should
    check (one the practice ended is skipped).

    Default: a visit is scheduled within `within_days` and no answer is younger than
    `older_than_hours`. With `every_active`, every coverage whose latest answer is not
    "inactive" (never-checked ones included), still subject to `older_than_hours` when given.
    """
    today = now.date()
    # An ended coverage is never asked about.
    conditions: list[ColumnElement[bool]] = [Coverage.end_date.is_(None)]
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
