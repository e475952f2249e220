"""Phone verification schemas: what the front desk heard on a call, and how a check shows it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from schemas.common import Strict, now, one_of, strict_bool
from schemas.coverages import NETWORK
from schemas.summary import COINSURANCE, MONEY
from service.domain.phone_answer import problems

MAX_MONEY = Decimal(1_000_000)


class DecimalString(ma.fields.Decimal):
    """A decimal written as a string ("25.00"): a JSON number is refused, as binary floats
    cannot hold cents exactly."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str):
            raise ma.ValidationError("Write the amount as a decimal string, e.g. \"25.00\".")
        return super()._deserialize(value, attr, data, **kwargs)


def _money(description: str) -> DecimalString:
    def check(value: Decimal) -> None:
        if value < 0:
            raise ma.ValidationError("An amount cannot be negative.")
        if value > MAX_MONEY:
            raise ma.ValidationError("An amount of at most 1000000.")

    return DecimalString(places=2, as_string=True, allow_none=True, validate=check,
                         metadata={"description": f"{description}. {MONEY}",
                                   "example": "25.00"})


def _rate(value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        raise ma.ValidationError("A rate from 0 to 1: \"0.20\" is 20 %.")


def _visits(description: str) -> ma.fields.Integer:
    return ma.fields.Integer(strict=True, allow_none=True,
                             validate=ma.validate.Range(min=0, max=1000),
                             metadata={"description": description})


def _said(description: str, max_len: int) -> ma.fields.String:
    return ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=max_len),
                            metadata={"description": f"{description} (at most {max_len})"})


class ManualVerificationIn(Strict):
    verified_at = ma.fields.AwareDateTime(required=True, metadata={
        "description": "When the payer said it (ISO 8601 with an offset); not in the future"})
    rep_name = _said("The payer's representative who answered", 80)
    reference = _said("The call's reference number the payer gave", 50)
    active = strict_bool(required=True, metadata={
        "description": "Whether the payer said the coverage is active"})
    plan_begin = ma.fields.Date(allow_none=True, metadata={
        "description": "The plan year's first day"})
    plan_end = ma.fields.Date(allow_none=True, metadata={
        "description": "The plan year's last day (a renewal), not before plan_begin"})
    network = one_of(NETWORK, metadata={
        "description": "The network the figures are for; default: the coverage's"})
    copay = _money("Per visit")
    coinsurance = DecimalString(as_string=True, allow_none=True, validate=_rate, metadata={
        "description": f"{COINSURANCE} {MONEY}", "example": "0.20"})
    deductible = _money("The deductible for the plan year")
    deductible_remaining = _money("Left to meet of the deductible, at most the deductible")
    out_of_pocket = _money("The out-of-pocket maximum")
    out_of_pocket_remaining = _money("Left of the out-of-pocket maximum, at most the maximum")
    visit_limit = _visits("Visits the plan allows in the plan year")
    visits_remaining = _visits("Visits left, at most the limit")
    auth_required = strict_bool(allow_none=True, metadata={
        "description": "Whether the payer requires a prior authorization; null when it did "
                       "not say"})
    notes = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=1000),
                             metadata={"description": "What else was said (at most 1000)"})

    @ma.validates_schema
    def consistent(self, data: dict[str, Any], **_kwargs: Any) -> None:
        found = problems(data, now=now())
        if found:
            raise ma.ValidationError(found)


class PhoneCallOut(ma.Schema):
    rep_name = ma.fields.String(required=True, metadata={
        "description": "The payer's representative who answered"})
    reference = ma.fields.String(required=True, metadata={
        "description": "The call's reference number"})
    notes = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "What else the front desk noted of the call; null when nothing"})
