"""How the pages write money, shares, dates and phone numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint

DASH = "—"


def money(value: Any) -> str:
    try:
        return DASH if value is None else f"${Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


def percent(value: Any) -> str:
    try:
        return DASH if value is None else f"{Decimal(str(value)) * 100:.0f}%"
    except InvalidOperation:
        return str(value)


def when(value: datetime | None) -> str:
    return DASH if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def day(value: date) -> str:
    """A day as the front desk says it: "Monday 2026-11-02"."""
    return f"{value:%A} {value.isoformat()}"


def phone(value: str | None) -> str:
    digits = "".join(c for c in value or "" if c.isdigit())
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return value or DASH


def install(bp: Blueprint) -> None:
    for f in (money, percent, when, day, phone):
        bp.add_app_template_filter(f)
