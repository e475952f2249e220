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
from typing import Any

from payers.registry import PayerRegistry
from service.db.check_port import CheckStore, ItemClaim, ItemRecord, NewAlert
from service.db.models import EligibilityCheck, ReverificationItem
from service.db.outbox import NewEvent
from service.db.uow import UnitOfWork
from service.domain import benefit_changes, retry_policy
from service.domain.errors import DomainError, ResendTooSoon
from service.eligibility import CheckRequest, ForItem, NotStarted, run_check
from service.eligibility.changes import since_previous
from service.practice.access import Caller
from service.reverify.limits import Limits
from service.webhooks import events

log = logging.getLogger("coverwatch.reverify")
SCOPES = frozenset({"read", "write"})


@dataclass(kw_only=True)
class Deps:
    uow: Callable[[], UnitOfWork]
    store: CheckStore
    clock: Callable[[], datetime]
    registry: PayerRegistry
    limits: Limits
    worker: str  # who claims: written on the item while it runs
    reuse_window: timedelta = timedelta(0)
    max_attempts: int = retry_policy.DEFAULT_MAX_ATTEMPTS
    # Told of each finished check (its route's alerts: service/eligibility/route_alerts.py).
    # What follows each finished check, for the item's caller (service/wiring.py).
    watch: Callable[[Caller], Callable[[EligibilityCheck], None]] | None = None

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

    The claim is stored with the check as it starts and the result with its outcome, so an
    item and its check always commit together. `recovering` is for items a dead worker left
    "running": they are looked at before anything is sent. `known` is the item as just read
    (saves reading it again; the claim still checks it is current).
    """
    claimed = _claim_stale(deps, item_id) if recovering else None
    if claimed is not None:
        item, recovered = claimed
        return recovered or _check(deps, item, claim=False)
    # Not (or no longer) left running: an ordinary item.
    due = known if known is not None and not recovering else _due(deps, item_id)
    return _check(deps, due, claim=True) if due is not None else None


def _due(deps: Deps, item_id: int) -> ReverificationItem | None:
    now = deps.clock()
    item = deps.store.item(item_id)
    if item is None or item.state not in ("pending", "retry"):
        return None
    if item.state == "retry" and item.next_attempt_at and item.next_attempt_at > now:
        return None
    return item


def _claim(deps: Deps, item: ReverificationItem) -> ItemClaim:
    return ItemClaim(item_id=item.id, was_state=item.state, was_attempts=item.attempts,
                     worker=deps.worker, lease=deps.lease(item.payer))


def _claim_stale(deps: Deps, item_id: int) -> tuple[ReverificationItem, Outcome | None] | None:
    """Take over an item a dead worker left running, and recover what it left behind."""
    now = deps.clock()
    item = deps.store.item(item_id)
    if item is None or item.state != "running":
        return None
    if item.lease_until is not None and item.lease_until > now:
        return None  # a live worker holds it
    previous_claim = item.claimed_at
    if not deps.store.take_over(_claim(deps, item), held_by=item.claimed_by, at=now):
        return None
    recovered = recover(deps, item, previous_claim or now)
    return item, recovered


def recover(deps: Deps, item: ReverificationItem, claimed_at: datetime) -> Outcome | None:
    """After a crash: adopt a finished check, wait out a pending one, or None to check now."""
    rows = deps.store.attempts_since(item.run_id, item.coverage_id, claimed_at)
    finished = next((c for c in rows if c.status != "pending"), None)
    pending = next((c for c in rows if c.status == "pending"), None)
    if finished is not None:
        log.info("reverify item %s: adopting check %s finished before a crash",
                 item.id, finished.id)
        return record(deps, item, finished)
    if pending is not None:
        # The inquiry may be at the payer: CAQH CORE forbids asking again within 90 s.
        at = pending.started_at + retry_policy.MIN_GAP
        if at > deps.clock():
            return _later(deps, item, at)
    return None


def _check(deps: Deps, item: ReverificationItem, *, claim: bool) -> Outcome | None:
    caller = Caller(practice_id=item.practice_id, actor=f"reverify:{item.run_id}",
                    scopes=SCOPES)
    recorded: list[Outcome] = []

    def on_finish(check: EligibilityCheck) -> ItemRecord:
        attempt, outcome = _attempt(deps, item, check)
        recorded.append(outcome)
        return attempt

    try:
        result = run_check(
            store=deps.store, clock=deps.clock, registry=deps.registry, caller=caller,
            request=CheckRequest(coverage_id=item.coverage_id, force=True, run_id=item.run_id),
            reuse_window=deps.reuse_window,
            item=ForItem(on_finish, _claim(deps, item) if claim else None),
            watch=deps.watch(caller) if deps.watch is not None else None)
    except NotStarted:
        return None
    except ResendTooSoon as refused:
        # Not a failure of the coverage, nor an attempt: the item waits (the 90-second rule,
        # or a live check of the same question still at the payer).
        return _later(deps, item, deps.clock() + timedelta(seconds=refused.retry_after_s))
    except DomainError as error:
        # The coverage's payer left the directory, or the coverage is gone: nothing to send.
        log.warning("reverify item %s could not start: %s", item.id, type(error).__name__)
        return record(deps, item, "PAYER_NOT_CONFIGURED")
    if recorded:
        return recorded[0]
    if result.check.status == "pending":
        # The same question is still at the payer past its deadline: ask again after 90 s.
        return _later(deps, item, deps.clock() + retry_policy.MIN_GAP)
    # Finished without a payer call of its own (the same question's outcome): record it now.
    return record(deps, item, result.check)


def _later(deps: Deps, item: ReverificationItem, at: datetime) -> Outcome:
    """The item tried again at `at`, without counting an attempt."""
    deps.store.record_item(ItemRecord(item_id=item.id, values={
        "state": "retry", "next_attempt_at": at, "claimed_by": None, "lease_until": None}))
    return Outcome(item.id, "retry", None, at)


def record(deps: Deps, item: ReverificationItem, check: EligibilityCheck | str) -> Outcome:
    """Store an attempt's result on its own."""
    attempt, outcome = _attempt(deps, item, check)
    deps.store.record_item(attempt)
    return outcome


