"""Schemas of practice configuration, alerts and reports."""

from __future__ import annotations

import marshmallow as ma

from schemas.common import PageOut, Strict, one_of, strict_bool
from schemas.lists import PagedCursorQuery
from service.domain.alerts import KINDS as KINDS_OF_ALERTS


class CountingIn(Strict):
    scheduled_reserves = strict_bool(load_default=True)
    late_cancel_uses = strict_bool(load_default=False)
    no_show_uses = strict_bool(load_default=False)


class ThresholdsIn(Strict):
    unverified_days = ma.fields.Integer(
        strict=True, load_default=30, validate=ma.validate.Range(min=1, max=365)
    )
    auth_low_threshold = ma.fields.Integer(
        strict=True, load_default=2, validate=ma.validate.Range(min=0, max=100)
    )
    auth_expiring_days = ma.fields.Integer(
        strict=True, load_default=14, validate=ma.validate.Range(min=0, max=365)
    )
    visit_limit_low_threshold = ma.fields.Integer(
        strict=True, load_default=2, validate=ma.validate.Range(min=0, max=100)
    )


class SettingsIn(Strict):
    counting = ma.fields.Nested(CountingIn, load_default=dict)
    thresholds = ma.fields.Nested(ThresholdsIn, load_default=dict)


class CountingOut(ma.Schema):
    scheduled_reserves = ma.fields.Boolean(required=True)
    late_cancel_uses = ma.fields.Boolean(required=True)
    no_show_uses = ma.fields.Boolean(required=True)


class ThresholdsOut(ma.Schema):
    unverified_days = ma.fields.Integer(strict=True, required=True)
    auth_low_threshold = ma.fields.Integer(strict=True, required=True)
    auth_expiring_days = ma.fields.Integer(strict=True, required=True)
    visit_limit_low_threshold = ma.fields.Integer(strict=True, required=True)


class SettingsOut(ma.Schema):
    counting = ma.fields.Nested(CountingOut, required=True)
    thresholds = ma.fields.Nested(ThresholdsOut, required=True)


class AlertQuery(PagedCursorQuery):
    ORDER = "kind"
    KINDS = {"kind": "sfs", "updated": "ts"}

    kind = one_of(KINDS_OF_ALERTS)
    coverage_id = ma.fields.UUID()
    include_resolved = ma.fields.Boolean(load_default=False)


class AlertOut(ma.Schema):
    id = ma.fields.UUID(required=True)
    kind = one_of(KINDS_OF_ALERTS, required=True, metadata={
        "description": "What the alert is about; docs/ledger.md describes each kind"})
    coverage_id = ma.fields.UUID(allow_none=True, required=True)
    patient_id = ma.fields.UUID(allow_none=True, required=True, metadata={
        "description": "The coverage's patient (null for an alert about no coverage)"})
    subject_id = ma.fields.String(required=True, metadata={
        "description": "The id of the record the alert is about: the authorization, "
                       "coverage or visit, as kind says"})
    message = ma.fields.String(required=True)
    data = ma.fields.Dict(required=True, metadata={
        "description": "The figures behind the alert (remaining, end date...), by name; "
                       "which names depends on kind"})
    created_at = ma.fields.AwareDateTime(required=True)
    resolved_at = ma.fields.AwareDateTime(allow_none=True, required=True, metadata={
        "description": "When someone marked it resolved; null while open"})
    resolved_by = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Who resolved it (api_key:<id> or user:<id>); null while open"})


class AlertList(PageOut):
    items = ma.fields.List(ma.fields.Nested(AlertOut), required=True)


class CodeMixQuery(Strict):
    from_ = ma.fields.Date(data_key="from")
    to = ma.fields.Date()
    threshold = ma.fields.Float(load_default=0.8, validate=ma.validate.Range(min=0, max=1))


class CodeMixRow(ma.Schema):
    provider_npi = ma.fields.String(allow_none=True, required=True)
    counts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(
            strict=True,
        ),
        required=True,
        metadata={"description": "Visits in the range by psychotherapy code (90832, "
                                 "90834, 90837)"},
    )
    sessions = ma.fields.Integer(strict=True, required=True, metadata={
        "description": "The sum of counts"})
    share_90837 = ma.fields.Float(required=True, metadata={
        "description": "The share of sessions billed 90837, from 0 to 1 (3 places)"})
    flagged = ma.fields.Boolean(required=True, metadata={
        "description": "true when the share is above the threshold over enough sessions to "
                       "mean something"})


class CodeMixOut(ma.Schema):
    threshold = ma.fields.Float(required=True, metadata={
        "description": "The share of 90837 above which a provider is flagged (0 to 1)"})
    providers = ma.fields.List(ma.fields.Nested(CodeMixRow), required=True, metadata={
        "description": "One row per rendering provider (provider_npi null: visits "
                       "without one), the highest share first"})
