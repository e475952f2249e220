"""Named access to element values of a read segment: text, dates, periods, decimals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from payers.x12.errors import X12ElementError


@dataclass(frozen=True, slots=True)
class At:
    """Where a segment sits, so a refusal can point at it without quoting any value."""

    position: int | None
    tag: str

    def error(self, message: str) -> X12ElementError:
        return X12ElementError(message, position=self.position, segment_id=self.tag)


def element(segment: list[str], index: int) -> str:
    """Element ``index`` (1-based, as in NM103) or "" when the segment is shorter."""
    return segment[index].strip() if index < len(segment) else ""


def optional(segment: list[str], index: int) -> str | None:
    return element(segment, index) or None


def parse_date(text: str, at: At, name: str) -> date:
    """CCYYMMDD as a date."""
    if len(text) != 8 or not text.isdigit():
        raise at.error(f"{name} is not a CCYYMMDD date")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise at.error(f"{name} is not a calendar date") from None


def parse_period(qualifier: str, text: str, at: At, name: str) -> tuple[date, date]:
    """A D8 date (start = end) or an RD8 range, as (start, end)."""
    if qualifier == "D8":
        day = parse_date(text, at, name)
        return day, day
    if qualifier == "RD8":
        first, dash, last = text.partition("-")
        if not dash:
            raise at.error(f"{name} is not a CCYYMMDD-CCYYMMDD range")
        start, end = parse_date(first, at, name), parse_date(last, at, name)
        if end < start:
            raise at.error(f"{name} ends before it starts")
        return start, end
    raise at.error(f"{name} has an unsupported date format qualifier")


def parse_decimal(text: str, at: At, name: str) -> Decimal:
    """An X12 numeric (R or N type) as a Decimal; no exponent, no infinity."""
    if not text or any(c not in "0123456789.-" for c in text):
        raise at.error(f"{name} is not a number")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise at.error(f"{name} is not a number") from None