def _attempt(deps: Deps, item: ReverificationItem,
             check: EligibilityCheck | str) -> tuple[ItemRecord, Outcome]:
    """What this attempt leaves on the item (the changes it shows and their alerts too),
    and its outcome."""
    now = deps.clock()
    changes = [] if isinstance(check, str) else since_previous(deps.store, check)
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
        "changes": changes or None, "finished_at": now if state != "retry" else None,
    }
    alerts = [_alert(item, change, now) for change in changes]
    return (ItemRecord(item_id=item.id, values=values, alerts=alerts,
                       events=_events(item, check, changes, alerts, now)),
            Outcome(item.id, state, status, decision.at, changed=bool(changes)))


def _events(item: ReverificationItem, check: EligibilityCheck | str,
            changes: list[dict[str, Any]], alerts: list[NewAlert],
            now: datetime) -> list[NewEvent]:
    """The webhook events of what changed: the coverage's changes and the alerts opened."""
    if isinstance(check, str) or not changes:
        return []
    return [events.coverage_changed(check, changes=changes, at=now,
                                    previous_check_id=uuid.UUID(changes[0]["previous_check_id"])),
            *(events.alert_opened(alert, practice_id=item.practice_id,
                                  at=now) for alert in alerts)]


def _alert(item: ReverificationItem, change: dict[str, Any], now: datetime) -> NewAlert:
    fingerprint = hashlib.sha256(f"{change['check_id']}:{change['field']}".encode()).hexdigest()
    return {
        "id": uuid.uuid4(), "practice_id": item.practice_id, "coverage_id": item.coverage_id,
        "kind": "coverage_changed", "subject_id": f"{item.coverage_id}:{change['field']}"[:64],
        "fingerprint": fingerprint, "message": benefit_changes.sentence(change),
        "data": {**change, "run_id": str(item.run_id)}, "created_at": now}
