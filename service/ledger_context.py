"""Gathering what a verdict needs from the database: coverage state, authorizations, rules."""

from __future__ import annotations

import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, cast

from payers.registry import PayerRegistry
from service.db.models import Coverage, Visit
from service.db.uow import UnitOfWork
from service.domain.allocation import AuthState, VisitSpec
from service.domain.policy import CountingPolicy
from service.domain.verdict import CoverageState, PayerRules, Settings, Usage

THRESHOLD_KEYS = ("unverified_days", "auth_low_threshold", "auth_expiring_days",
                  "visit_limit_low_threshold")


@dataclass(frozen=True, kw_only=True)
class LedgerContext:
    coverage: CoverageState
    rules: PayerRules
    settings: Settings
    policy: CountingPolicy
    plan_begin: date | None
    plan_end: date | None
    answered_on: date | None


def auth_state(auth: Any) -> AuthState:
    """From an Authorization, or a Core row of its columns."""
    return AuthState(
        id=str(auth.id), number=auth.number, status=auth.status, unit=auth.unit,
        quantity=auth.quantity, minutes_per_unit=auth.minutes_per_unit,
        start_date=auth.start_date, end_date=auth.end_date,
        codes=frozenset(c for c in auth.codes.split(",") if c),
        provider_npi=auth.provider_npi, used=auth.used, reserved=auth.reserved,
    )


def spec(visit: Visit) -> VisitSpec:
    return VisitSpec(date=visit.date, code=visit.code, minutes=visit.minutes,
                     provider_npi=visit.provider_npi)


_UNREAD = object()


def context(work: UnitOfWork, registry: PayerRegistry, coverage: Coverage,
            saved: Any = _UNREAD) -> LedgerContext:
    """What a verdict needs about `coverage`; `saved` is the practice's settings row when the
    caller has already read it (None when the practice has none)."""
    latest, answered = work.checks.latest(coverage.id, coverage.payer)
    if saved is _UNREAD:
        saved = work.settings.get(coverage.practice_id)
    return context_of(registry, coverage, saved, latest, answered)


def context_of(registry: PayerRegistry, coverage: Any, saved: Any, latest: Any,
               answered: Any) -> LedgerContext:
    """The context from rows already read, ORM objects or Core rows alike: the coverage
    (`payer`, `network_status`), the practice's settings (`thresholds`, `counting`) or None,
    and the newest finished and newest answered checks (`status`, `checked_at`, `summary`)."""
    summary = answered.summary if answered is not None else None
    plan = (summary or {}).get("plan") or {}
    entry_rules: dict[str, Any] = {}
    if coverage.payer in registry.ids():
        entry_rules = dict(registry.entry(coverage.payer).rules or {})
    thresholds = {k: v for k, v in (saved.thresholds if saved else {}).items()
                  if k in THRESHOLD_KEYS}
    policy = CountingPolicy().merged(saved.counting if saved else None)
    return LedgerContext(
        coverage=CoverageState(
            network=cast(Literal["in", "out"], coverage.network_status),
            last_check_status=latest.status if latest else None,
            last_check_at=latest.checked_at if latest else None,
            last_answer_at=answered.checked_at if answered else None,
            summary=summary,
        ),
        rules=PayerRules.from_mapping(entry_rules),
        settings=Settings(**thresholds),
        policy=policy.merged(entry_rules.get("counting")),
        plan_begin=date.fromisoformat(plan["begin"]) if plan.get("begin") else None,
        plan_end=date.fromisoformat(plan["end"]) if plan.get("end") else None,
        answered_on=answered.checked_at.date() if answered and answered.checked_at else None,
    )


def usage(work: UnitOfWork, ctx: LedgerContext, coverage_id: uuid.UUID, on: date,
          exclude: uuid.UUID | None = None) -> Usage:
    """Visits already recorded in the plan year of `on`, read now (`exclude`: the visit being
    written)."""
    return usage_from(work.visits.counted_dates(coverage_id, exclude=exclude), ctx, on)


def usage_from(dates: Sequence[date], ctx: LedgerContext, on: date) -> Usage:
    """Count `dates` (the sorted dates of scheduled or completed visits) in the plan year of
    `on` — the calendar year when there is no plan, or when `on` falls outside it — and
    those of them after the latest answered check."""
    start = ctx.plan_begin or date(on.year, 1, 1)
    end = ctx.plan_end or date(on.year, 12, 31)
    if not start <= on <= end:
        start, end = date(on.year, 1, 1), date(on.year, 12, 31)
    first, last = bisect_left(dates, start), bisect_right(dates, end)
    since = 0
    if ctx.answered_on is not None:
        since = max(0, last - max(first, bisect_right(dates, ctx.answered_on)))
    return Usage(visits_since_answer=since, visits_this_plan_year=max(0, last - first))
