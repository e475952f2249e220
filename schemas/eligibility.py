"""Eligibility check schemas: the request and the stored check (its summary: schemas/summary.py)."""

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
from schemas.manual_verifications import PhoneCallOut
from schemas.summary import RejectionOut, SummaryOut
from service.domain.dates import SERVICE_DATE
from service.domain.eligibility import CHECK_STATUSES, ERROR_MESSAGES
from service.domain.identifiers import npi_is_valid

SOURCES = ("payer", "phone")
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
    source = one_of(SOURCES, required=True, metadata={
        "description": "payer: the payer's answer to a 270; phone: what the payer said on a "
                       "call, recorded by the front desk (POST "
                       "/v1/coverages/{id}/manual-verifications), never sent to a payer"})
    phone_call = ma.fields.Nested(PhoneCallOut, allow_none=True, required=True, metadata={
        "description": "Who answered the call and its reference; null unless source is "
                       "phone"})
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
