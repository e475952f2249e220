"""The date windows the API accepts, and date arithmetic that never leaves the calendar."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Window:
    """Dates from `months_back` months before today to `months_ahead` months after it."""

    what: str  # the date's name in messages, e.g. "The service date"
    months_back: int
    months_ahead: int

    def bounds(self, today: date) -> tuple[date, date]:
        return add_months(today, -self.months_back), add_months(today, self.months_ahead)

    def problem(self, value: date, *, today: date) -> str | None:
        """Why `value` is refused, in a sentence naming the accepted dates; None when it fits."""
        first, last = self.bounds(today)
        if first <= value <= last:
            return None
        return (f"{self.what} must be from {first.isoformat()} to {last.isoformat()} "
                f"({self.months_back} months back to {self.months_ahead} months ahead).")

    def describe(self) -> str:
        return (f"{self.what}: from {self.months_back} months before today to "
                f"{self.months_ahead} months after it")


# CAQH CORE has payers answer for 12 months back through the end of the current
# month; an inquiry for a booking may name a date up to 12 months ahead, which payers answer
# from the plan they know. Outside that, a 270 only earns a rejection (and costs an inquiry).
SERVICE_DATE = Window("The service date", 12, 12)
# Visits are recorded as they happen and booked ahead; two years either way keeps every
# real schedule and keeps date arithmetic far from the calendar's ends.
VISIT_DATE = Window("The visit date", 24, 24)
FORECAST_DATE = Window("The first date", 24, 24)
# An authorization's range is set by a payer: rarely beyond a year or two, never decades.
AUTHORIZATION_DATE = Window("The authorization date", 60, 60)


def add_days(day: date, days: int) -> date | None:
    """`day` moved by `days`; None past either end of the calendar (0001-01-01, 9999-12-31)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def series(first: date, *, every_days: int, count: int) -> list[date]:
    """`count` dates `every_days` apart from `first`, cut short at the calendar's end."""
    days: list[date] = []
    for n in range(count):
        day = add_days(first, n * every_days)
        if day is None:
            break
        days.append(day)
    return days


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, the day of month kept where the month has it (31 January
    plus one month is the end of February); held at 0001-01-01 and 9999-12-31."""
    index = day.year * 12 + day.month - 1 + months
    if index < 12:
        return date.min
    if index >= 10000 * 12:
        return date.max
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
