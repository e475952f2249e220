"""What a verdict needs about a coverage, read once for booking and for checks alike."""

from __future__ import annotations

import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal, cast

from sqlalchemy import Connection

from payers.registry import PayerRegistry
from service.db.verdict_reads import VerdictRows, read_verdict_rows
from service.domain.allocation import AuthState
from service.domain.benefit_period import limit_period, plan_year
from service.domain.policy import CountingPolicy
from service.domain.question import subject_of
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


@dataclass(frozen=True)
class VerdictInputs:
    ctx: LedgerContext
    auths: tuple[AuthState, ...]  # in id order
    counted_dates: tuple[date, ...]  # of counted visits (domain.policy.COUNTED), sorted
    fees: Mapping[str, Decimal]  # allowed amount by code, for the coverage's payer


def read_verdict_inputs(conn: Connection, registry: PayerRegistry, *, practice_id: uuid.UUID,
                        coverage_id: uuid.UUID,
                        exclude_visit: uuid.UUID | None = None) -> VerdictInputs | None:
    """Everything a verdict needs about the coverage, read on `conn` (in its transaction,
    under the locks it holds); None when the practice has no such coverage. `exclude_visit`
    is the visit being booked: the counts are of the others."""
    return inputs_of(registry, read_verdict_rows(conn, practice_id, coverage_id,
                                                 exclude_visit=exclude_visit))


def inputs_of(registry: PayerRegistry, rows: VerdictRows | None) -> VerdictInputs | None:
    """The rows a reader returned, with the payer's rules and the counting policy."""
    if rows is None:
        return None
    return VerdictInputs(ctx=context_of(registry, rows), auths=rows.auths,
                         counted_dates=rows.counted_dates, fees=rows.fees)


def context_of(registry: PayerRegistry, rows: VerdictRows) -> LedgerContext:
    """The coverage's state, its payer's rules and the practice's settings, as a verdict
    reads them."""
    answered = rows.answered
    entry_rules: dict[str, Any] = {}
    changed = False
    if rows.payer in registry.ids():
        entry = registry.entry(rows.payer)
        entry_rules = dict(entry.rules or {})
        if answered is not None and answered.subject_key is not None:
            now = subject_of(rows.identity, route=rows.payer, payer_id=entry.payer_id)
            changed = answered.subject_key != now.key()
    if changed:
        # The answer is about other data (a member id or a name since corrected): none of
        # what it says holds for the coverage as it is now.
        answered = None
    summary = answered.summary if answered is not None else None
    plan = (summary or {}).get("plan") or {}
    saved = rows.settings
    thresholds = {k: v for k, v in (saved.thresholds if saved else {}).items()
                  if k in THRESHOLD_KEYS}
    policy = CountingPolicy().merged(saved.counting if saved else None)
    latest = rows.latest
    return LedgerContext(
        coverage=CoverageState(
            network=cast(Literal["in", "out"], rows.network_status),
            last_check_status=latest.status if latest else None,
            last_check_at=latest.checked_at if latest else None,
            last_answer_at=answered.checked_at if answered else None,
            summary=summary,
            ended_on=rows.end_date,
            changed_since_answer=changed,
        ),
        rules=PayerRules.from_mapping(entry_rules),
        settings=Settings(**thresholds),
        policy=policy.merged(entry_rules.get("counting")),
        plan_begin=date.fromisoformat(plan["begin"]) if plan.get("begin") else None,
        plan_end=date.fromisoformat(plan["end"]) if plan.get("end") else None,
        answered_on=answered.checked_at.date() if answered and answered.checked_at else None,
    )


def usage_from(dates: Sequence[date], ctx: LedgerContext, on: date) -> Usage:
    """Count `dates` (the sorted dates of counted visits) in the plan year of `on` (renewed
    past the answer's plan dates), in the visit limit's period holding `on`, and those of the
    latter after the latest answered check."""
    year = plan_year(on, begin=ctx.plan_begin, end=ctx.plan_end)
    limit = (ctx.coverage.summary or {}).get("visit_limit") or {}
    start, end = limit_period(limit.get("period"), on=on, plan=year)
    first, last = bisect_left(dates, start), bisect_right(dates, end)
    since = 0
    if ctx.answered_on is not None:
        since = max(0, last - max(first, bisect_right(dates, ctx.answered_on)))
    new_from = start if ctx.answered_on is not None and ctx.answered_on < start else None
    return Usage(visits_since_answer=since,
                 visits_this_plan_year=_between(dates, *year),
                 visits_in_period=max(0, last - first), new_period_from=new_from,
                 plan_year_start=year[0])


def _between(dates: Sequence[date], start: date, end: date) -> int:
    return max(0, bisect_right(dates, end) - bisect_left(dates, start))
