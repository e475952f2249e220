"""Lists by cursor (visits, authorizations, coverages, checks, patients, the audit log, the
practice's or one patient's or coverage's), reads of patient records audited as every such
read is."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from service.db.keyset import Keys
from service.db.models import AuditEvent, Patient
from service.db.uow import UnitOfWork
from service.domain.errors import NotFound
from service.domain.paging import Slice
from service.practice import audit
from service.practice.access import Caller

# The list's name in service/db/lists.py, and what the audit log calls its rows.
RESOURCES = {"visits": "visit", "authorizations": "authorization", "coverages": "coverage",
             "checks": "eligibility_check"}


def read_page(
    *, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller, name: str, part: Slice,
    filters: Mapping[str, Any],
    within: tuple[Literal["patient", "coverage"], uuid.UUID] | None = None,
) -> tuple[Sequence[Any], Keys | None]:
    """A page of the caller's practice's `name` list (another practice's rows never), and
    the keys of its last row when more follow. `within` narrows it to one patient's or one
    coverage's rows: NotFound unless that patient or coverage is the practice's."""
    with uow:
        if within is not None:
            kind, parent_id = within
            parents = uow.patients if kind == "patient" else uow.coverages
            if parents.get(caller.practice_id, parent_id) is None:
                raise NotFound(kind)
            filters = {**filters, f"{kind}_id": parent_id}
        rows, last = getattr(uow.lists, name)(caller.practice_id, part, filters)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type=RESOURCES[name],
                           records=rows)
        return rows, last


def patient_page(
    *, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller, part: Slice,
    external_id: str | None, q: str | None, updated_since: datetime | None,
) -> tuple[Sequence[Patient], Keys | None]:
    """A page of the practice's patients by cursor (GET /v1/patients with limit or cursor)."""
    with uow:
        rows, last = uow.patients.by_cursor(caller.practice_id, part, external_id=external_id,
                                            q=q, updated_since=updated_since)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type="patient",
                           records=rows)
        return rows, last


def audit_page(*, uow: UnitOfWork, caller: Caller, part: Slice,
               updated_since: datetime | None) -> tuple[Sequence[AuditEvent], Keys | None]:
    """A page of the practice's audit log by cursor."""
    with uow:
        return uow.audit.by_cursor(caller.practice_id, part, updated_since=updated_since)
