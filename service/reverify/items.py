"""One coverage of a run: claimed, checked through the eligibility use case, recorded.

Exactly once, whatever dies when: an item is claimed (state "running", a lease) before its
check starts, and the check row carries the run id. An item found "running" by a resumed
run or after its lease ran out is *recovered*, not re-checked blindly: a finished check of
this run since the claim is adopted as the item's result; a check still "pending" may have
reached the payer, so the item waits until 90 s after that check started; no check at all
sends it back to "pending".
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update

from payers.registry import PayerRegistry
from service.access import Caller
from service.db.checks import CHECKS, Companion
from service.db.direct import bind
from service.db.models import Alert, EligibilityCheck, ReverificationItem
from service.db.uow import UnitOfWork
from service.domain import benefit_changes, retry_policy
from service.domain.errors import DomainError
from service.eligibility import CheckHooks, CheckRequest, NotStarted, run_check
from service.reverify.limits import Limits

log = logging.getLogger("coverwatch.reverify")
UNFINISHED = ("pending", "running", "retry")
ANSWERED = ("active", "inactive")
SCOPES = frozenset({"read", "write"})
# Core statements on the hot path, built once and run with parameters: cheaper than the
# ORM's machinery or building each statement with its values (see service/db/checks.py).
ITEMS = cast(Table, ReverificationItem.__table__)
_ITEM = select(ITEMS).where(ITEMS.c.id == bindparam("item_id"))
_ITEM_SQL = (f"SELECT {', '.join(ITEMS.c.keys())} FROM {ITEMS.name} "  # noqa: S608 - names
             "WHERE id = %(item_id)s")  # from our own table metadata, never a value
# The guarded UPDATE is the claim: of two workers, exactly one sees rowcount 1.
_CLAIM = ITEMS.update().where(ITEMS.c.id == bindparam("item_id"),
                              ITEMS.c.state == bindparam("was_state"),
                              ITEMS.c.attempts == bindparam("was_attempts"))
_RECORD = ITEMS.update().where(ITEMS.c.id == bindparam("item_id"))
_PREVIOUS = (
    select(CHECKS.c.id, CHECKS.c.status, CHECKS.c.summary)
    .where(CHECKS.c.coverage_id == bindparam("coverage_id"),
           CHECKS.c.payer == bindparam("payer"), CHECKS.c.carve_out_of_id.is_(None),
           CHECKS.c.status.in_(("active", "inactive")),
           CHECKS.c.started_at < bindparam("started_before"),
           CHECKS.c.id != bindparam("check_id"))
    .order_by(CHECKS.c.started_at.desc()).limit(1)
)
_PREVIOUS_SQL = (
    f"SELECT id, status, summary FROM {CHECKS.name} "  # noqa: S608 - our table's name
    "WHERE coverage_id = %(coverage_id)s AND payer = %(payer)s AND carve_out_of_id IS NULL "
    "AND status IN ('active', 'inactive') AND started_at < %(started_before)s "
    "AND id <> %(check_id)s ORDER BY started_at DESC LIMIT 1")
# The claim and the record in PostgreSQL's SQL, fused with the check's own INSERT and UPDATE
# (service.eligibility.CheckHooks); parameters are named item_* apart from the check's.
_CLAIMED = ("state", "claimed_by", "claimed_at", "lease_until")
_CLAIM_SQL = (
    f"UPDATE {ITEMS.name} SET {', '.join(f'{n} = %(item_{n})s' for n in _CLAIMED)} "  # noqa: S608
    "WHERE id = %(item_id)s AND state = %(item_was_state)s "
    "AND attempts = %(item_was_attempts)s RETURNING id")
_RECORDED = ("state", "attempts", "outcome", "error_code", "check_id", "first_tried_at",
             "next_attempt_at", "lease_until", "changes", "finished_at")
_RECORD_SQL = (
    f"UPDATE {ITEMS.name} SET {', '.join(f'{n} = %(item_{n})s' for n in _RECORDED)} "  # noqa: S608
    "WHERE id = %(item_id)s")


@dataclass(kw_only=True)
class Deps:
    uow: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    registry: PayerRegistry
    limits: Limits
    worker: str  # who claims: written on the item while it runs
    reuse_window: timedelta = timedelta(0)
    max_attempts: int = retry_policy.DEFAULT_MAX_ATTEMPTS

    def __post_init__(self) -> None:
        # The payer limits wrap each call to a payer (a carve-out's included), not the
        # database work around it: a slot is never held while the item is being recorded.
        self.registry = self.registry.gated(self.limits.slot)

    def lease(self, payer: str) -> timedelta:
        # Long enough for the check and a carve-out chained to it, each at the route's timeout.
        timeout = self.registry.entry(payer).timeout_s if payer in self.registry.ids() else 20
        return timedelta(seconds=2 * timeout + 60)


@dataclass(frozen=True)
class Outcome:
    item_id: int
    state: str  # done, retry, deferred, pending (recovered to try again)
    outcome: str | None
    next_attempt_at: datetime | None = None
    changed: bool = False


def process(deps: Deps, item_id: int, *, recovering: bool = False,
            known: ReverificationItem | None = None) -> Outcome | None:
    """Check the item if it is still to do (None when another worker has it or it is done).

    The claim is written in the check's first transaction and the result in its second (the
    use case's hooks), so an item and its check always commit together. `recovering` is for
    items a dead worker left "running": they are looked at before anything is sent. `known`
    is the item as just read (saves reading it again; the claim still checks it is current).
    """
    claimed = _claim_stale(deps, item_id) if recovering else None
    if claimed is not None:
        item, recovered = claimed
        return recovered or _check(deps, item, claim=False)
    # Not (or no longer) left running: an ordinary item.
    due = known if known is not None and not recovering else _due(deps, item_id)
    return _check(deps, due, claim=True) if due is not None else None


def load(uow: Callable[[], UnitOfWork], item_id: int) -> ReverificationItem | None:
    """The item as it is now, detached (one read on its own: no session, no identity map)."""
    row = uow().read_first(_ITEM, _ITEM_SQL, {"item_id": item_id})
    return None if row is None else ReverificationItem(**row)


def _due(deps: Deps, item_id: int) -> ReverificationItem | None:
    now = deps.clock()
    item = load(deps.uow, item_id)
    if item is None or item.state not in ("pending", "retry"):
        return None
    if item.state == "retry" and item.next_attempt_at and item.next_attempt_at > now:
        return None
    return item


def _claim_values(deps: Deps, item: ReverificationItem, now: datetime) -> dict[str, Any]:
    return {"state": "running", "claimed_by": deps.worker, "claimed_at": now,
            "lease_until": now + deps.lease(item.payer)}


def _claim_stale(deps: Deps, item_id: int) -> tuple[ReverificationItem, Outcome | None] | None:
    """Take over an item a dead worker left running, and recover what it left behind."""
    now = deps.clock()
    with deps.uow() as work:
        item = work.session.get(ReverificationItem, item_id)
        if item is None or item.state != "running":
            return None
        if item.lease_until is not None and item.lease_until > now:
            return None  # a live worker holds it
        previous_claim = item.claimed_at
        # The guarded UPDATE is the claim: of two workers, exactly one sees rowcount 1.
        taken = work.session.execute(
            update(ReverificationItem)
            .where(ReverificationItem.id == item_id, ReverificationItem.state == "running",
                   ReverificationItem.claimed_by == item.claimed_by)
            .values(**_claim_values(deps, item, now))
            .execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        work.commit()
        work.session.expunge(item)
    recovered = recover(deps, item, previous_claim or now)
    return item, recovered


def recover(deps: Deps, item: ReverificationItem, claimed_at: datetime) -> Outcome | None:
    """After a crash: adopt a finished check, wait out a pending one, or None to check now."""
    with deps.uow() as work:
        rows = work.session.scalars(
            select(EligibilityCheck).where(
                EligibilityCheck.reverification_run_id == item.run_id,
                EligibilityCheck.coverage_id == item.coverage_id,
                EligibilityCheck.carve_out_of_id.is_(None),
                EligibilityCheck.started_at >= claimed_at)
            .order_by(EligibilityCheck.started_at.desc())).all()
        finished = next((c for c in rows if c.status != "pending"), None)
        pending = next((c for c in rows if c.status == "pending"), None)
        work.session.expunge_all()
    if finished is not None:
        log.info("reverify item %s: adopting check %s finished before a crash",
                 item.id, finished.id)
        return record(deps, item, finished)
    if pending is not None:
        # The inquiry may be at the payer: CAQH CORE forbids asking again within 90 s.
        at = pending.started_at + retry_policy.MIN_GAP
        if at > deps.clock():
            return _set(deps, item, state="retry", next_attempt_at=at)
    return None


def _set(deps: Deps, item: ReverificationItem, **values: Any) -> Outcome:
    with deps.uow() as work:
        work.session.execute(
            update(ReverificationItem).where(ReverificationItem.id == item.id)
            .values(claimed_by=None, lease_until=None, **values)
            .execution_options(synchronize_session=False))
        work.commit()
    return Outcome(item.id, values["state"], None, values.get("next_attempt_at"))


def _check(deps: Deps, item: ReverificationItem, *, claim: bool) -> Outcome | None:
    caller = Caller(practice_id=item.practice_id, actor=f"reverify:{item.run_id}",
                    scopes=SCOPES)
    recorded: list[Outcome] = []

    def on_start(work: UnitOfWork, check: EligibilityCheck) -> None:
        taken = work.session.connection().execute(_CLAIM, {
            "item_id": item.id, "was_state": item.state, "was_attempts": item.attempts,
            **_claim_values(deps, item, check.started_at)})
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise NotStarted

    def start_guard(check: EligibilityCheck) -> Companion:
        claimed = _claim_values(deps, item, check.started_at)
        return Companion(_CLAIM_SQL, {
            "item_id": item.id, "item_was_state": item.state,
            "item_was_attempts": item.attempts,
            **{f"item_{n}": bind(ITEMS.c[n], claimed[n]) for n in _CLAIMED}})

    def on_finish(work: UnitOfWork, check: EligibilityCheck) -> None:
        recorded.append(_record_in(work, deps, item, check))

    def finish_with(check: EligibilityCheck) -> Companion | None:
        changes = _changes(item, check, _previous_read(deps, item, check))
        if changes:
            return None  # alerts to write too: the session path
        values, outcome = _attempt(deps, item, check, None)
        recorded.append(outcome)
        return Companion(_RECORD_SQL, {
            "item_id": item.id, **{f"item_{n}": bind(ITEMS.c[n], values[n]) for n in _RECORDED}})

    hooks = (CheckHooks(on_start, on_finish, start_guard, finish_with) if claim
             else CheckHooks(on_finish=on_finish, finish_with=finish_with))
    try:
        result = run_check(
            uow=deps.uow, clock=deps.clock, registry=deps.registry, caller=caller,
            request=CheckRequest(coverage_id=item.coverage_id, force=True, run_id=item.run_id),
            reuse_window=deps.reuse_window, hooks=hooks)
    except NotStarted:
        return None
    except DomainError as error:
        # The coverage's payer left the directory, or the coverage is gone: nothing to send.
        log.warning("reverify item %s could not start: %s", item.id, type(error).__name__)
        return record(deps, item, "PAYER_NOT_CONFIGURED")
    if recorded:
        return recorded[0]
    # Finished without a payer call (a resend the 90-second rule blocked): record it now.
    return record(deps, item, result.check)


def record(deps: Deps, item: ReverificationItem, check: EligibilityCheck | str) -> Outcome:
    """Store an attempt's result in a transaction of its own."""
    with deps.uow() as work:
        outcome = _record_in(work, deps, item, check)
        work.commit()
    return outcome


