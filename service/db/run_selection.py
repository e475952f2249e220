"""Which coverages a nightly run checks, as one query over coverages, visits and checks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select

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


def _latest_plan_end() -> Any:
    """The plan end (ISO text) of the coverage's latest answer, from its summary JSON."""
    return (select(EligibilityCheck.summary["plan"]["end"].as_string())
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
    `older_than_hours`, unless the latest answer's plan year ended before today (its plan
    renews before the next visit, and only a new answer confirms the renewal). With
    `every_active`, every coverage whose latest answer is not "inactive" (never-checked ones
    included), still subject to `older_than_hours` (with the same exception) when given.
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
        # An answer whose plan year has ended since is about the last plan year, however
        # young: the visits ahead need the renewal confirmed (ISO dates compare as text).
        conditions.append(or_(~exists().where(
            EligibilityCheck.coverage_id == Coverage.id,
            EligibilityCheck.payer == Coverage.payer,
            EligibilityCheck.status.in_(ANSWERED),
            EligibilityCheck.started_at >= fresh_since),
            _latest_plan_end() < today.isoformat()))
    return (select(Coverage.id, Coverage.practice_id, Coverage.payer,
                   _next_visit(today).label("next_visit"))
            .where(and_(*conditions)).order_by(Coverage.payer, Coverage.id))
