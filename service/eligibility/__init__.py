"""Use case: a live eligibility check of one coverage — reused, sent, stored, chained.

The work is split around the payer call on purpose: a payer may take 20 seconds, and no
database transaction (or row lock) may stay open that long. The first short step records a
`pending` attempt (so a crash mid-call still leaves a trace); the payer is asked with no
transaction open; the second short step stores everything it said. Both go through the
check store (service/db/check_port.py) chosen at wiring time, as data.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, cast

from payers.base import EligibilityAnswer, EligibilityQuery, Origin, PayerError
from payers.registry import PayerRegistry
from service.db.check_port import (
    AuditRow,
    CheckOutcome,
    CheckStore,
    FailedRoute,
    ItemClaim,
    ItemRecord,
    NewCheck,
    QuestionInFlight,
    StartingPoint,
)
from service.db.models import EligibilityCheck
from service.domain.eligibility import normalize_service_types
from service.domain.errors import InvalidInput, NotFound, ResendTooSoon
from service.domain.inquiry import CoverageData, PersonData
from service.domain.question import Question, subject_of
from service.domain.ratelimit import TokenBuckets
from service.eligibility.changes import since_previous
from service.eligibility.in_flight import deadline, wait_for
from service.eligibility.outcome import earlier_failures, outcome_values
from service.eligibility.payer_query import build_query
from service.practice import audit
from service.practice.access import Caller
from service.webhooks import events

log = logging.getLogger("coverwatch.eligibility")
# CAQH CORE: an inquiry that may have reached the payer is not sent again sooner than this.
RESEND_GUARD = timedelta(seconds=90)


@dataclass(frozen=True)
class CheckResult:
    """`reused`: the payer was not asked for this request (a recent answer, or the outcome of
    the same question already in flight). A check still `pending` is being asked."""

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


class NotStarted(Exception):
    """The nightly item the check was to claim was taken by another worker (or changed):
    nothing was sent or stored."""


@dataclass(frozen=True)
class ForItem:
    """A check for a nightly item: `claim` (if given) is taken as the check is stored,
    all or nothing (NotStarted when it cannot be); `record` says what the finished check
    leaves on the item, stored with the check's outcome."""

    record: Callable[[EligibilityCheck], ItemRecord]
    claim: ItemClaim | None = None


def run_check(
    *, store: CheckStore, clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, request: CheckRequest, reuse_window: timedelta, chain: bool = True,
    route: str | None = None, carve_out_of: uuid.UUID | None = None,
    item: ForItem | None = None, limiter: TokenBuckets | None = None,
    background: Callable[[Callable[[], None]], object] | None = None,
    watch: Callable[[EligibilityCheck], None] | None = None,
) -> CheckResult:
    """Check `request.coverage_id` with its payer (or `route`), reusing a recent answer of
    the same question, or joining the same question while it is at the payer.

    `limiter` (live checks: the API, the front desk) takes one of the practice's tokens for
    a check that is not reused, before anything is stored or sent (RateLimited when none).
    ResendTooSoon, before anything is stored or sent, when an attempt that may have reached
    the payer began less than 90 seconds ago. With `background` (a function that runs work
    on another thread), the payer is asked there and the check returned at once, pending;
    a joined question is then not waited for either. `watch` is told of each check this
    call finished (its route's alerts: service/eligibility/route_alerts.py)."""
    started = _start(store=store, clock=clock, registry=registry, caller=caller,
                     request=request, reuse_window=reuse_window, route=route,
                     carve_out_of=carve_out_of, claim=item.claim if item else None,
                     limiter=limiter)
    if isinstance(started, _Joined):
        if background is not None:
            return CheckResult(started.check, reused=True)
        return CheckResult(wait_for(store, started.check, until=started.until, clock=clock),
                           reused=True)
    if not isinstance(started, _Started):
        return started

    def complete() -> EligibilityCheck:
        outcome = _ask(registry, started)
        check = _finish(store=store, clock=clock, started=started, outcome=outcome,
                        record=item.record if item else None)
        if watch is not None:
            watch(check)
        if chain and carve_out_of is None:
            check = _chain_carve_out(store=store, clock=clock, registry=registry,
                                     caller=caller, request=request,
                                     reuse_window=reuse_window, parent=check, watch=watch)
        return check

    if background is not None:
        # A copy as it started: the background thread sets the outcome on started.check.
        pending = EligibilityCheck(**{name: getattr(started.check, name)
                                      for name in NewCheck.__annotations__})
        background(lambda: _completed_in_background(complete, started.check.id))
        return CheckResult(pending, reused=False)
    return CheckResult(complete(), reused=False)


