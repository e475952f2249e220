"""Use cases that read stored eligibility checks: one check, or a coverage's history."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from service.db.models import EligibilityCheck
from service.db.uow import UnitOfWork
from service.domain.errors import NotFound
from service.practice import audit
from service.practice.access import Caller


def get_check(
    *, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller, check_id: uuid.UUID
) -> EligibilityCheck:
    return audit.read_one(uow, caller=caller, clock=clock, resource_type="eligibility_check",
                          get=lambda work: work.checks.get(caller.practice_id, check_id))


def coverage_history(
    *, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
    coverage_id: uuid.UUID, offset: int, limit: int,
) -> tuple[Sequence[EligibilityCheck], int]:
    with uow:
        if uow.coverages.get(caller.practice_id, coverage_id) is None:
            raise NotFound("coverage")
        rows, total = uow.checks.history(caller.practice_id, coverage_id, offset=offset,
                                         limit=limit)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="eligibility_check",
                           records=rows)
        return rows, total