def _record_in(work: UnitOfWork, deps: Deps, item: ReverificationItem,
               check: EligibilityCheck | str) -> Outcome:
    """The attempt's result, the changes it shows and their alerts, written in `work`."""
    changes = None
    if not isinstance(check, str) and check.status in ANSWERED:
        changes = _changes(item, check, work.session.connection().execute(_PREVIOUS, {
            "coverage_id": item.coverage_id, "payer": check.payer,
            "started_before": check.started_at, "check_id": check.id}).first()) or None
    values, outcome = _attempt(deps, item, check, changes)
    work.session.connection().execute(_RECORD, {"item_id": item.id, **values})
    for change in changes or []:
        work.session.add(_alert(item, check, change, deps.clock()))  # type: ignore[arg-type]
    return outcome


def _attempt(deps: Deps, item: ReverificationItem, check: EligibilityCheck | str,
             changes: list[dict[str, Any]] | None) -> tuple[dict[str, Any], Outcome]:
    """The item's columns after this attempt, and its outcome."""
    now = deps.clock()
    attempts = item.attempts + 1
    error_code: str | None
    if isinstance(check, str):
        status, error_code, started, follow_ups = "error", check, now, []
    else:
        status, error_code, started = check.status, check.error_code, check.started_at
        follow_ups = [r.get("follow_up", "") for r in (check.summary or {}).get("rejections", [])]
    decision = retry_policy.decide(status=status, error_code=error_code, follow_ups=follow_ups,
                                   attempts=attempts, last_tried_at=started,
                                   max_attempts=deps.max_attempts)
    state = {"done": "done", "retry": "retry", "defer": "deferred"}[decision.action]
    values: dict[str, Any] = {
        "state": state, "attempts": attempts, "outcome": status, "error_code": error_code,
        "check_id": None if isinstance(check, str) else check.id,
        "first_tried_at": item.first_tried_at or started,
        "next_attempt_at": decision.at, "lease_until": None,
        "changes": changes, "finished_at": now if state != "retry" else None,
    }
    return values, Outcome(item.id, state, status, decision.at, changed=bool(changes))


