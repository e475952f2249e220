"""Eligibility check schemas: the request, the stored check, and the benefits summary."""

from __future__ import annotations

import marshmallow as ma

from schemas.common import (
    CursorPageOut,
    PageOut,
    Strict,
    one_of,
    strict_bool,
    window_date,
)
from schemas.coverages import NETWORK, RELATIONSHIPS
from schemas.lists import PagedCursorQuery, SyncQuery
from service.domain.dates import SERVICE_DATE
from service.domain.eligibility import CHECK_STATUSES, ERROR_MESSAGES
from service.domain.identifiers import npi_is_valid

SERVICE_TYPE = ma.validate.Regexp(r"^[A-Z0-9]{1,2}$", error="Not an X12 service type code.")


def _npi(value: str) -> None:
    if not npi_is_valid(value):
        raise ma.ValidationError("Not a valid NPI: 10 digits with a correct check digit.")


class CheckIn(Strict):
    coverage_id = ma.fields.UUID(required=True)
    service_types = ma.fields.List(
        ma.fields.String(validate=SERVICE_TYPE), validate=ma.validate.Length(min=1, max=99),
        metadata={"description": "X12 service type codes (EQ01), e.g. ['MH', 'A6']; "
                                 "default: the payer's configured list"},
    )
    service_date = window_date(SERVICE_DATE, metadata={"description": "Date of the visit "
                                                                      "(DTP*291)"})
    provider_npi = ma.fields.String(
        validate=_npi, metadata={"description": "Rendering provider's NPI; default: the "
                                                "practice's billing NPI"},
    )
    force = strict_bool(
        load_default=False,
        metadata={"description": "Ask the payer even if a recent answer could be reused"},
    )


class PreferIn(ma.Schema):
    """Request headers read by POST /v1/eligibility-checks (others are let through)."""

    class Meta:
        unknown = ma.EXCLUDE

    prefer = ma.fields.String(
        data_key="Prefer",
        metadata={"description": "respond-async: answer 202 at once with the pending check "
                                 "(Location names it) and ask the payer in the background"})


class CheckQuery(Strict):
    include = ma.fields.String(
        validate=ma.validate.OneOf(["x12"]),
        metadata={"description": "x12: add the raw 270 and 271 (admin scope)"},
    )


MONEY = "A decimal string, never a number"


class AmountsOut(ma.Schema):
    total = ma.fields.Decimal(as_string=True, allow_none=True, required=True, metadata={
        "description": f"For the plan period. {MONEY}"})
    remaining = ma.fields.Decimal(as_string=True, allow_none=True, required=True, metadata={
        "description": f"Left to meet in the plan period. {MONEY}"})


class CostShareOut(ma.Schema):
    copay = ma.fields.Decimal(as_string=True, allow_none=True, required=True, metadata={
        "description": f"Per visit. {MONEY}"})
    coinsurance = ma.fields.Decimal(as_string=True, allow_none=True, required=True, metadata={
        "description": f"The patient's share as a rate: \"0.20\" is 20 %. {MONEY}"})
    deductible = ma.fields.Nested(AmountsOut, required=True)
    out_of_pocket = ma.fields.Nested(AmountsOut, required=True)


class VisitLimitOut(ma.Schema):
    # A count, but a payer may state a fraction: a decimal string like the money figures.
    total = ma.fields.Decimal(as_string=True, allow_none=True, required=True, metadata={
        "description": "Visits the plan allows in the period, as a decimal string"})
    remaining = ma.fields.Decimal(as_string=True, allow_none=True, required=True, metadata={
        "description": "Visits left in the period, as a decimal string"})
    period = ma.fields.String(allow_none=True, required=True)


class PlanOut(ma.Schema):
    name = ma.fields.String(allow_none=True, required=True)
    group_number = ma.fields.String(allow_none=True, required=True)
    begin = ma.fields.String(allow_none=True, required=True, metadata={"format": "date"})
    end = ma.fields.String(allow_none=True, required=True, metadata={
        "format": "date", "description": "The plan's end (a renewal) or, without plan dates, "
                                         "the member's eligibility end"})
    eligibility_end = ma.fields.String(allow_none=True, metadata={
        "format": "date", "description": "The member's own eligibility end (DTP 357): after it "
                                         "nothing is covered"})


class CarveOutOut(ma.Schema):
    name = ma.fields.String(allow_none=True, required=True)
    payer_id = ma.fields.String(allow_none=True, required=True)
    phone = ma.fields.String(allow_none=True, required=True)