def _completed_in_background(complete: Callable[[], EligibilityCheck],
                             check_id: uuid.UUID) -> None:
    try:
        complete()
    except Exception:
        # Nobody waits for this thread: the check stays pending until its deadline passes.
        log.exception("eligibility check %s failed in the background", check_id)


@dataclass(frozen=True, kw_only=True)
class _Started:
    check: EligibilityCheck  # detached; updated in memory as the outcome is stored
    route: str
    network: Literal["in", "out"]
    query: EligibilityQuery
    origin: Origin  # whose check, about which coverage: the payer routes' fairness keys


@dataclass(frozen=True)
class _Joined:
    check: EligibilityCheck  # the same question, pending
    until: datetime  # its deadline: past it, the check is no longer in flight


def _start(
    *, store: CheckStore, clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, request: CheckRequest, reuse_window: timedelta, route: str | None,
    carve_out_of: uuid.UUID | None, claim: ItemClaim | None, limiter: TokenBuckets | None,
) -> _Started | _Joined | CheckResult:
    now = clock()
    # One read: the coverage, and whether the 90-second rule blocks.
    found = store.starting_point(caller.practice_id, request.coverage_id, route=route,
                                 doubtful_since=now - RESEND_GUARD)
    if found is None:
        raise NotFound("coverage")
    route = route or found.payer
    if route not in registry.ids():
        raise InvalidInput({"coverage_id": [
            "This coverage's payer is not in the payer directory any more; update it."
        ]})
    window = deadline(registry, route)
    types = normalize_service_types(
        request.service_types or tuple(registry.entry(route).service_types)
    )
    data = coverage_data(found, request.provider_npi)
    question = Question(subject=subject_of(found, route=route,
                                           payer_id=registry.entry(route).payer_id),
                        service_types=types, service_date=request.service_date,
                        provider_npi=data.provider_npi)
    question_key = question.key()
    if not request.force:
        # The read is audited with the check found (the store names it in the row).
        reusable = store.reuse(found.id, question_key=question_key,
                               since=now - reuse_window,
                               audit=audit.row(caller=caller, at=clock(), action="read",
                                               resource_type="eligibility_check",
                                               resource_id=None))
        if reusable is not None:
            return CheckResult(reusable, reused=True)
    # Never two inquiries in flight for one question, forced or not: join the one there is.
    pending = store.in_flight(found.id, question_key=question_key, since=now - window)
    if pending is not None:
        return _join(pending, until=pending.started_at + window, now=now, claim=claim,
                     run_id=request.run_id)
    doubt = found.doubt_started_at
    if found.pending_since is not None and found.pending_since < now - window:
        # Left pending past its deadline (a worker died mid-call): it may have reached the
        # payer, so it counts as an inquiry without an answer.
        doubt = max(doubt or found.pending_since, found.pending_since)
    if doubt is not None:
        # A refusal, not a result: nothing is stored, so the earlier cause stays the latest.
        raise ResendTooSoon(int((doubt + RESEND_GUARD - now).total_seconds()) + 1)
    if limiter is not None:
        limiter.take(caller.practice_id)
    values: NewCheck = {
        "id": uuid.uuid4(), "practice_id": caller.practice_id, "coverage_id": found.id,
        "payer": route, "service_types": ",".join(types),
        "service_date": request.service_date, "provider_npi": data.provider_npi,
        "network_status": found.network_status, "status": "pending",
        "reached_payer": False, "trace_number": uuid.uuid4().hex, "control_number": None,
        "requested_by": caller.actor, "started_at": now, "carve_out_of_id": carve_out_of,
        "reverification_run_id": request.run_id, "error_code": None,
        "error_message": None, "checked_at": None, "question_key": question_key,
        "subject_key": question.subject.key(), "question": question.echo(),
    }
    created = audit.row(caller=caller, at=clock(), action="create",
                        resource_type="eligibility_check", resource_id=values["id"])
    number = _start_once(store, values, created, claim, window)
    if isinstance(number, EligibilityCheck):
        return _join(number, until=number.started_at + window, now=now, claim=claim,
                     run_id=request.run_id)
    if number is None:
        raise NotStarted
    check = EligibilityCheck(**{**values, "control_number": number})
    query = build_query(data, trace_number=check.trace_number,
                        control_number=check.control_number, submitted_at=now,
                        service_types=types, service_date=request.service_date)
    network = cast(Literal["in", "out"], found.network_status)
    # The nightly run (a request with its run) paces itself: a batch for the routes' shares.
    origin = Origin(tenant=str(caller.practice_id), subject=str(found.id),
                    batch=request.run_id is not None)
    return _Started(check=check, route=route, network=network, query=query, origin=origin)


