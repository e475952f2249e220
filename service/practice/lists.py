"""Practice-wide lists (visits, authorizations, coverages, checks): a page by cursor, and
its reads audited as every read of patient records is."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from service.db.keyset import Keys
from service.db.uow import UnitOfWork
from service.domain.paging import Slice
from service.practice import audit
from service.practice.access import Caller

# The list's name in service/db/lists.py, and what the audit log calls its rows.
RESOURCES = {"visits": "visit", "authorizations": "authorization", "coverages": "coverage",
             "checks": "eligibility_check"}


def read_page(
    *, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller, name: str, part: Slice,
    filters: Mapping[str, Any],
) -> tuple[Sequence[Any], Keys | None]:
    """A page of the caller's practice's `name` list (another practice's rows never), and
    the keys of its last row when more follow."""
    with uow:
        rows, last = getattr(uow.lists, name)(caller.practice_id, part, filters)
        audit.record_reads(uow, caller=caller, clock=clock, resource_type=RESOURCES[name],
                           records=rows)
        return rows, last
