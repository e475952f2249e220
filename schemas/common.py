"""Shared fields, validators and the pagination shape used by every resource."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from datetime import UTC, date, datetime
from typing import Any

import marshmallow as ma

from service.domain.dates import Window
from service.domain.identifiers import MEMBER_ID_RE, NAME_RE, text_problem

Clock = Callable[[], datetime]
# The clock of the app handling this request (set by service/web/hooks.py), so schemas need
# no Flask; outside a request, the real date.
_clock: ContextVar[Clock | None] = ContextVar("schema_clock", default=None)


def use_clock(clock: Clock) -> Token[Clock | None]:
    return _clock.set(clock)


def forget_clock(token: Token[Clock | None]) -> None:
    _clock.reset(token)


def today() -> date:
    clock = _clock.get()
    return clock().date() if clock is not None else datetime.now(UTC).date()


def now() -> datetime:
    """The request's now (the app's clock), as today() is its date."""
    clock = _clock.get()
    return clock() if clock is not None else datetime.now(UTC)


class Strict(ma.Schema):
    """Unknown fields are refused, so a typo never silently drops data."""

    class Meta:
        unknown = ma.RAISE


def x12_text(
    *, what: str, max_len: int, min_len: int = 1, pattern: Any = NAME_RE,
    allowed: str = "letters, digits, space, ' - .", **kwargs: Any,
) -> ma.fields.String:
    def check(value: str) -> None:
        problem = text_problem(value, allowed=pattern, what=what)
        if problem:
            raise ma.ValidationError(problem + ".")

    return ma.fields.String(
        validate=[ma.validate.Length(min=min_len, max=max_len), check],
        metadata={"description": f"{what}: {allowed} (at most {max_len})",
                  "pattern": pattern.pattern},
        **kwargs,
    )


def member_id_field(**kwargs: Any) -> ma.fields.String:
    return x12_text(
        what="Member id", max_len=80, min_len=2, pattern=MEMBER_ID_RE, allowed="letters, digits, -",
        **kwargs,
    )


def birth_date_field(**kwargs: Any) -> ma.fields.Date:
    def check(value: date) -> None:
        if value > today():
            raise ma.ValidationError("Birth date cannot be in the future.")
        if value.year < 1900:
            raise ma.ValidationError("Birth date must be in 1900 or later.")

    return ma.fields.Date(validate=check, metadata={"format": "date"}, **kwargs)


def window_date(window: Window, **kwargs: Any) -> ma.fields.Date:
    """A date `window` accepts, counted from the request's today (the app's clock)."""

    def check(value: date) -> None:
        problem = window.problem(value, today=today())
        if problem:
            raise ma.ValidationError(problem)

    metadata = {"format": "date", **kwargs.pop("metadata", {})}
    described = window.describe() + "."
    metadata["description"] = (metadata["description"] + ". " + described
                               if "description" in metadata else described)
    return ma.fields.Date(validate=check, metadata=metadata, **kwargs)


def one_of(values: Any, **kwargs: Any) -> ma.fields.String:
    """A string from a closed set: the document lists it as an enum, and loading checks it."""
    return ma.fields.String(validate=ma.validate.OneOf(list(values)), **kwargs)


GENDERS = ("F", "M", "U")


def gender_field(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(
        validate=ma.validate.OneOf(GENDERS),
        metadata={"description": "F, M or U (unknown)"},
        **kwargs,
    )


class PersonIn(Strict):
    """Who a patient or a subscriber is, as a payer matches them."""

    first_name = x12_text(what="First name", max_len=35, required=True)
    last_name = x12_text(what="Last name", max_len=60, required=True)
    birth_date = birth_date_field(required=True)
    gender = gender_field(required=True)


class CursorPageOut(ma.Schema):
    next_cursor = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Pass as `cursor` (with the same filters) for the next page; null on "
                       "the last page, and in page mode"})


class PageOut(CursorPageOut):
    """A list paged by number (page, page_size and total) or by cursor (next_cursor only)."""

    page = ma.fields.Integer(metadata={"description": "Page mode only"})
    page_size = ma.fields.Integer(metadata={"description": "Page mode only"})
    total = ma.fields.Integer(metadata={"description": "Page mode only"})


class StrictBoolean(ma.fields.Boolean):
    """A JSON true or false only (marshmallow would also take 1, "yes" or "on")."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value


def strict_bool(**kwargs: Any) -> ma.fields.Boolean:
    return StrictBoolean(**kwargs)
