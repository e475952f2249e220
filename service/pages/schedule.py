"""Use case of the front desk's schedule worklist: the visits of the coming days, the ones
that need something done first, each with the step it calls for.

The verdicts are the ones the ledger stored on each visit when it was last written (booking,
a change, an authorization or coverage change): the same verdicts the visit list of the API
and the dashboard show. Nothing here judges a visit.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from service.db.uow import UnitOfWork
from service.domain.errors import InvalidInput
from service.practice import audit
from service.practice.access import Caller

# range -> (first day, last day) as days from today
RANGES = {"today": (0, 0), "tomorrow": (1, 1), "week": (0, 6), "14d": (0, 13)}
DEFAULT_RANGE = "week"
VERDICTS = ("not_covered", "at_risk", "covered")  # the order of a day's visits
NPI = re.compile(r"^\d{10}$")

# The step a visit's first reason calls for; a reason not listed here (a code or a visit
# limit the payer refuses, a coverage the practice ended) is read on the client's page.
CHECK_REASONS = frozenset({
    "ELIGIBILITY_UNVERIFIED", "ELIGIBILITY_CHECK_FAILED", "PLAN_RENEWAL_UNVERIFIED",
    "VISIT_LIMIT_UNVERIFIED", "COVERAGE_INACTIVE", "COVERAGE_ENDS_BEFORE_VISIT",
})
ADD_AUTH_REASONS = frozenset({
    "AUTH_REQUIRED", "AUTH_NOT_APPROVED", "AUTH_NOT_STARTED", "AUTH_CODE_NOT_COVERED",
    "AUTH_PROVIDER_MISMATCH",
})
RENEW_AUTH_REASONS = frozenset({"AUTH_EXPIRED", "AUTH_EXHAUSTED", "AUTH_LOW",
                                "AUTH_EXPIRING"})
PHONE_REASONS = frozenset({"MH_BENEFITS_NOT_REPORTED", "CARVE_OUT",
                           "OTHER_COVERAGE_REPORTED"})


@dataclass(frozen=True)
class Filters:
    range: str = DEFAULT_RANGE
    provider: str | None = None  # an NPI
    verdict: str | None = None
    needs_action: bool = False


class Row(NamedTuple):
    """One visit of the worklist (a tuple: a thousand of them are built for one page)."""

    visit_id: uuid.UUID
    code: str
    minutes: int | None
    provider_npi: str | None
    status: str  # covered | at_risk | not_covered
    reason: str  # the first reason in words ("" when there is none)
    action: str  # check | add_auth | renew_auth | phone | open
    coverage_id: uuid.UUID
    patient_id: uuid.UUID
    client: str


@dataclass(frozen=True, kw_only=True)
class Schedule:
    filters: Filters
    today: date
    first: date
    last: date
    days: list[tuple[date, list[Row]]]  # every day of the range, its rows in worklist order
    counts: dict[str, int]  # visits by verdict over the range (the provider filter applied)
    providers: list[str]  # NPIs of the range's visits, for the filter


def read_filters(args: dict[str, str]) -> Filters:
    """The filter form's GET arguments; InvalidInput names each field that is wrong."""
    errors: dict[str, list[str]] = {}
    chosen = args.get("range") or DEFAULT_RANGE
    if chosen not in RANGES:
        errors["range"] = ["Choose today, tomorrow, the next 7 days or the next 14 days."]
    provider = args.get("provider") or None
    if provider is not None and not NPI.match(provider):
        errors["provider"] = ["A provider is chosen by NPI: 10 digits."]
    verdict = args.get("verdict") or None
    if verdict is not None and verdict not in VERDICTS:
        errors["verdict"] = ["Choose covered, at risk or not covered."]
    if errors:
        raise InvalidInput(errors)
    return Filters(range=chosen, provider=provider, verdict=verdict,
                   needs_action=args.get("needs_action") in ("1", "on", "true"))


def action_for(status: str, reasons: list[dict[str, Any]]) -> str:
    """What the front desk does about a visit, from its verdict's first reason."""
    if status == "covered" or not reasons:
        return "open"
    code = reasons[0].get("code", "")
    if code in CHECK_REASONS:
        return "check"
    if code in ADD_AUTH_REASONS:
        return "add_auth"
    if code in RENEW_AUTH_REASONS:
        return "renew_auth"
    if code in PHONE_REASONS:
        return "phone"
    return "open"


def schedule(*, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], caller: Caller,
             filters: Filters) -> Schedule:
    today = clock().date()
    start, end = RANGES[filters.range]
    first, last = today + timedelta(days=start), today + timedelta(days=end)
    with uow() as work:
        found = work.schedule.visits(caller.practice_id, first, last)
        audit.record_reads(work, caller=caller, clock=clock, resource_type="visit",
                           records=found)
    providers = sorted({r.provider_npi for r in found if r.provider_npi})
    rows = [(r.date, _row(r)) for r in found
            if filters.provider is None or r.provider_npi == filters.provider]
    counts = Counter(row.status for _, row in rows)
    by_day: dict[date, list[Row]] = {}
    for day, row in rows:
        if ((filters.verdict is None or row.status == filters.verdict)
                and (not filters.needs_action or row.status != "covered")):
            by_day.setdefault(day, []).append(row)
    days = [(day, sorted(by_day.get(day, []), key=_worklist_order))
            for day in (first + timedelta(days=n) for n in range((last - first).days + 1))]
    return Schedule(filters=filters, today=today, first=first, last=last, days=days,
                    counts={status: counts[status] for status in VERDICTS},
                    providers=providers)


def _worklist_order(row: Row) -> tuple[int, str, str, str]:
    # Visits carry a date, not a time of day: within a verdict, by client, then code.
    return VERDICTS.index(row.status), row.client.casefold(), row.code, str(row.visit_id)


def _row(found: Any) -> Row:
    verdict = found.verdict or {}
    status = verdict.get("status") or "covered"
    reasons = verdict.get("reasons") or []
    return Row(visit_id=found.id, code=found.code, minutes=found.minutes,
               provider_npi=found.provider_npi, status=status,
               reason=reasons[0].get("message", "") if reasons else "",
               action=action_for(status, reasons), coverage_id=found.coverage_id,
               patient_id=found.patient_id, client=f"{found.first_name} {found.last_name}")
