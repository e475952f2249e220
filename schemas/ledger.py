"""Schemas of the visit ledger: authorizations, visits, verdicts, forecasts, fees."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, get_args

import marshmallow as ma

from schemas.common import CursorPageOut, Strict, one_of, today, window_date
from schemas.eligibility import _npi
from schemas.lists import SyncQuery, WholeOrCursorQuery
from service.domain.dates import AUTHORIZATION_DATE, FORECAST_DATE, VISIT_DATE, add_days
from service.domain.policy import DELETED, VISIT_STATUSES
from service.domain.reasons import REASON_CODES, Severity
from service.domain.verdict import Status

# [0-9], not \d: \d also matches other scripts' digits ("٩٠٨٣٧"), which no payer reads.
CODE_RE = re.compile(r"(?:[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})")
UNITS = ("visit", "unit")
AUTH_STATUSES = ("approved", "pending", "denied")
# manual: entered through the API or the front desk; x12-278: read from a payer's 278.
AUTH_SOURCES = ("manual", "x12-278")
# What an authorization's and a visit's history rows record.
AUTHORIZATION_CHANGES = ("create", "update", "from-278")
VISIT_CHANGES = ("create", "update", "status", "delete")
AUTH_STATUS = ("approved: counts toward visits; pending: awaiting the payer's decision; "
               "denied: refused")
ESTIMATE_BASES = ("copay", "deductible", "coinsurance", "deductible_then_coinsurance", "unknown")
MONEY = "A decimal string, never a number"
VERDICTS = get_args(Status)


def _code(value: str) -> None:
    if not CODE_RE.fullmatch(value):
        raise ma.ValidationError("Not a CPT or HCPCS code (e.g. 90837, H0004).")


def code_field(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(validate=_code, metadata={"example": "90837"}, **kwargs)


class AuthorizationIn(Strict):
    coverage_id = ma.fields.UUID(required=True)
    number = ma.fields.String(
        required=True,
        validate=[
            ma.validate.Length(min=1, max=50),
            ma.validate.Regexp(r"^[A-Za-z0-9-]+$", error="Letters, digits and -."),
        ],
    )
    unit = one_of(UNITS, load_default="visit")
    quantity = ma.fields.Integer(
        strict=True, required=True, validate=ma.validate.Range(min=0, max=10_000)
    )
    minutes_per_unit = ma.fields.Integer(
        strict=True, allow_none=True, validate=ma.validate.Range(min=1, max=240)
    )
    start_date = window_date(AUTHORIZATION_DATE, required=True)
    end_date = window_date(AUTHORIZATION_DATE, required=True)
    codes = ma.fields.List(
        code_field(),
        load_default=list,
        metadata={"description": "CPT/HCPCS codes; empty = any mental-health service"},
    )
    provider_npi = ma.fields.String(allow_none=True, validate=_npi)
    status = one_of(AUTH_STATUSES, load_default="approved", metadata={"description": AUTH_STATUS})

    @ma.validates_schema
    def consistent(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["start_date"] > data["end_date"]
        ):
            raise ma.ValidationError("The end date is before the start date.", "end_date")
        if data.get("unit") == "unit" and not data.get("minutes_per_unit"):
            raise ma.ValidationError(
                "Unit-based authorizations need minutes_per_unit (e.g. 15).", "minutes_per_unit"
            )


class AuthorizationPatch(Strict):
    number = ma.fields.String(validate=ma.validate.Length(min=1, max=50))
    quantity = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=10_000))
    minutes_per_unit = ma.fields.Integer(
        strict=True, allow_none=True, validate=ma.validate.Range(min=1, max=240)
    )
    start_date = window_date(AUTHORIZATION_DATE)
    end_date = window_date(AUTHORIZATION_DATE)
    codes = ma.fields.List(code_field())
    provider_npi = ma.fields.String(allow_none=True, validate=_npi)
    status = one_of(AUTH_STATUSES, metadata={"description": AUTH_STATUS})


class From278In(Strict):
    coverage_id = ma.fields.UUID(required=True)
    x12 = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=10, max=500_000),
        metadata={"description": "A 278 response interchange"},
    )


class ChangeOut(ma.Schema):
    actor = ma.fields.String(required=True)
    action = one_of(AUTHORIZATION_CHANGES, required=True, metadata={
        "description": "create, update, or from-278 (a payer's 278 decision changed it)"})
    changes = ma.fields.Dict(required=True)
    at = ma.fields.AwareDateTime(required=True)


class AuthorizationOut(ma.Schema):
    id = ma.fields.UUID(required=True)
    coverage_id = ma.fields.UUID(required=True)
    number = ma.fields.String(required=True)
    unit = one_of(UNITS, required=True)
    quantity = ma.fields.Integer(strict=True, required=True)
    minutes_per_unit = ma.fields.Integer(strict=True, allow_none=True, required=True)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)
    codes = ma.fields.Function(
        lambda a: sorted(a.code_set),
        required=True,
        metadata={"type": "array", "items": {"type": "string"}},
    )
    provider_npi = ma.fields.String(allow_none=True, required=True)
    status = one_of(AUTH_STATUSES, required=True, metadata={"description": AUTH_STATUS})
    source = one_of(AUTH_SOURCES, required=True, metadata={
        "description": "manual: entered through the API or the front desk; x12-278: read "
                       "from a payer's 278"})
    used = ma.fields.Integer(strict=True, required=True)
    reserved = ma.fields.Integer(strict=True, required=True)
    remaining = ma.fields.Integer(strict=True, required=True, metadata={
        "description": "quantity - used - reserved, never below 0"})
    overcommitted = ma.fields.Integer(strict=True, required=True, metadata={
        "description": "How many visits or units (as `unit` says) completed and past visits "
                       "hold beyond `quantity`, after an amendment cut it below them; 0 "
                       "otherwise. Visits scheduled from today on are counted again instead."})
    history = ma.fields.List(ma.fields.Nested(ChangeOut))


class ImportedOut(ma.Schema):
    id = ma.fields.UUID(required=True)
    number = ma.fields.String(required=True)
    created = ma.fields.Boolean(required=True, metadata={
        "description": "true when this decision created the authorization, false when it "
                       "updated the one with its number"})


class From278Out(AuthorizationOut):
    imported = ma.fields.List(ma.fields.Nested(ImportedOut), required=True, metadata={
        "description": "Every decision of the file (each patient event of each 278), in file "
                       "order; the body's own fields are the first one's authorization"})


class AuthorizationRange(WholeOrCursorQuery):
    """A coverage's authorizations, whole or by cursor."""

    ORDER = "ending"
    KINDS = {"ending": "du", "updated": "tu"}