class RejectionOut(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "AAA reject reason"})
    description = ma.fields.String(allow_none=True, required=True)
    follow_up = ma.fields.String(allow_none=True, required=True)
    loop = ma.fields.String(required=True)
    retryable = ma.fields.Boolean(required=True)
    action = ma.fields.String(metadata={"description": "What the front desk should do next"})


class SummaryOut(ma.Schema):
    active = ma.fields.Boolean(allow_none=True, required=True)
    plan = ma.fields.Nested(PlanOut, required=True)
    in_network = ma.fields.Nested(CostShareOut, required=True)
    out_of_network = ma.fields.Nested(CostShareOut, required=True)
    visit_limit = ma.fields.Nested(VisitLimitOut, required=True)
    auth_required = ma.fields.Boolean(allow_none=True, required=True)
    carve_out = ma.fields.Nested(CarveOutOut, allow_none=True, required=True)
    messages = ma.fields.List(ma.fields.String(), required=True)
    rejections = ma.fields.List(ma.fields.Nested(RejectionOut), required=True)


class ErrorOut(ma.Schema):
    code = one_of(ERROR_MESSAGES, required=True, metadata={
        "description": "Why no usable answer came: " + "; ".join(
            f"{code}: {text}" for code, text in ERROR_MESSAGES.items())})
    message = ma.fields.String(required=True)


class X12Out(ma.Schema):
    request = ma.fields.String(allow_none=True, required=True)
    response = ma.fields.String(allow_none=True, required=True)


class QuestionOut(ma.Schema):
    route = ma.fields.String(required=True, metadata={"description": "Directory id asked"})
    payer_id = ma.fields.String(required=True, metadata={"description": "Its X12 payer id"})
    relationship = one_of(RELATIONSHIPS, required=True)
    subscriber_named = ma.fields.Boolean(required=True, metadata={
        "description": "Whether the 270 named a subscriber apart from the patient"})
    service_types = ma.fields.List(ma.fields.String(), required=True)
    service_date = ma.fields.String(allow_none=True, required=True, metadata={"format": "date"})
    provider_npi = ma.fields.String(required=True)


class CheckOut(ma.Schema):
    id = ma.fields.UUID(required=True)
    coverage_id = ma.fields.UUID(required=True)
    payer = ma.fields.String(required=True, metadata={"description": "Directory id asked"})
    route = ma.fields.String(allow_none=True, required=True,
                             metadata={"description": "Directory id of the route that answered"})
    routes_tried = ma.fields.List(ma.fields.String(), required=True)
    status = one_of(CHECK_STATUSES, required=True, metadata={
        "description": "active, inactive, rejected or error (pending while the payer is asked)"})
    reused = ma.fields.Boolean(required=True)
    service_types = ma.fields.List(ma.fields.String(), required=True)
    service_date = ma.fields.Date(allow_none=True, required=True)
    provider_npi = ma.fields.String(required=True)
    network_status = one_of(NETWORK, required=True)
    started_at = ma.fields.AwareDateTime(required=True)
    checked_at = ma.fields.AwareDateTime(allow_none=True, required=True)
    elapsed_ms = ma.fields.Float(allow_none=True, required=True)
    summary = ma.fields.Nested(SummaryOut, allow_none=True, required=True)
    rejections = ma.fields.List(ma.fields.Nested(RejectionOut), required=True)
    error = ma.fields.Nested(ErrorOut, allow_none=True, required=True)
    carve_out_check_id = ma.fields.UUID(allow_none=True, required=True)
    carve_out_of_id = ma.fields.UUID(allow_none=True, required=True)
    x12 = ma.fields.Nested(X12Out, metadata={"description": "Only with include=x12"})
    question = ma.fields.Nested(QuestionOut, allow_none=True, required=True, metadata={
        "description": "What was asked (besides the member's id, names and birth dates, "
                       "which the raw 270 holds): an answer is reused only for the same "
                       "question about the coverage as it is now. None on checks stored "
                       "before questions were recorded"})


class CheckPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(CheckOut), required=True)


class HistoryQuery(PagedCursorQuery):
    """A coverage's checks, newest first, by page number or by cursor."""

    ORDER = "newest"
    KINDS = {"newest": "tu", "updated": "tu"}


class CheckListQuery(SyncQuery):
    ORDER = "newest"
    KINDS = {"newest": "tu", "updated": "tu"}

    coverage_id = ma.fields.UUID()
    status = ma.fields.String(validate=ma.validate.OneOf(CHECK_STATUSES))
    since = ma.fields.AwareDateTime(metadata={
        "description": "Checks started at or after this instant (ISO 8601 with an offset)"})


class CheckList(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(CheckOut), required=True)
