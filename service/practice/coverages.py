"""Use cases for coverages: a patient's insurance with one payer of the directory."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from service.db.models import Coverage
from service.db.ports import RecordsUnitOfWork
from service.domain.errors import InvalidInput, NotFound
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
        coverage = Coverage(
            practice_id=caller.practice_id, patient_id=patient_id, created_at=now,
            updated_at=now, priority="primary", network_status="in",
        )
        _apply(coverage, data)
        uow.coverages.add(coverage)
        uow.flush()
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
) -> Coverage:
    _check_payer(data, payer_ids)
    with uow:
        coverage = uow.coverages.get(caller.practice_id, coverage_id)
        if coverage is None:
            raise NotFound("coverage")
        _apply(coverage, data)
        coverage.updated_at = clock()
        audit.record(uow, caller=caller, clock=clock, action="update", resource_type="coverage",
                     resource_ids=[coverage.id])
        uow.commit()
        return coverage


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