class AuthorizationList(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(AuthorizationOut), required=True)


class ReasonOut(ma.Schema):
    code = one_of(REASON_CODES, required=True, metadata={"description": "One of: " + "; ".join(
        f"{code} ({severity}): {text}" for code, (severity, text) in REASON_CODES.items())})
    severity = one_of(get_args(Severity), required=True, metadata={
        "description": "block: the visit is not covered as booked; warn: it may not be; "
                       "info: worth knowing"})
    message = ma.fields.String(required=True)
    data = ma.fields.Dict(required=True, metadata={
        "description": "The figures behind the reason (remaining, limit, dates...), by name; "
                       "which names depends on code"})


class EstimateOut(ma.Schema):
    amount = ma.fields.Decimal(as_string=True, allow_none=True, required=True, metadata={
        "description": f"What the client would owe for the visit. {MONEY}"})
    basis = one_of(ESTIMATE_BASES, required=True, metadata={
        "description": "Which benefit the amount comes from (unknown: a figure is missing)"})
    allowed_amount = ma.fields.Decimal(as_string=True, allow_none=True, required=True, metadata={
        "description": f"The payer's allowed amount from the fee schedule. {MONEY}"})
    assumptions = ma.fields.List(ma.fields.String(), required=True)


class VerdictOut(ma.Schema):
    status = one_of(get_args(Status), required=True, metadata={
        "description": "covered, at_risk or not_covered"})
    reasons = ma.fields.List(ma.fields.Nested(ReasonOut), required=True)
    authorization_id = ma.fields.String(allow_none=True, required=True)


class CheckVerdictOut(VerdictOut):
    estimate = ma.fields.Nested(EstimateOut, required=True)


def visit_date_field(**kwargs: Any) -> ma.fields.Date:
    """A visit's date, within VISIT_DATE's window (booking, checking or changing a visit)."""
    return window_date(VISIT_DATE, **kwargs)


class VisitSpecIn(Strict):
    coverage_id = ma.fields.UUID(required=True)
    date = visit_date_field(required=True)
    code = code_field(required=True)
    minutes = ma.fields.Integer(
        strict=True, allow_none=True, validate=ma.validate.Range(min=1, max=600)
    )
    provider_npi = ma.fields.String(allow_none=True, validate=_npi)


class VisitIn(VisitSpecIn):
    external_id = ma.fields.String(
        validate=[ma.validate.Length(min=1, max=64), ma.validate.Regexp(r"^[A-Za-z0-9._-]+$")]
    )
    status = one_of(VISIT_STATUSES[:2], load_default="scheduled", metadata={
        "description": "scheduled (a booking) or completed (a visit recorded after the fact)"})


class VisitPatch(VisitSpecIn):
    """The booking fields of VisitSpecIn, each optional (loaded with partial=True), so the
    same validation applies; coverage_id may name another coverage of the same patient."""

    @ma.validates_schema
    def something(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ma.ValidationError("Send at least one of: coverage_id, date, code, minutes, "
                                     "provider_npi.")


class VisitChangeOut(ChangeOut):
    action = one_of(VISIT_CHANGES, required=True, metadata={
        "description": "create, update, status (its status set) or delete"})


class VisitHistory(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(VisitChangeOut), required=True)


class VisitStatusIn(Strict):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(VISIT_STATUSES[1:]),
                              metadata={"description": "What became of the visit; "
                                                       "late_cancelled and no_show may use a "
                                                       "unit, as the practice's settings say"})