def _previous_read(deps: Deps, item: ReverificationItem,
                   check: EligibilityCheck) -> Any:
    """The coverage's previous answered check, in a read of its own (direct on PostgreSQL)."""
    row = deps.uow().read_first(_PREVIOUS, _PREVIOUS_SQL, {
        "coverage_id": item.coverage_id, "payer": check.payer,
        "started_before": check.started_at, "check_id": check.id})
    return None if row is None else SimpleNamespace(**row)


def _changes(item: ReverificationItem, check: EligibilityCheck,
             previous: Any) -> list[dict[str, Any]]:
    """What changed since `previous` (a row with id, status and summary), for the report."""
    if previous is None or check.status not in ANSWERED:
        return []
    changes = benefit_changes.compare(previous.summary or {}, previous.status,
                                      check.summary or {}, check.status,
                                      network=check.network_status)
    return [{**c, "check_id": str(check.id), "previous_check_id": str(previous.id)}
            for c in changes]


def _alert(item: ReverificationItem, check: EligibilityCheck, change: dict[str, Any],
           now: datetime) -> Alert:
    fingerprint = hashlib.sha256(f"{check.id}:{change['field']}".encode()).hexdigest()
    return Alert(
        id=uuid.uuid4(), practice_id=item.practice_id, coverage_id=item.coverage_id,
        kind="coverage_changed", subject_id=f"{item.coverage_id}:{change['field']}"[:64],
        fingerprint=fingerprint, message=benefit_changes.sentence(change),
        data={**change, "run_id": str(item.run_id)}, created_at=now)
