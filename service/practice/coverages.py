"""Use cases for coverages: a patient's insurance with one payer of the directory, from added to
ended; while active, one per payer and member id and one per priority for a patient."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from service.db.models import Coverage
from service.db.ports import RecordsUnitOfWork
from service.domain.errors import Conflict, InvalidInput, NotFound
from service.domain.versions import require_version
from service.practice import audit
from service.practice.access import Caller

PLAIN_FIELDS = ("payer", "member_id", "group_number", "relationship", "priority", "network_status")
SUBSCRIBER_FIELDS = ("first_name", "last_name", "birth_date", "gender", "member_id")


def create_coverage(
    *, uow: RecordsUnitOfWork, clock: Callable[[], datetime], caller: Caller,
    patient_id: uuid.UUID, data: dict[str, Any], payer_ids: Collection[str],
) -> Coverage:
    _check_payer(data, payer_ids)
    now = clock()
    with uow:
        if uow.patients.get(caller.practice_id, patient_id) is None:
            raise NotFound("patient")
        _no_clash(uow, caller, patient_id=patient_id, payer=data["payer"],
                  member_id=data["member_id"], priority=data.get("priority", "primary"))
        coverage = Coverage(
            practice_id=caller.practice_id, patient_id=patient_id, created_at=now,
            updated_at=now, priority="primary", network_status="in",
        )
        _apply(coverage, data)
        uow.coverages.add(coverage)
        _flush(uow)
        audit.record(uow, caller=caller, clock=clock, action="create", resource_type="coverage",
                     resource_ids=[coverage.id])
        uow.commit()
        return coverage


def get_coverage(
    *, uow: RecordsUnitOfWork, clock: Callable[[], datetime], caller: Caller, coverage_id: uuid.UUID
) -> Coverage:
    return audit.read_one(uow, caller=caller, clock=clock, resource_type="coverage",
                          get=lambda work: work.coverages.get(caller.practice_id, coverage_id))


def list_coverages(
    *, uow: RecordsUnitOfWork, clock: Callable[[], datetime], caller: Caller,
    patient_id: uuid.UUID, offset: int, limit: int,
) -> tuple[Sequence[Coverage], int]:
    with uow:
        if uow.patients.get(caller.practice_id, patient_id) is None:
            raise NotFound("patient")
        rows, total = uow.coverages.for_patient(
            caller.practice_id, patient_id, offset=offset, limit=limit
        )
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="coverage",
                           records=rows)
        return rows, total


def update_coverage(
    *, uow: RecordsUnitOfWork, clock: Callable[[], datetime], caller: Caller,
    coverage_id: uuid.UUID, data: dict[str, Any], payer_ids: Collection[str],
    if_match: frozenset[int] | None = None,
) -> Coverage:
    _check_payer(data, payer_ids)
    with uow:
        coverage = uow.coverages.get(caller.practice_id, coverage_id, lock=True)
        if coverage is None:
            raise NotFound("coverage")
        require_version(coverage.version, if_match)
        end_date = _end_date(coverage, data, clock)
        if end_date is None:
            # Checked before anything changes: the lookup would flush a clashing row first.
            _no_clash(uow, caller, patient_id=coverage.patient_id,
                      payer=data.get("payer", coverage.payer),
                      member_id=data.get("member_id", coverage.member_id),
                      priority=data.get("priority", coverage.priority), itself=coverage.id)
        _apply(coverage, data)
        coverage.end_date = end_date
        coverage.updated_at = clock()
        audit.record(uow, caller=caller, clock=clock, action="update", resource_type="coverage",
                     resource_ids=[coverage.id])
        _flush(uow)
        uow.commit()
        return coverage


def _end_date(coverage: Coverage, data: dict[str, Any],
              clock: Callable[[], datetime]) -> date | None:
    """The coverage's end date after this change: status "ended" sets it (today unless
    given), "active" clears it; an end date alone moves that of an ended coverage."""
    status = data.get("status", coverage.status)
    if status == "active":
        if data.get("end_date") is not None:
            raise InvalidInput({"end_date": ["Only an ended coverage has an end date: send "
                                             "status ended with it."]})
        return None
    return data.get("end_date") or coverage.end_date or clock().date()


def _no_clash(uow: RecordsUnitOfWork, caller: Caller, *, patient_id: uuid.UUID, payer: str,
              member_id: str, priority: str, itself: uuid.UUID | None = None) -> None:
    """409 when another active coverage of the patient has this card or this priority."""
    for other in uow.coverages.active_for_patient(caller.practice_id, patient_id):
        if other.id == itself:
            continue
        if (other.payer, other.member_id) == (payer, member_id):
            raise _duplicate(str(other.id))
        if other.priority == priority:
            raise _priority_taken(priority, str(other.id))


def _duplicate(coverage_id: str | None = None) -> Conflict:
    ids = {"coverage_id": coverage_id} if coverage_id else {}
    return Conflict("COVERAGE_DUPLICATE",
                    "The patient already has an active coverage with this payer and member "
                    "id; change that one instead.", **ids)


def _priority_taken(priority: str = "", coverage_id: str | None = None) -> Conflict:
    ids = {"coverage_id": coverage_id} if coverage_id else {}
    which = f"an active {priority} coverage" if priority else "an active coverage of this priority"
    return Conflict("COVERAGE_PRIORITY_TAKEN",
                    f"The patient already has {which}; end it or change its priority first.",
                    **ids)


def _flush(uow: RecordsUnitOfWork) -> None:
    """Flush; a clash a concurrent writer committed first is the same 409."""
    try:
        uow.flush()
    except IntegrityError as error:
        uow.rollback()
        if "priority" in str(error.orig):
            raise _priority_taken() from error
        raise _duplicate() from error


def _check_payer(data: dict[str, Any], payer_ids: Collection[str]) -> None:
    if "payer" in data and data["payer"] not in payer_ids:
        raise InvalidInput({"payer": ["Unknown payer: use an id from the payer directory."]})


def _apply(coverage: Coverage, data: dict[str, Any]) -> None:
    """Copy fields; a subscriber only exists when the patient is not the subscriber."""
    for name in PLAIN_FIELDS:
        if name in data:
            setattr(coverage, name, data[name])
    relationship = data.get("relationship", coverage.relationship)
    subscriber = data.get("subscriber")
    if relationship == "self":
        if subscriber:
            raise InvalidInput(
                {"subscriber": ["Leave the subscriber out when the patient is the subscriber."]}
            )
        subscriber = dict.fromkeys(SUBSCRIBER_FIELDS)
    elif subscriber is None and coverage.subscriber_last_name is None:
        raise InvalidInput(
            {"subscriber": ["Required when the patient is not the subscriber."]}
        )
    if subscriber is not None:
        for name in SUBSCRIBER_FIELDS:
            setattr(coverage, f"subscriber_{name}", subscriber.get(name))
