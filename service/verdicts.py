"""Use cases that judge visits without recording them: a verdict now, a recurring forecast."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from payers.registry import PayerRegistry
from service.access import Caller
from service.db.uow import UnitOfWork
from service.domain.allocation import AuthState, VisitSpec, draw
from service.domain.errors import NotFound
from service.domain.estimate import estimate
from service.domain.verdict import Usage, evaluate
from service.ledger_context import auth_state, context, usage


def check_visit(
    *, uow: UnitOfWork, clock: Callable[[], datetime], registry: PayerRegistry, caller: Caller,
    coverage_id: uuid.UUID, visit: VisitSpec,
) -> dict[str, Any]:
    """The verdict a visit would get if booked now, with an estimate; writes nothing."""
    with uow:
        found = uow.coverages.for_verdict(caller.practice_id, coverage_id, visit.code)
        if found is None:
            raise NotFound("coverage")
        coverage, saved, fee = found
        ctx = context(uow, registry, coverage, saved)
        auths = [auth_state(a) for a in uow.authorizations.for_coverage(coverage.id)]
        verdict = evaluate(visit, now=clock(), coverage=ctx.coverage, auths=auths,
                           rules=ctx.rules, settings=ctx.settings,
                           usage=usage(uow, ctx, coverage.id, visit.date))
    allowed = Decimal(fee.allowed_amount) if fee is not None else None
    return {**verdict.to_dict(),
            "estimate": estimate(allowed_amount=allowed, summary=ctx.coverage.summary,
                                 network=ctx.coverage.network)}


def forecast(
    *, uow: UnitOfWork, clock: Callable[[], datetime], registry: PayerRegistry, caller: Caller,
    coverage_id: uuid.UUID, code: str, first_date: date, every_days: int, count: int,
    minutes: int | None, provider_npi: str | None,
) -> dict[str, Any]:
    """Simulate booking a recurring series in order, each visit drawing as it would."""
    now = clock()
    with uow:
        coverage = uow.coverages.get(caller.practice_id, coverage_id)
        if coverage is None:
            raise NotFound("coverage")
        ctx = context(uow, registry, coverage)
        auths: list[AuthState] = [auth_state(a)
                                  for a in uow.authorizations.for_coverage(coverage.id)]
        base = usage(uow, ctx, coverage.id, first_date)
    visits = []
    first_uncovered = None
    for n in range(count):
        visit = VisitSpec(date=first_date + timedelta(days=n * every_days), code=code,
                          minutes=minutes, provider_npi=provider_npi)
        verdict = evaluate(visit, now=now, coverage=ctx.coverage, auths=auths, rules=ctx.rules,
                           settings=ctx.settings,
                           usage=Usage(visits_since_answer=base.visits_since_answer + n,
                                       visits_this_plan_year=base.visits_this_plan_year + n))
        if verdict.authorization_id is not None:
            auths = [replace(a, reserved=a.reserved + draw(a, visit))
                     if a.id == verdict.authorization_id else a for a in auths]
        if first_uncovered is None and verdict.status == "not_covered":
            first_uncovered = visit.date
        visits.append({"date": visit.date, "status": verdict.status,
                       "reasons": [r.to_dict() for r in verdict.reasons],
                       "authorization_id": verdict.authorization_id})
    return {"visits": visits, "first_uncovered": first_uncovered}
