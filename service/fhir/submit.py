"""Use case of $submit: the coverage a CoverageEligibilityRequest carries, matched or
created."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from service.db.ports import RecordsUnitOfWork
from service.domain.errors import Conflict
from service.practice.access import Caller
from service.practice.coverages import create_coverage
from service.practice.patients import upsert_patient


def coverage_for(
    *, uow: Callable[[], RecordsUnitOfWork], clock: Callable[[], datetime], caller: Caller,
    patient: uuid.UUID | dict[str, Any], card: dict[str, Any], payer_ids: Collection[str],
) -> uuid.UUID:
    """The id of the patient's active coverage with this payer and member id, created when
    there is none. The patient is ours (its id) or matched or created by its external id
    (its fields, as POST /v1/patients takes them)."""
    patient_id = patient if isinstance(patient, uuid.UUID) else upsert_patient(
        uow=uow(), clock=clock, caller=caller, data=patient)[0].id
    found = _matching(uow(), caller, patient_id, card)
    if found is not None:
        return found
    try:
        return create_coverage(uow=uow(), clock=clock, caller=caller, patient_id=patient_id,
                               data=card, payer_ids=payer_ids).id
    except Conflict as clash:
        # Another request created the same card first: that one is the coverage.
        found = _matching(uow(), caller, patient_id, card)
        if clash.code != "COVERAGE_DUPLICATE" or found is None:
            raise
        return found


def _matching(uow: RecordsUnitOfWork, caller: Caller, patient_id: uuid.UUID,
              card: dict[str, Any]) -> uuid.UUID | None:
    with uow:
        for coverage in uow.coverages.active_for_patient(caller.practice_id, patient_id):
            if (coverage.payer, coverage.member_id) == (card["payer"], card["member_id"]):
                return coverage.id
        return None

