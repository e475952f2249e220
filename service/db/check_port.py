"""Where checks and nightly items are stored: the interface (a port) the use cases write
through, as data; service/db/check_store.py implements it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypedDict

from service.db.models import EligibilityCheck, ReverificationItem
from service.db.outbox import NewEvent


@dataclass(frozen=True)
class StartingPoint:
    """A coverage with what the payer is told of its patient and practice, and
    `doubt_started_at`: when the newest attempt that may have reached the payer without an
    answer began (the 90-second rule), or None; `pending_since`: when the oldest attempt
    begun since then that is still pending began, or None."""

    id: uuid.UUID
    payer: str
    member_id: str
    relationship: str
    network_status: str
    subscriber_first_name: str | None
    subscriber_last_name: str | None
    subscriber_birth_date: date | None
    subscriber_gender: str | None
    subscriber_member_id: str | None
    first_name: str
    last_name: str
    birth_date: date
    gender: str
    practice_name: str
    practice_npi: str
    doubt_started_at: datetime | None
    pending_since: datetime | None


class NewCheck(TypedDict):
    """A check's columns as it starts; `control_number` None draws the next one."""

    id: uuid.UUID
    practice_id: uuid.UUID
    coverage_id: uuid.UUID
    payer: str
    service_types: str
    service_date: date | None
    provider_npi: str
    network_status: str
    status: str
    reached_payer: bool
    trace_number: str
    control_number: int | None
    requested_by: str
    started_at: datetime
    carve_out_of_id: uuid.UUID | None
    reverification_run_id: uuid.UUID | None
    error_code: str | None
    error_message: str | None
    checked_at: datetime | None
    question_key: str | None
    subject_key: str | None
    question: dict[str, Any] | None


# The columns an outcome sets (service/eligibility/outcome.py says which), by name.
CheckOutcome = dict[str, Any]
# An audit row's columns (service/practice/audit.py: row).
AuditRow = dict[str, object]


@dataclass(frozen=True)
class FailedRoute:
    """A route that failed before another answered (failover), stored as a check of its own."""

    check: NewCheck
    outcome: CheckOutcome


@dataclass(frozen=True, kw_only=True)
class ItemClaim:
    """A nightly item taken by `worker` as its check starts, only if it is still as it was
    read (`was_state`, `was_attempts`); its lease runs `lease` from the check's start."""

    item_id: int
    was_state: str
    was_attempts: int
    worker: str
    lease: timedelta


class NewAlert(TypedDict):
    id: uuid.UUID
    practice_id: uuid.UUID
    coverage_id: uuid.UUID
    kind: str
    subject_id: str
    fingerprint: str
    message: str
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class ItemRecord:
    """What an attempt leaves on its nightly item (`values`: its columns by name), the
    alerts for what changed since the coverage's previous answer, and their webhook events."""

    item_id: int
    values: dict[str, Any]
    alerts: Sequence[NewAlert] = ()
    events: Sequence[NewEvent] = ()


@dataclass(frozen=True)
class PreviousAnswer:
    id: uuid.UUID
    status: str
    summary: dict[str, Any] | None


class QuestionInFlight(Exception):
    """The coverage already has a pending check of this question: nothing was stored."""


class CheckStore(Protocol):
    """Each method is one unit of its own: it commits what it writes, or nothing."""

    def starting_point(self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
                       route: str | None, doubtful_since: datetime) -> StartingPoint | None:
        """The practice's coverage; doubt counts attempts with `route` (default: the
        coverage's payer) begun since `doubtful_since`."""

    def reuse(self, coverage_id: uuid.UUID, *, question_key: str,
              since: datetime, audit: AuditRow) -> EligibilityCheck | None:
        """The newest answered check of this question since `since` (raw X12 not
        loaded), with `audit` (its read) written; None when there is none."""

    def in_flight(self, coverage_id: uuid.UUID, *, question_key: str,
                  since: datetime) -> EligibilityCheck | None:
        """The newest pending check of this question begun since `since` (raw X12 not
        loaded), or None."""

    def check(self, check_id: uuid.UUID) -> EligibilityCheck | None:
        """One check as it is now (raw X12 not loaded)."""

    def start(self, check: NewCheck, *, audit: AuditRow,
              claim: ItemClaim | None = None) -> int | None:
        """Store a starting check and its audit row; its control number. With `claim`, only
        if the item is taken too (all or nothing): None when it was not. QuestionInFlight
        when a check of the same question of the coverage is pending (nothing stored)."""

    def abandon(self, coverage_id: uuid.UUID, *, question_key: str, before: datetime,
                at: datetime) -> int:
        """End the checks of this question still pending though begun before `before` (their
        worker died mid-call) as errors that may have reached the payer; how many."""

    def finish(self, check_id: uuid.UUID, outcome: CheckOutcome, *,
               failed: Sequence[FailedRoute] = (), item: ItemRecord | None = None,
               events: Sequence[NewEvent] = ()) -> None:
        """Store a check's outcome, with the routes that failed before it, its item and the
        webhook events it causes (service/db/outbox.py), all or nothing."""

    def item(self, item_id: int) -> ReverificationItem | None:
        """The nightly item as it is now (detached)."""

    def take_over(self, claim: ItemClaim, *, held_by: str | None, at: datetime) -> bool:
        """Take an item left running by `held_by` (a dead worker); whether it was taken."""

    def attempts_since(self, run_id: uuid.UUID, coverage_id: uuid.UUID,
                       since: datetime) -> list[EligibilityCheck]:
        """The run's checks of the coverage (not carve-outs) begun since `since`, newest
        first (raw X12 not loaded)."""

    def previous_answer(self, coverage_id: uuid.UUID, *, payer: str, before: datetime,
                        other_than: uuid.UUID) -> PreviousAnswer | None:
        """The coverage's newest answered check with `payer` begun before `before`."""

    def record_item(self, record: ItemRecord) -> None:
        """Store an item's columns, alerts and events on their own."""

    def any_unfinished(self, run_id: uuid.UUID) -> bool:
        """Whether any item of the run is still to do (one index probe)."""