class VisitOut(ma.Schema):
    id = ma.fields.UUID(required=True)
    coverage_id = ma.fields.UUID(required=True)
    external_id = ma.fields.String(allow_none=True, required=True)
    date = ma.fields.Date(required=True)
    code = ma.fields.String(required=True)
    minutes = ma.fields.Integer(strict=True, allow_none=True, required=True)
    provider_npi = ma.fields.String(allow_none=True, required=True)
    status = one_of([*VISIT_STATUSES, DELETED], required=True, metadata={
        "description": "deleted only in an updated_since list: a booking removed in error"})
    authorization_id = ma.fields.UUID(allow_none=True, required=True)
    units = ma.fields.Integer(strict=True, required=True)
    verdict = ma.fields.Nested(VerdictOut, allow_none=True, required=True)


class VisitRange(WholeOrCursorQuery):
    """A coverage's visits, whole or by cursor, optionally between two dates."""

    ORDER = "date"
    KINDS = {"date": "du", "updated": "tu"}

    from_ = ma.fields.Date(data_key="from", metadata={"description": "Visits on or after"})
    to = ma.fields.Date(metadata={"description": "Visits on or before"})


class VisitList(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(VisitOut), required=True)


class ForecastIn(Strict):
    coverage_id = ma.fields.UUID(required=True)
    code = code_field(required=True)
    first_date = window_date(FORECAST_DATE, required=True)
    every_days = ma.fields.Integer(
        strict=True, load_default=7, validate=ma.validate.Range(min=1, max=366),
        metadata={"description": "Days between two visits of the series (7: weekly)"},
    )
    count = ma.fields.Integer(
        strict=True, required=True, validate=ma.validate.Range(min=1, max=104),
        metadata={"description": "How many visits the series has, the first included"},
    )
    minutes = ma.fields.Integer(
        strict=True, allow_none=True, validate=ma.validate.Range(min=1, max=600)
    )
    provider_npi = ma.fields.String(allow_none=True, validate=_npi)

    @ma.validates_schema
    def within_the_window(self, data: dict[str, Any], **_kwargs: Any) -> None:
        # Every date of the series is a visit date: the last one must fit the window too.
        if "first_date" in data and "count" in data:
            days = (data["count"] - 1) * data.get("every_days", 7)
            last = add_days(data["first_date"], days)
            latest = VISIT_DATE.bounds(today())[1]
            if last is None or last > latest:
                raise ma.ValidationError(
                    f"The series would end after {latest.isoformat()}, the last visit date "
                    "accepted: fewer visits or fewer days between them.", field_name="count")


class ForecastVisitOut(VerdictOut):
    date = ma.fields.Date(required=True)


class ForecastOut(ma.Schema):
    visits = ma.fields.List(ma.fields.Nested(ForecastVisitOut), required=True, metadata={
        "description": "Each visit of the series in date order, with its verdict as if the "
                       "ones before it were booked"})
    first_uncovered = ma.fields.Date(allow_none=True, required=True, metadata={
        "description": "The first visit date not covered; null when every visit is"})


def _amount(value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(100_000) or not value.is_finite():
        raise ma.ValidationError("An amount from 0 to 100000.")


class FeeIn(Strict):
    payer = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    code = code_field(required=True)
    allowed_amount = ma.fields.Decimal(
        required=True,
        places=2,
        as_string=True,
        validate=_amount,
        metadata={"description": f"The payer's allowed amount, 0 to 100000. {MONEY}"},
    )


class FeeOut(ma.Schema):
    payer = ma.fields.String(required=True)
    code = ma.fields.String(required=True)
    allowed_amount = ma.fields.Decimal(required=True, places=2, as_string=True, metadata={
        "description": f"The payer's allowed amount. {MONEY}"})


class FeeList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FeeOut), required=True)


class VisitListQuery(SyncQuery):
    ORDER = "date"
    KINDS = {"date": "du", "updated": "tu"}

    from_ = ma.fields.Date(data_key="from", metadata={"description": "Visits on or after"})
    to = ma.fields.Date(metadata={"description": "Visits on or before"})
    status = ma.fields.String(validate=ma.validate.OneOf([*VISIT_STATUSES, DELETED]), metadata={
        "description": "deleted (booked in error) is listed only with updated_since"})
    verdict = ma.fields.String(validate=ma.validate.OneOf(VERDICTS))
    coverage_id = ma.fields.UUID()
    patient_id = ma.fields.UUID()
    external_id = ma.fields.String(validate=[ma.validate.Length(min=1, max=64),
                                             ma.validate.Regexp(r"^[A-Za-z0-9._-]+$")])


class VisitPage(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(VisitOut), required=True)


class AuthorizationListQuery(SyncQuery):
    ORDER = "ending"
    KINDS = {"ending": "du", "updated": "tu"}

    status = ma.fields.String(validate=ma.validate.OneOf(AUTH_STATUSES))
    ending_before = ma.fields.Date(metadata={"description": "end_date before this date"})
    coverage_id = ma.fields.UUID()


class AuthorizationPage(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(AuthorizationOut), required=True)
