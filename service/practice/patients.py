"""Use cases for patients: create-or-update by external id, read, search, change."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from service.db.models import Patient
from service.db.ports import RecordsUnitOfWork
from service.domain.errors import InvalidInput, NotFound
from service.domain.versions import require_version
from service.practice import audit
from service.practice.access import Caller

FIELDS = ("first_name", "last_name", "birth_date", "gender", "external_id")


def upsert_patient(
    *, uow: RecordsUnitOfWork, clock: Callable[[], datetime], caller: Caller, data: dict[str, Any]
) -> tuple[Patient, bool]:
    """Create a patient, or update the one with the same external id (EHRs resend).

    Returns (patient, created). Two concurrent sends of a new external id race on the
    unique constraint; the loser retries once and finds the winner's row to update.
    """
    try:
        return _upsert_once(uow=uow, clock=clock, caller=caller, data=data)
    except IntegrityError:
        return _upsert_once(uow=uow, clock=clock, caller=caller, data=data)


def _upsert_once(
    *, uow: RecordsUnitOfWork, clock: Callable[[], datetime], caller: Caller, data: dict[str, Any]
) -> tuple[Patient, bool]:
    now = clock()
    with uow:
        external_id = data.get("external_id")
        patient = (
            uow.patients.by_external_id(caller.practice_id, external_id) if external_id else None
        )
        created = patient is None
        if patient is None:
            patient = Patient(practice_id=caller.practice_id, created_at=now)
            uow.patients.add(patient)
        for name in FIELDS:
            if name in data:
                setattr(patient, name, data[name])
        patient.updated_at = now
        uow.flush()
        audit.record(uow, caller=caller, clock=clock, action="create" if created else "update",
                     resource_type="patient", resource_ids=[patient.id])
        uow.commit()
        return patient, created


def get_patient(
    *, uow: RecordsUnitOfWork, clock: Callable[[], datetime], caller: Caller, patient_id: uuid.UUID
) -> Patient:
    return audit.read_one(uow, caller=caller, clock=clock, resource_type="patient",
                          get=lambda work: work.patients.get(caller.practice_id, patient_id))


def search_patients(
    *, uow: RecordsUnitOfWork, clock: Callable[[], datetime], caller: Caller,
    external_id: str | None, q: str | None, offset: int, limit: int,
) -> tuple[Sequence[Patient], int]:
    with uow:
        rows, total = uow.patients.search(
            caller.practice_id, external_id=external_id, q=q, offset=offset, limit=limit
        )
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="patient",
                           records=rows)
        return rows, total


def update_patient(
    *, uow: RecordsUnitOfWork, clock: Callable[[], datetime], caller: Caller, patient_id: uuid.UUID,
    data: dict[str, Any], if_match: frozenset[int] | None = None,
) -> Patient:
    with uow:
        patient = uow.patients.get(caller.practice_id, patient_id, lock=True)
        if patient is None:
            raise NotFound("patient")
        require_version(patient.version, if_match)
        for name in FIELDS:
            if name in data:
                setattr(patient, name, data[name])
        patient.updated_at = clock()
        audit.record(uow, caller=caller, clock=clock, action="update", resource_type="patient",
                     resource_ids=[patient.id])
        try:
            uow.commit()
        except IntegrityError as exc:
            raise InvalidInput(
                {"external_id": ["Another patient of this practice has this external id."]}
            ) from exc
        return patient