def _start_once(store: CheckStore, values: NewCheck, created: AuditRow,
                claim: ItemClaim | None, window: timedelta) -> int | None | EligibilityCheck:
    """Store the pending check (its control number, or None when the claim was lost); or the
    check of the same question another request stored first (the unique index on pending
    questions decides). A pending check past its deadline is ended as abandoned first."""
    now, key = values["started_at"], values["question_key"] or ""
    for _ in range(3):
        try:
            return store.start(values, audit=created, claim=claim)
        except QuestionInFlight:
            pending = store.in_flight(values["coverage_id"], question_key=key,
                                      since=now - window)
            if pending is not None:
                return pending
            store.abandon(values["coverage_id"], question_key=key, before=now - window,
                          at=now)
    raise NotStarted


def _join(pending: EligibilityCheck, *, until: datetime, now: datetime,
          claim: ItemClaim | None, run_id: uuid.UUID | None) -> _Joined:
    """The same question in flight, joined; a nightly item not yet taken cannot wait on
    another's check: when a worker of its own run asks, that worker holds the item (it is
    left alone); otherwise (a live check) it is tried again once that check's deadline has
    passed."""
    if claim is not None:
        if pending.reverification_run_id == run_id:
            raise NotStarted
        raise ResendTooSoon(int((until - now).total_seconds()) + 1)
    return _Joined(pending, until)


def coverage_data(found: StartingPoint, provider_npi: str | None) -> CoverageData:
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
    *, store: CheckStore, clock: Callable[[], datetime], started: _Started,
    outcome: EligibilityAnswer | PayerError | None,
    record: Callable[[EligibilityCheck], ItemRecord] | None,
) -> EligibilityCheck:
    now = clock()
    check = started.check
    values = outcome_values(outcome, network=started.network, now=now)
    for name, value in values.items():
        setattr(check, name, value)
    # A route that failed before the fallback answered: its exchange is kept too.
    failed = [_failed_route(check, failure, now) for failure in earlier_failures(outcome)]
    # Its webhook events commit with it; a nightly item's record brings the coverage's
    # changes (and their alerts) itself.
    emitted = [events.check_completed(check, at=now)]
    if record is None and check.carve_out_of_id is None:
        changes = since_previous(store, check)
        if changes:
            emitted.append(events.coverage_changed(
                check, previous_check_id=uuid.UUID(changes[0]["previous_check_id"]),
                changes=changes, at=now))
    store.finish(check.id, values, failed=failed,
                 item=record(check) if record is not None else None, events=emitted)
    return check


def _failed_route(check: EligibilityCheck, failure: PayerError, now: datetime) -> FailedRoute:
    row: NewCheck = {
        "id": uuid.uuid4(), "practice_id": check.practice_id,
        "coverage_id": check.coverage_id, "payer": check.payer,
        "service_types": check.service_types, "service_date": check.service_date,
        "provider_npi": check.provider_npi, "network_status": check.network_status,
        "status": "error", "reached_payer": False, "trace_number": check.trace_number,
        "control_number": check.control_number, "requested_by": check.requested_by,
        "started_at": check.started_at, "carve_out_of_id": check.carve_out_of_id,
        "reverification_run_id": check.reverification_run_id, "error_code": None,
        "error_message": None, "checked_at": None, "question_key": check.question_key,
        "subject_key": check.subject_key, "question": check.question,
    }
    outcome: CheckOutcome = outcome_values(failure, network="in", now=now)
    return FailedRoute(row, outcome)


def _chain_carve_out(
    *, store: CheckStore, clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, request: CheckRequest, reuse_window: timedelta, parent: EligibilityCheck,
    watch: Callable[[EligibilityCheck], None] | None,
) -> EligibilityCheck:
    """When mental-health benefits are administered by a payer we can reach, ask it too."""
    carve_out = (parent.summary or {}).get("carve_out") or {}
    route = registry.route_for_payer_id(carve_out.get("payer_id") or "")
    if route is None or route == parent.payer:
        return parent
    try:
        child = run_check(
            store=store, clock=clock, registry=registry, caller=caller,
            request=CheckRequest(coverage_id=request.coverage_id,
                                 service_date=request.service_date,
                                 provider_npi=request.provider_npi, force=request.force,
                                 run_id=request.run_id),
            reuse_window=reuse_window, chain=False, route=route, carve_out_of=parent.id,
            watch=watch,
        )
    except ResendTooSoon:
        return parent  # the carve-out payer may still answer the last inquiry: not now
    if child.check.status == "pending":
        return parent  # asked for another check still at the payer: not linked to this one
    store.finish(parent.id, {"carve_out_check_id": child.check.id})
    parent.carve_out_check_id = child.check.id
    return parent
