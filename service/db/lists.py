"""Practice-wide lists read by keyset (service/db/keyset.py): visits, authorizations,
coverages and eligibility checks, each with its filters and its orders."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service.db.keyset import Keys, Order, by, keyset_page
from service.db.models import Authorization, Coverage, EligibilityCheck, Visit
from service.domain.paging import Slice
from service.domain.policy import DELETED

Filters = Mapping[str, Any]
Page = tuple[Sequence[Any], Keys | None]
# A check changes once, when its outcome is stored (checked_at); until then it is as started.
CHECK_CHANGED = func.coalesce(EligibilityCheck.checked_at, EligibilityCheck.started_at)

ORDERS: dict[str, dict[str, Order]] = {
    "visits": {"date": by(Visit.date, Visit.id), "updated": by(Visit.updated_at, Visit.id)},
    "authorizations": {"ending": by(Authorization.end_date, Authorization.id),
                       "updated": by(Authorization.updated_at, Authorization.id)},
    # A patient's coverages: primary before secondary (alphabetical too), then as added.
    "coverages": {"priority": by(Coverage.priority, Coverage.created_at, Coverage.id),
                  "created": by(Coverage.created_at, Coverage.id),
                  "updated": by(Coverage.updated_at, Coverage.id)},
    "checks": {"newest": by(EligibilityCheck.started_at, EligibilityCheck.id, descending=True),
               "updated": Order((CHECK_CHANGED, EligibilityCheck.id),
                                lambda c: (c.checked_at or c.started_at, c.id))},
}


def equal(query: Select[Any], filters: Filters, **columns: Any) -> Select[Any]:
    """`query` narrowed to each column equal to the filter of its name, when given."""
    for name, column in columns.items():
        if filters.get(name) is not None:
            query = query.where(column == filters[name])
    return query


def of_patient(query: Select[Any], coverage_id: Any, practice_id: uuid.UUID,
               filters: Filters) -> Select[Any]:
    """`query` narrowed to the rows of the `patient_id` filter's coverages, when given."""
    if filters.get("patient_id") is None:
        return query
    return query.where(coverage_id.in_(select(Coverage.id).where(
        Coverage.practice_id == practice_id, Coverage.patient_id == filters["patient_id"])))


class ListReads:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(self, name: str, query: Select[Any], part: Slice) -> Page:
        return keyset_page(self.session, query, ORDERS[name][part.order], after=part.after,
                           limit=part.limit)

    def visits(self, practice_id: uuid.UUID, part: Slice, filters: Filters) -> Page:
        """Visits in date order; by change with updated_since, those deleted as booked in
        error included (status deleted), so a schedule in sync learns of them."""
        query = select(Visit).where(Visit.practice_id == practice_id)
        if filters.get("updated_since") is None:
            query = query.where(Visit.status != DELETED)
        else:
            query = query.where(Visit.updated_at >= filters["updated_since"])
        query = equal(query, filters, status=Visit.status, coverage_id=Visit.coverage_id,
                      external_id=Visit.external_id)
        if filters.get("from_") is not None:
            query = query.where(Visit.date >= filters["from_"])
        if filters.get("to") is not None:
            query = query.where(Visit.date <= filters["to"])
        if filters.get("verdict") is not None:
            query = query.where(Visit.verdict["status"].as_string() == filters["verdict"])
        query = of_patient(query, Visit.coverage_id, practice_id, filters)
        return self.page("visits", query, part)

    def authorizations(self, practice_id: uuid.UUID, part: Slice, filters: Filters) -> Page:
        """Authorizations ending soonest first (end_date before `ending_before`)."""
        query = select(Authorization).where(Authorization.practice_id == practice_id)
        if filters.get("updated_since") is not None:
            query = query.where(Authorization.updated_at >= filters["updated_since"])
        query = equal(query, filters, status=Authorization.status,
                      coverage_id=Authorization.coverage_id)
        if filters.get("ending_before") is not None:
            query = query.where(Authorization.end_date < filters["ending_before"])
        return self.page("authorizations", query, part)

    def coverages(self, practice_id: uuid.UUID, part: Slice, filters: Filters) -> Page:
        """Coverages in the order they were added."""
        query = select(Coverage).where(Coverage.practice_id == practice_id)
        if filters.get("updated_since") is not None:
            query = query.where(Coverage.updated_at >= filters["updated_since"])
        query = equal(query, filters, member_id=Coverage.member_id, payer=Coverage.payer,
                      patient_id=Coverage.patient_id)
        if filters.get("status") is not None:
            ended = Coverage.end_date.is_not(None)
            query = query.where(ended if filters["status"] == "ended" else ~ended)
        return self.page("coverages", query, part)

    def checks(self, practice_id: uuid.UUID, part: Slice, filters: Filters) -> Page:
        """Eligibility checks, newest first (started at or after `since`); `changed_from`
        and `changed_before` bound when their outcome was stored (or, pending, started)."""
        query = select(EligibilityCheck).where(EligibilityCheck.practice_id == practice_id)
        if filters.get("updated_since") is not None:
            query = query.where(CHECK_CHANGED >= filters["updated_since"])
        if filters.get("changed_from") is not None:
            query = query.where(CHECK_CHANGED >= filters["changed_from"])
        if filters.get("changed_before") is not None:
            query = query.where(CHECK_CHANGED < filters["changed_before"])
        query = of_patient(query, EligibilityCheck.coverage_id, practice_id, filters)
        query = equal(query, filters, status=EligibilityCheck.status,
                      coverage_id=EligibilityCheck.coverage_id, id=EligibilityCheck.id)
        if filters.get("since") is not None:
            query = query.where(EligibilityCheck.started_at >= filters["since"])
        return self.page("checks", query, part)
