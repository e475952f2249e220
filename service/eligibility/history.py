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
    with uow:
        check = uow.checks.get(caller.practice_id, check_id)
        if check is None:
            raise NotFound("eligibility check")
        audit.record(uow, caller=caller, clock=clock, action="read",
                     resource_type="eligibility_check", resource_ids=[check.id])
        uow.commit()
        return check


def coverage_history(
    *, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
    coverage_id: uuid.UUID, offset: int, limit: int,
) -> tuple[Sequence[EligibilityCheck], int]:
    with uow:
        if uow.coverages.get(caller.practice_id, coverage_id) is None:
            raise NotFound("coverage")
        rows, total = uow.checks.history(caller.practice_id, coverage_id, offset=offset,
                                         limit=limit)
        audit.record(uow, caller=caller, clock=clock, action="read",
                     resource_type="eligibility_check", resource_ids=[c.id for c in rows])
        uow.commit()
        return rows, total
