"""What a 278 says once read: decisions, quantities, dates and AAA errors as dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from payers.x12.plain import to_plain


@dataclass(frozen=True, kw_only=True)
class ValidationError:
    """An AAA segment: which loop refused what, and what the submitter should do next."""

    loop: str
    valid_request: bool | None
    reason_code: str
    reason: str | None
    follow_up_code: str
    follow_up: str | None


@dataclass(frozen=True, kw_only=True)
class Decision:
    """HCR: the action taken, the certification number and the decision reason code."""

    action: str
    action_description: str
    certification_number: str | None
    reason_code: str | None


@dataclass(frozen=True, kw_only=True)
class Quantity:
    """HSD: a quantity of visits, units, days... optionally per unit and period."""

    qualifier: str
    description: str | None
    quantity: Decimal
    per_unit: str | None = None
    period: str | None = None
    periods: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewDate:
    """DTP: a dated qualifier; a single date has start == end."""

    qualifier: str
    description: str | None
    start: date
    end: date


@dataclass(frozen=True, kw_only=True)
class ServiceCode:
    """SV1/SV2/SV3: the procedure reviewed and the units on the line."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()
    units: Decimal | None = None
    unit_basis: str | None = None


@dataclass(frozen=True, kw_only=True)
class Review:
    """A patient event (2000E) or one of its service lines (2000F)."""

    level: str
    request_category: str | None = None
    certification_type: str | None = None
    service_type: str | None = None
    place_of_service: str | None = None
    decision: Decision | None = None
    administrative_reference: str | None = None
    previous_authorization: str | None = None
    trace_numbers: tuple[str, ...] = ()
    dates: tuple[ReviewDate, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    service: ServiceCode | None = None
    errors: tuple[ValidationError, ...] = ()
    services: tuple[Review, ...] = ()

    def period(self) -> tuple[date | None, date | None]:
        """The certified (or requested) date span this level states, most specific first."""
        found = {d.qualifier: d for d in self.dates}
        effective, expires = found.get("007"), found.get("036")
        if effective or expires:
            return (effective.start if effective else None, expires.end if expires else None)
        for qualifier in ("AAH", "472"):
            if qualifier in found:
                return found[qualifier].start, found[qualifier].end
        if "435" in found:
            return found["435"].start, found["096"].end if "096" in found else None
        return None, None


@dataclass(frozen=True, kw_only=True)
class Member:
    """NM1 (with DMG) of the subscriber (2010C) or the dependent (2010D) a 278 is about."""

    last_name: str
    first_name: str | None = None
    member_id: str | None = None
    birth_date: date | None = None


@dataclass(frozen=True, kw_only=True)
class Certification:
    """One patient event's decision: the event's own, else its first service line's."""

    action: str | None
    action_description: str | None
    certification_number: str | None
    approved_quantity: Decimal | None
    quantity_unit: str | None
    quantity_unit_description: str | None
    start_date: date | None
    end_date: date | None
    tracking_number: str | None
    trace_numbers: tuple[str, ...]
    codes: tuple[str, ...]  # the procedures of its service lines, sorted


@dataclass(frozen=True, kw_only=True)
class AuthorizationResponse:
    """A 278 read into one authorization; the summary fields come from the first event,
    falling back to its first service line when the event carries no decision. Every event
    is summarised in `certifications`, in the order of the transaction."""

    control_number: str
    reference: str
    is_response: bool
    action: str | None
    action_description: str | None
    certification_number: str | None
    approved_quantity: Decimal | None
    quantity_unit: str | None
    quantity_unit_description: str | None
    start_date: date | None
    end_date: date | None
    tracking_number: str | None
    errors: tuple[ValidationError, ...]
    events: tuple[Review, ...]
    trace_numbers: tuple[str, ...] = field(default=())
    subscriber: Member | None = None
    dependent: Member | None = None
    certifications: tuple[Certification, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = to_plain(self)
        return result
