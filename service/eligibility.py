"""Use case: a live eligibility check of one coverage — reused, sent, stored, chained.

The work is split around the payer call on purpose: a payer may take 20 seconds, and no
database transaction (or row lock) may stay open that long. The first short step records a
`pending` attempt (so a crash mid-call still leaves a trace); the payer is asked with no
transaction open; the second short step stores everything it said. Each step is as few
round trips as it can be (on PostgreSQL: one read, one INSERT, one UPDATE), since many
checks run at once and every round trip of one waits behind the others' CPU.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, cast

from payers.base import EligibilityAnswer, EligibilityQuery, Origin, PayerError
from payers.registry import PayerRegistry
from service import audit
from service.access import Caller
from service.db.checks import (
    Companion,
    insert_started_alone,
    insert_started_guarded,
    record_outcome_alone,
    record_outcome_with,
    starting_point,
)
from service.db.models import EligibilityCheck
from service.db.uow import UnitOfWork
from service.domain.eligibility import normalize_service_types
from service.domain.errors import InvalidInput, NotFound
from service.domain.inquiry import CoverageData, PersonData
from service.domain.ratelimit import TokenBuckets
from service.eligibility_outcome import earlier_failures, error_values, outcome_values
from service.payer_query import build_query

log = logging.getLogger("coverwatch.eligibility")
# CAQH CORE: an inquiry that may have reached the payer is not sent again sooner than this.
RESEND_GUARD = timedelta(seconds=90)


@dataclass(frozen=True)
class CheckResult:
    check: EligibilityCheck
    reused: bool


@dataclass(frozen=True, kw_only=True)
class CheckRequest:
    coverage_id: uuid.UUID
    service_types: tuple[str, ...] | None = None
    service_date: date | None = None
    provider_npi: str | None = None
    force: bool = False
    run_id: uuid.UUID | None = None  # the re-verification run asking, if any


Hook = Callable[[UnitOfWork, EligibilityCheck], None]
FusedHook = Callable[[EligibilityCheck], Companion | None]


class NotStarted(Exception):
    """A caller's start hook refused the check (its guard matched nothing): nothing was sent
    or stored."""


@dataclass(frozen=True)
class CheckHooks:
    """A caller's own writes, made in the check's two transactions so that they commit (or
    roll back) with it: the nightly job claims its item as the check starts and records the
    item as the outcome is stored. An exception from `on_start` (NotStarted for a refusal)
    abandons the check unsent.

    Where the check's writes go straight through psycopg (PostgreSQL), the same writes may
    come as statements fused with the check's own, one round trip each instead of a
    transaction's four or five: `start_guard` gives an UPDATE ... RETURNING that must return
    a row for the check to be stored (else NotStarted), `finish_with` a statement stored with
    the outcome. Either may give None for this check, and the session path with `on_start`
    or `on_finish` is taken."""

    on_start: Hook | None = None
    on_finish: Hook | None = None
    start_guard: FusedHook | None = None
    finish_with: FusedHook | None = None


def run_check(
    *, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, request: CheckRequest, reuse_window: timedelta, chain: bool = True,
    route: str | None = None, carve_out_of: uuid.UUID | None = None,
    hooks: CheckHooks | None = None, limiter: TokenBuckets | None = None,
) -> CheckResult:
    """Check `request.coverage_id` with its payer (or `route`), reusing a recent answer.

    `limiter` (live checks: the API, the front desk) takes one of the practice's tokens for
    a check that is not reused, before anything is stored or sent (RateLimited when none)."""
    hooks = hooks or CheckHooks()
    started = _start(uow=uow, clock=clock, registry=registry, caller=caller, request=request,
                     reuse_window=reuse_window, route=route, carve_out_of=carve_out_of,
                     hooks=hooks, limiter=limiter)
    if not isinstance(started, _Started):
        return started
    outcome = _ask(registry, started)
    check = _finish(uow=uow, clock=clock, started=started, outcome=outcome, hooks=hooks)
    if chain and carve_out_of is None:
        check = _chain_carve_out(uow=uow, clock=clock, registry=registry, caller=caller,
                                 request=request, reuse_window=reuse_window, parent=check)
    return CheckResult(check, reused=False)


@dataclass(frozen=True, kw_only=True)
class _Started:
    check: EligibilityCheck  # detached; updated in memory as the outcome is stored
    route: str
    network: Literal["in", "out"]
    query: EligibilityQuery
    origin: Origin  # whose check, about which coverage: the payer routes' fairness keys


def _start(
    *, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, request: CheckRequest, reuse_window: timedelta, route: str | None,
    carve_out_of: uuid.UUID | None, hooks: CheckHooks, limiter: TokenBuckets | None,
) -> _Started | CheckResult:
    now = clock()
    # A read of its own (no session): the coverage, and whether the 90-second rule blocks.
    found = starting_point(uow, caller.practice_id, request.coverage_id, route=route,
                           doubtful_since=now - RESEND_GUARD)
    if found is None:
        raise NotFound("coverage")
    route = route or found.payer
    if route not in registry.ids():
        raise InvalidInput({"coverage_id": [
            "This coverage's payer is not in the payer directory any more; update it."
        ]})
    types = normalize_service_types(
        request.service_types or tuple(registry.entry(route).service_types)
    )
    # What the caller writes itself goes in a transaction of its own below; the rest (the
    # reuse lookup, the INSERT) stands alone, each statement committing on its own.
    if not request.force:
        with uow() as work:
            work.autocommit()
            reusable = work.checks.reusable(found.id, payer=route, service_types=",".join(types),
                                            since=now - reuse_window)
            if reusable is not None:
                work.audit.write(audit.row(caller=caller, at=clock(), action="read",
                                           resource_type="eligibility_check",
                                           resource_id=reusable.id))
                work.commit()
                return CheckResult(reusable, reused=True)
    if limiter is not None:
        limiter.take(caller.practice_id)
    data = _coverage_data(found, request.provider_npi)
    values: dict[str, Any] = {
        "id": uuid.uuid4(), "practice_id": caller.practice_id, "coverage_id": found.id,
        "payer": route, "service_types": ",".join(types),
        "service_date": request.service_date, "provider_npi": data.provider_npi,
        "network_status": found.network_status, "status": "pending",
        "reached_payer": False, "trace_number": uuid.uuid4().hex, "control_number": 0,
        "requested_by": caller.actor, "started_at": now, "carve_out_of_id": carve_out_of,
        "reverification_run_id": request.run_id, "error_code": None,
        "error_message": None, "checked_at": None,
    }
    doubt: datetime | None = found.doubt_started_at
    if doubt is not None:
        wait = int((doubt + RESEND_GUARD - now).total_seconds()) + 1
        values.update(error_values("PAYER_RESEND_TOO_SOON", now,
                                   f"Try again in {wait} seconds."))
    check = EligibilityCheck(**values)
    # A check that will be sent draws its control number as it is stored (a resend blocked
    # by the 90-second rule sends nothing).
    created = audit.row(caller=caller, at=clock(), action="create",
                        resource_type="eligibility_check", resource_id=check.id)
    direct = uow().direct_writes() if hooks.start_guard else None
    guard = hooks.start_guard(check) if direct and hooks.start_guard else None
    if direct is not None and guard is not None:
        number = insert_started_guarded(direct, values, created, numbered=doubt is None,
                                        guard=guard)
        if number is None:
            raise NotStarted
        check.control_number = number
    elif hooks.on_start is None:
        check.control_number = insert_started_alone(uow, values, created,
                                                    numbered=doubt is None)
    else:
        # The caller's own writes commit with the new row: one transaction for both.
        with uow() as work:
            hooks.on_start(work, check)
            check.control_number = work.checks.insert_started(values, created,
                                                              numbered=doubt is None)
            work.commit()
    if doubt is not None:
        return CheckResult(check, reused=False)
    query = build_query(data, trace_number=check.trace_number,
                        control_number=check.control_number, submitted_at=now,
                        service_types=types, service_date=request.service_date)
    network = cast(Literal["in", "out"], found.network_status)
    # The nightly run (a request with its run) paces itself: a batch for the routes' shares.
    origin = Origin(tenant=str(caller.practice_id), subject=str(found.id),
                    batch=request.run_id is not None)
    return _Started(check=check, route=route, network=network, query=query, origin=origin)


def _coverage_data(found: Any, provider_npi: str | None) -> CoverageData:
    subscriber = None
    if found.relationship != "self" and found.subscriber_last_name:
        subscriber = PersonData(
            first_name=found.subscriber_first_name or "",
            last_name=found.subscriber_last_name,
            birth_date=found.subscriber_birth_date or found.birth_date,
            gender=found.subscriber_gender or "U",
        )
    return CoverageData(
        member_id=found.member_id, relationship=found.relationship,
        patient=PersonData(first_name=found.first_name, last_name=found.last_name,
                           birth_date=found.birth_date, gender=found.gender),
        subscriber=subscriber, subscriber_member_id=found.subscriber_member_id,
        practice_name=found.practice_name, provider_npi=provider_npi or found.practice_npi,
    )


def _ask(registry: PayerRegistry, started: _Started) -> EligibilityAnswer | PayerError | None:
    """Call the payer with no transaction open. Returns the answer or the error; None is a bug
    of ours (logged with its traceback), stored as CHECK_FAILED rather than raised."""
    try:
        return registry.check(started.route, started.query, origin=started.origin)
    except PayerError as error:
        log.warning("payer route %s failed: %s", started.route, error.code.value)
        return error
    except Exception:
        log.exception("eligibility check %s failed unexpectedly", started.check.id)
        return None


def _finish(
    *, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], started: _Started,
    outcome: EligibilityAnswer | PayerError | None, hooks: CheckHooks,
) -> EligibilityCheck:
    now = clock()
    check = started.check
    values = outcome_values(outcome, network=started.network, now=now)
    for name, value in values.items():
        setattr(check, name, value)
    failures = earlier_failures(outcome)
    if hooks.on_finish is None and not failures:
        record_outcome_alone(uow, check.id, values)  # one UPDATE: it commits on its own
        return check
    direct = uow().direct_writes() if not failures else None
    companion = hooks.finish_with(check) if direct and hooks.finish_with else None
    if direct is not None and companion is not None:
        record_outcome_with(direct, check.id, values, companion)
        return check
    with uow() as work:
        work.checks.record_outcome(check.id, values)
        for failure in failures:
            # A route that failed before the fallback answered: its exchange is kept too.
            work.checks.add(_failed_attempt(check, failure, now))
        if hooks.on_finish is not None:
            hooks.on_finish(work, check)
        work.commit()
    return check


def _failed_attempt(
    check: EligibilityCheck, failure: PayerError, now: datetime
) -> EligibilityCheck:
    row = EligibilityCheck(**{
        name: getattr(check, name) for name in (
            "practice_id", "coverage_id", "payer", "service_types", "service_date",
            "provider_npi", "network_status", "trace_number", "control_number",
            "requested_by", "started_at", "carve_out_of_id", "reverification_run_id",
        )
    })
    row.id = uuid.uuid4()
    for name, value in outcome_values(failure, network="in", now=now).items():
        setattr(row, name, value)
    return row


def _chain_carve_out(
    *, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, request: CheckRequest, reuse_window: timedelta, parent: EligibilityCheck,
) -> EligibilityCheck:
    """When mental-health benefits are administered by a payer we can reach, ask it too."""
    carve_out = (parent.summary or {}).get("carve_out") or {}
    route = registry.route_for_payer_id(carve_out.get("payer_id") or "")
    if route is None or route == parent.payer:
        return parent
    child = run_check(
        uow=uow, clock=clock, registry=registry, caller=caller,
        request=CheckRequest(coverage_id=request.coverage_id, service_date=request.service_date,
                             provider_npi=request.provider_npi, force=request.force,
                             run_id=request.run_id),
        reuse_window=reuse_window, chain=False, route=route, carve_out_of=parent.id,
    )
    with uow() as work:
        work.autocommit()
        work.checks.record_outcome(parent.id, {"carve_out_check_id": child.check.id})
        work.commit()
    parent.carve_out_check_id = child.check.id
    return parent
