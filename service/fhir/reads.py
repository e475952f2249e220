"""Use cases of the FHIR facade's searches: a page of a search by keyset cursor, and the
patients behind stored checks."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from service.db.ports import RecordsUnitOfWork
from service.db.uow import UnitOfWork
from service.domain.errors import InvalidInput
from service.domain.paging import Slice, decode, encode, scope_of
from service.fhir.search import Search
from service.practice.access import Caller
from service.practice.lists import patient_page, read_page

# Every list a search reads is ordered by a time, then an id.
KINDS = "tu"


def page(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller, search: Search,
         cursor: str | None) -> tuple[Sequence[Any], str | None]:
    """The rows of the page after `cursor` (the first page without), and the cursor of the
    next page (None on the last); reads are audited as the /v1 lists audit them."""
    scope = scope_of(search.filters)
    try:
        after = decode(cursor, order=search.order, scope=scope, kinds=KINDS) if cursor else None
    except ValueError as error:
        raise InvalidInput({"_page": [str(error)]}) from error
    part = Slice(order=search.order, scope=scope, after=after, limit=search.count)
    if search.list_name == "patients":
        rows, last = patient_page(uow=uow, clock=clock, caller=caller, part=part,
                                  external_id=search.filters.get("external_id"), q=None,
                                  updated_since=None)
    else:
        rows, last = read_page(uow=uow, clock=clock, caller=caller, name=search.list_name,
                               part=part, filters=search.filters)
    return rows, None if last is None else encode(search.order, scope, last)


def patients_of(*, uow: RecordsUnitOfWork, caller: Caller,
                coverage_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Each coverage's patient id (a CoverageEligibilityResponse names the patient; a stored
    check names its coverage)."""
    with uow:
        found = {}
        for coverage_id in set(coverage_ids):
            coverage = uow.coverages.get(caller.practice_id, coverage_id)
            if coverage is not None:
                found[coverage_id] = coverage.patient_id
        return found
