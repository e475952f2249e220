"""Eligibility check schemas: the request, the stored check, and the benefits summary."""

from __future__ import annotations

import marshmallow as ma

from payers.x12.codes import AaaReason, FollowUpAction, TimePeriod
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

# Where an AAA can stand in a 271: a level (2000A payer ... 2000D dependent) or its name loop.
REJECTION_LOOPS = tuple(f"{loop}{level}" for loop in ("2000", "2100") for level in "ABCD")
REJECT_REASONS = tuple(code.value for code in AaaReason)
FOLLOW_UPS = tuple(code.value for code in FollowUpAction)
# The summary names a visit limit's period by its EB06 description ("Calendar Year").
PERIODS = tuple(period.description for period in TimePeriod)
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
    deductible = ma.fields.Nested(AmountsOut, required=True, metadata={
        "description": "The deductible: its total and what is left to meet"})
    out_of_pocket = ma.fields.Nested(AmountsOut, required=True, metadata={
        "description": "The out-of-pocket maximum: its total and what is left to meet"})


class VisitLimitOut(ma.Schema):
    # A count, but a payer may state a fraction: a decimal string like the money figures.
    total = ma.fields.Decimal(as_string=True, allow_none=True, required=True, metadata={
        "description": "Visits the plan allows in the period, as a decimal string"})
    remaining = ma.fields.Decimal(as_string=True, allow_none=True, required=True, metadata={
        "description": "Visits left in the period, as a decimal string"})
    period = one_of(PERIODS, allow_none=True, required=True, metadata={
        "description": "The period the limit is counted over (X12 EB06, e.g. Calendar Year); "
                       "null when the payer stated none"})


class PlanOut(ma.Schema):
    name = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "The plan's name as the payer states it; null when not stated"})
    group_number = ma.fields.String(allow_none=True, required=True)
    begin = ma.fields.String(allow_none=True, required=True, metadata={
        "format": "date", "description": "The plan period's first day (YYYY-MM-DD); null "
                                         "when the payer stated no plan dates"})
    end = ma.fields.String(allow_none=True, required=True, metadata={
        "format": "date", "description": "The plan's end (a renewal) or, without plan dates, "
                                         "the member's eligibility end"})
    eligibility_end = ma.fields.String(allow_none=True, metadata={
        "format": "date", "description": "The member's own eligibility end (DTP 357): after it "
                                         "nothing is covered"})


class CarveOutOut(ma.Schema):
    name = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "The organisation that manages behavioral health benefits instead of "
                       "the payer; null when not named"})
    payer_id = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Its X12 payer id, to ask it directly; null when not given"})
    phone = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Its phone number as the payer gave it; null when not given"})


class RejectionOut(ma.Schema):
    code = one_of(REJECT_REASONS, required=True, metadata={
        "description": "The AAA reject reason (AAA03, X12 element 901)"})
    description = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "The reason code's meaning in X12's words"})
    follow_up = one_of(FOLLOW_UPS, allow_none=True, required=True, metadata={
        "description": "The payer's follow-up action code (AAA04): C correct and resubmit, "
                       "N resubmission not allowed, P resubmit, R resubmission allowed, S and "
                       "Y do not resubmit, W wait 30 days, X wait 10 days"})
    loop = one_of(REJECTION_LOOPS, required=True, metadata={
        "description": "Where in the 271 the payer refused: 2000A/2100A the payer, B the "
                       "provider, C the subscriber, D the dependent"})
    retryable = ma.fields.Boolean(required=True, metadata={
        "description": "Whether asking again later may get an answer (the payer was "
                       "unavailable), as opposed to correcting the request first"})
    action = ma.fields.String(metadata={"description": "What the front desk should do next"})


class SummaryOut(ma.Schema):
    active = ma.fields.Boolean(allow_none=True, required=True, metadata={
        "description": "Whether the coverage is active on the date asked; null when the "
                       "payer did not say"})
    plan = ma.fields.Nested(PlanOut, required=True, metadata={
        "description": "The plan's name, group and dates"})
    in_network = ma.fields.Nested(CostShareOut, required=True, metadata={
        "description": "Mental-health cost shares in the plan's network"})
    out_of_network = ma.fields.Nested(CostShareOut, required=True, metadata={
        "description": "Mental-health cost shares out of the plan's network"})
    visit_limit = ma.fields.Nested(VisitLimitOut, required=True, metadata={
        "description": "The plan's limit on visits (figures null when the payer states none)"})
    auth_required = ma.fields.Boolean(allow_none=True, required=True, metadata={
        "description": "Whether the payer requires a prior authorization; null when it did "
                       "not say"})
    carve_out = ma.fields.Nested(CarveOutOut, allow_none=True, required=True, metadata={
        "description": "Who manages behavioral health benefits when another organisation "
                       "does; null when the payer itself does"})
    messages = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Free-text notes of the payer (MSG segments), in its order"})
    rejections = ma.fields.List(ma.fields.Nested(RejectionOut), required=True, metadata={
        "description": "The payer's refusals (AAA segments); empty when it answered"})


class ErrorOut(ma.Schema):
    code = one_of(ERROR_MESSAGES, required=True, metadata={
        "description": "Why no usable answer came: " + "; ".join(
            f"{code}: {text}" for code, text in ERROR_MESSAGES.items())})
    message = ma.fields.String(required=True)


class X12Out(ma.Schema):
    request = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "The 270 sent, as X12 text; null when none was built"})
    response = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "The payer's reply (271) as X12 text; null when none came"})


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
    routes_tried = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Directory ids of the routes asked, in order (a failover tries more "
                       "than one)"})
    status = one_of(CHECK_STATUSES, required=True, metadata={
        "description": "active, inactive, rejected or error (pending while the payer is asked)"})
    reused = ma.fields.Boolean(required=True, metadata={
        "description": "true when a recent answer to the same question was reused and the "
                       "payer was not asked again"})
    service_types = ma.fields.List(ma.fields.String(), required=True)
    service_date = ma.fields.Date(allow_none=True, required=True)
    provider_npi = ma.fields.String(required=True)
    network_status = one_of(NETWORK, required=True)
    started_at = ma.fields.AwareDateTime(required=True, metadata={
        "description": "When the check began (ISO 8601, UTC)"})
    checked_at = ma.fields.AwareDateTime(allow_none=True, required=True, metadata={
        "description": "When the payer's answer (or the failure) was stored; null while "
                       "pending"})
    elapsed_ms = ma.fields.Float(allow_none=True, required=True, metadata={
        "description": "How long the payer took, in milliseconds; null while pending"})
    summary = ma.fields.Nested(SummaryOut, allow_none=True, required=True, metadata={
        "description": "The benefits read from the answer; null while pending or on error"})
    rejections = ma.fields.List(ma.fields.Nested(RejectionOut), required=True, metadata={
        "description": "The payer's refusals, each with what the front desk should do; empty "
                       "unless status is rejected"})
    error = ma.fields.Nested(ErrorOut, allow_none=True, required=True, metadata={
        "description": "Why no usable answer came; null unless status is error"})
    carve_out_check_id = ma.fields.UUID(allow_none=True, required=True, metadata={
        "description": "The check asked of the carve-out organisation this answer named; "
                       "null when none was asked"})
    carve_out_of_id = ma.fields.UUID(allow_none=True, required=True, metadata={
        "description": "The check whose answer named the carve-out this check asked; null "
                       "for a check asked directly"})
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
