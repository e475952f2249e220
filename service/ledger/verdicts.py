"""Use cases that judge visits without recording them: a verdict now, a recurring forecast."""

from __future__ import annotations

import uuid
from bisect import insort
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from service.db.stamps import Stamp
from service.domain.allocation import AuthState, VisitSpec, draw
from service.domain.dates import series
from service.domain.errors import NotFound
from service.domain.estimate import estimate
from service.domain.verdict import evaluate
from service.ledger.context import usage_from
from service.ledger.verdict_inputs import VerdictInputSource
from service.practice.access import Caller


def check_visit(
    *, inputs: VerdictInputSource, clock: Callable[[], datetime], caller: Caller,
    coverage_id: uuid.UUID, visit: VisitSpec, stamp: Stamp | None = None,
) -> dict[str, Any]:
    """The verdict a visit would get if booked now, with an estimate; writes nothing.
    `stamp`: the coverage's version stamps, when the caller read them with the coverage."""
    found = inputs.get(caller.practice_id, coverage_id, config_version=caller.config_version,
                       stamp=stamp)
    if found is None:
        raise NotFound("coverage")
    ctx = found.ctx
    usage = usage_from(found.counted_dates, ctx, visit.date)
    verdict = evaluate(visit, now=clock(), coverage=ctx.coverage, auths=found.auths,
                       rules=ctx.rules, settings=ctx.settings, usage=usage)
    renewed = (ctx.answered_on is not None and usage.plan_year_start is not None
               and ctx.answered_on < usage.plan_year_start)
    return {**verdict.to_dict(),
            "estimate": estimate(allowed_amount=found.fees.get(visit.code),
                                 summary=ctx.coverage.summary, network=ctx.coverage.network,
                                 new_plan_year=renewed)}


def forecast(
    *, inputs: VerdictInputSource, clock: Callable[[], datetime], caller: Caller,
    coverage_id: uuid.UUID, code: str, first_date: date, every_days: int, count: int,
    minutes: int | None, provider_npi: str | None,
) -> dict[str, Any]:
    """Simulate booking a recurring series in order, each visit drawing as it would."""
    now = clock()
    found = inputs.get(caller.practice_id, coverage_id, config_version=caller.config_version)
    if found is None:
        raise NotFound("coverage")
    ctx = found.ctx
    auths: list[AuthState] = list(found.auths)
    counted = list(found.counted_dates)
    visits = []
    first_uncovered = None
    for day in series(first_date, every_days=every_days, count=count):
        visit = VisitSpec(date=day, code=code, minutes=minutes, provider_npi=provider_npi)
        verdict = evaluate(visit, now=now, coverage=ctx.coverage, auths=auths, rules=ctx.rules,
                           settings=ctx.settings, usage=usage_from(counted, ctx, day))
        # The series' own earlier visits count like booked ones for the next.
        insort(counted, day)
        if verdict.authorization_id is not None:
            auths = [replace(a, reserved=a.reserved + draw(a, visit))
                     if a.id == verdict.authorization_id else a for a in auths]
        if first_uncovered is None and verdict.status == "not_covered":
            first_uncovered = visit.date
        visits.append({"date": visit.date, "status": verdict.status,
                       "reasons": [r.to_dict() for r in verdict.reasons],
                       "authorization_id": verdict.authorization_id})
    return {"visits": visits, "first_uncovered": first_uncovered}
