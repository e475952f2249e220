"""Benefit periods: the plan year a date falls in, and the span a visit limit counts over."""

from __future__ import annotations

import calendar
from datetime import date

from service.domain.dates import add_days, add_months

Span = tuple[date, date]
EVERYTHING: Span = (date.min, date.max)
# Visit limits whose period restarts on 1 January, and those that never restart; every other
# period the 271 names (service year, contract, years, year to date, remaining, none) is
# read as the plan year.
_CALENDAR = frozenset({"calendar year"})
_LIFETIME = frozenset({"lifetime", "lifetime remaining"})
_MONTH = frozenset({"month"})


def calendar_year(on: date) -> Span:
    return date(on.year, 1, 1), date(on.year, 12, 31)


def plan_year(on: date, *, begin: date | None, end: date | None) -> Span:
    """The plan year holding `on`: the answer's plan dates, moved by whole years when `on`
    falls outside them (a plan renews); the calendar year without both dates, or when they
    do not span a year or less."""
    if begin is None or end is None or end < begin or add_months(begin, 12) <= end:
        return calendar_year(on)
    if begin <= on <= end:
        return begin, end
    years = on.year - begin.year
    # At most two tries: the year of `on` and the one before or after it.
    for shift in (years - 1, years, years + 1):
        start = add_months(begin, 12 * shift)
        stop = add_days(add_months(begin, 12 * (shift + 1)), -1) or date.max
        if start <= on <= stop:
            return start, stop
    return calendar_year(on)


def limit_period(period: str | None, *, on: date, plan: Span) -> Span:
    """The span a visit limit of `period` (the summary's visit_limit.period, a 271 time
    period's description) counts over, for a visit on `on`; `plan` is the plan year holding
    `on` (plan_year), worked out once by the caller."""
    name = (period or "").strip().lower()
    if name in _CALENDAR:
        return calendar_year(on)
    if name in _LIFETIME:
        return EVERYTHING
    if name in _MONTH:
        days = calendar.monthrange(on.year, on.month)[1]
        return date(on.year, on.month, 1), date(on.year, on.month, days)
    return plan
