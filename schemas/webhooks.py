"""Webhook schemas: endpoints, their deliveries and attempts, and each event's payload."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from schemas.common import CursorPageOut, Strict, one_of, strict_bool
from schemas.lists import CursorQuery
from service.domain.webhooks import EVENT_TYPES, TEST_EVENT


def _d(text: str) -> dict[str, str]:
    return {"description": text}


_RUN = _d("The nightly run that asked, if any")
DELIVERY_STATES = ("pending", "delivered", "failed", "cancelled")
ATTEMPT_OUTCOMES = ("delivered", "failed", "refused")


def _events(**kwargs: Any) -> ma.fields.List:
    return ma.fields.List(one_of(EVENT_TYPES), validate=ma.validate.Length(
        min=1, max=len(EVENT_TYPES)), metadata={
        "description": "The events to receive (docs/webhooks.md describes each payload)"},
        **kwargs)


def _url(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(min=8, max=2000), metadata={
        "description": "Where events are POSTed: https, a public address"}, **kwargs)


def _description(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200), metadata={
        "description": "What the endpoint is for (the EHR, the environment)"}, **kwargs)


class WebhookEndpointIn(Strict):
    url = _url(required=True)
    events = _events(required=True)
    description = _description(load_default=None)


class WebhookEndpointPatch(Strict):
    url = _url()
    events = _events()
    description = _description()
    enabled = strict_bool(metadata={
        "description": "false stops deliveries (events still queue for the endpoint only "
                       "while it is enabled); true starts them again, the failing streak "
                       "forgotten"})

    @ma.validates_schema
    def not_empty(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ma.ValidationError("Give at least one of url, events, description, "
                                     "enabled.", "_schema")


class WebhookEndpointOut(ma.Schema):
    id = ma.fields.UUID(required=True)
    url = ma.fields.String(required=True, metadata=_d("Where events are POSTed"))
    description = ma.fields.String(required=True, allow_none=True, metadata=_d(
        "What the endpoint is for, as given"))
    events = ma.fields.List(one_of(EVENT_TYPES), required=True, attribute="event_list",
                            metadata=_d("The events it receives"))
    enabled = ma.fields.Boolean(required=True, metadata=_d(
        "false: nothing is sent to it (see disabled_reason)"))
    disabled_reason = one_of(("failing", "by_request"), required=True, allow_none=True,
                             metadata={"description": "failing: every delivery failed for 3 "
                                                      "days (an alert says so); by_request"})
    failing_since = ma.fields.AwareDateTime(required=True, allow_none=True, metadata={
        "description": "Since when every attempt has failed; null after a success"})
    previous_secret_until = ma.fields.AwareDateTime(required=True, allow_none=True, metadata={
        "description": "After a rotation: until when the previous secret signs too"})
    created_at = ma.fields.AwareDateTime(required=True)
    updated_at = ma.fields.AwareDateTime(required=True)


class WebhookEndpointCreated(ma.Schema):
    secret = ma.fields.String(required=True, metadata={
        "description": "The signing secret (whsec_…), shown this once: verify each delivery's "
                       "webhook-signature with it"})
    endpoint = ma.fields.Nested(WebhookEndpointOut, required=True, metadata=_d(
        "The endpoint as GET /v1/webhook-endpoints/{id} shows it"))


class WebhookEndpointQuery(CursorQuery):
    """Endpoints newest first, by cursor."""

    ORDER = "newest"
    KINDS = {"newest": "tu"}


class WebhookEndpointPage(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(WebhookEndpointOut), required=True)


class WebhookAttemptOut(ma.Schema):
    at = ma.fields.AwareDateTime(required=True)
    outcome = one_of(ATTEMPT_OUTCOMES, required=True, metadata={
        "description": "delivered (2xx), failed (another status, a redirect, a timeout, no "
                       "connection) or refused (the address may not be called)"})
    status_code = ma.fields.Integer(required=True, allow_none=True, metadata=_d(
        "The receiver's HTTP status; null when none came back"))
    latency_ms = ma.fields.Integer(required=True, metadata=_d(
        "Milliseconds from sending to the end of the reply (or the failure)"))
    response_body = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "The first 1,000 characters of the reply"})
    error = ma.fields.String(required=True, allow_none=True, metadata=_d(
        "Why it failed without an answer (timed out, connection failed, TLS failed, "
        "redirect not followed) or why it was refused"))


class WebhookDeliveryOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    event_id = ma.fields.UUID(required=True, metadata={
        "description": "Sent as webhook-id msg_<hex of this id>, the same on every retry"})
    event_type = one_of((*EVENT_TYPES, TEST_EVENT), required=True, metadata=_d(
        "The event's type"))
    state = one_of(DELIVERY_STATES, required=True, metadata={
        "description": "pending (waiting for its turn or its next retry), delivered, failed "
                       "(retries ran out), cancelled (the endpoint was deleted)"})
    next_attempt_at = ma.fields.AwareDateTime(required=True, allow_none=True, metadata=_d(
        "When it is tried next (pending only)"))
    created_at = ma.fields.AwareDateTime(required=True)
    delivered_at = ma.fields.AwareDateTime(required=True, allow_none=True, metadata=_d(
        "When the receiver answered 2xx"))
    payload = ma.fields.Dict(required=True, metadata={"description": "The body sent"})
    attempts = ma.fields.List(ma.fields.Nested(WebhookAttemptOut), required=True, metadata={
        "description": "Every attempt, oldest first"})


class WebhookDeliveryQuery(CursorQuery):
    """Deliveries newest first, by cursor."""

    ORDER = "newest"
    KINDS = {"newest": "i"}

    state = one_of(DELIVERY_STATES, metadata={"description": "Only deliveries in this state"})


class WebhookDeliveryPage(CursorPageOut):
    items = ma.fields.List(ma.fields.Nested(WebhookDeliveryOut), required=True)


# Payloads: what each event's `data` holds. Ids and codes only, never names, birth dates or
# member ids.


def _id(**kwargs: Any) -> ma.fields.UUID:
    return ma.fields.UUID(required=True, **kwargs)


class CheckCompletedData(ma.Schema):
    check_id = _id()
    coverage_id = _id()
    payer = ma.fields.String(required=True, metadata={"description": "Payer directory id"})
    status = one_of(("active", "inactive", "rejected", "error"), required=True, metadata=_d(
        "The check's outcome (GET /v1/eligibility-checks/{id} has the details)"))
    error_code = ma.fields.String(required=True, allow_none=True, metadata=_d(
        "A rejection's or failure's stable code"))
    service_types = ma.fields.List(ma.fields.String(), required=True)
    service_date = ma.fields.Date(required=True, allow_none=True)
    carve_out_of_id = _id(allow_none=True, metadata=_d(
        "The check this one followed to a carve-out payer"))
    reverification_run_id = _id(allow_none=True, metadata=_RUN)
    checked_at = ma.fields.AwareDateTime(required=True, allow_none=True, metadata=_d(
        "When the outcome was stored"))


# A benefit's value: an amount or a rate as a decimal string, a date, a status, a flag.
_VALUE = {"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}],
          "description": "The value before (or after): null when the answer did not state it"}


class BenefitChange(ma.Schema):
    field = ma.fields.String(required=True, metadata={
        "description": "status, plan_begin, plan_end, copay, coinsurance, deductible, "
                       "deductible_remaining, out_of_pocket, out_of_pocket_remaining, "
                       "visit_limit, visit_limit_remaining, auth_required, carve_out"})
    before = ma.fields.Raw(required=True, allow_none=True, metadata=_VALUE)
    after = ma.fields.Raw(required=True, allow_none=True, metadata=_VALUE)


class CoverageChangedData(ma.Schema):
    coverage_id = _id()
    check_id = _id()
    previous_check_id = _id()
    reverification_run_id = _id(allow_none=True, metadata=_RUN)
    changes = ma.fields.List(ma.fields.Nested(BenefitChange), required=True)


class AlertData(ma.Schema):
    alert_id = _id(metadata=_d("The alert (GET /v1/alerts)"))
    kind = ma.fields.String(required=True, metadata=_d("The alert's kind (docs/ledger.md)"))
    coverage_id = _id(allow_none=True)
    subject_id = ma.fields.String(required=True, metadata=_d(
        "What it is about: an authorization, visit or coverage id (with the field that "
        "changed), or a webhook endpoint's id"))


class AlertResolvedData(AlertData):
    resolved_at = ma.fields.AwareDateTime(required=True, allow_none=True, metadata=_d(
        "When it was marked handled"))


class VisitVerdictChangedData(ma.Schema):
    visit_id = _id(metadata=_d("The visit (GET /v1/visits/{id})"))
    external_id = ma.fields.String(required=True, allow_none=True)
    coverage_id = _id()
    date = ma.fields.Date(required=True)
    code = ma.fields.String(required=True)
    visit_status = ma.fields.String(required=True, metadata=_d(
        "The visit's status (scheduled, completed ..., deleted)"))
    before = one_of(("covered", "at_risk", "not_covered"), required=True, allow_none=True,
                    metadata=_d("The verdict before; null for a new visit"))
    after = one_of(("covered", "at_risk", "not_covered"), required=True, allow_none=True,
                   metadata=_d("The verdict now; null once the visit is no longer to come"))
    reasons = ma.fields.List(ma.fields.String(), required=True)
    authorization_id = _id(allow_none=True)


class AuthorizationUpdatedData(ma.Schema):
    authorization_id = _id()
    coverage_id = _id()
    action = ma.fields.String(required=True, metadata={
        "description": "create, update, from-278 (an imported 278)"})
    changed = ma.fields.List(ma.fields.String(), required=True, metadata=_d(
        "The fields given or changed"))
    status = ma.fields.String(required=True, metadata=_d("approved, pending or denied"))
    unit = ma.fields.String(required=True)
    quantity = ma.fields.Integer(required=True)
    used = ma.fields.Integer(required=True)
    reserved = ma.fields.Integer(required=True)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)
    codes = ma.fields.List(ma.fields.String(), required=True)


class RunFinishedData(ma.Schema):
    run_id = _id()
    status = ma.fields.String(required=True, metadata=_d("finished"))
    finished_at = ma.fields.AwareDateTime(required=True, allow_none=True, metadata=_d(
        "When its last coverage was checked"))


class TestData(ma.Schema):
    endpoint_id = _id(metadata=_d("The endpoint tested"))


PAYLOADS: dict[str, type[ma.Schema]] = {
    "eligibility_check.completed": CheckCompletedData,
    "coverage.changed": CoverageChangedData,
    "alert.opened": AlertData,
    "alert.resolved": AlertResolvedData,
    "visit.verdict_changed": VisitVerdictChangedData,
    "authorization.updated": AuthorizationUpdatedData,
    "reverification_run.finished": RunFinishedData,
    TEST_EVENT: TestData,
}


def envelope(event_type: str) -> type[ma.Schema]:
    """The body of one event type: {id, type, timestamp, data}."""
    return ma.Schema.from_dict({
        "id": ma.fields.String(required=True, metadata={"description": "evt_<hex>"}),
        "type": one_of((event_type,), required=True, metadata=_d("The event's type")),
        "timestamp": ma.fields.AwareDateTime(required=True, metadata=_d(
            "When the change happened")),
        "data": ma.fields.Nested(PAYLOADS[event_type], required=True, metadata=_d(
            "What changed: ids and codes only")),
    }, name=f"Webhook{PAYLOADS[event_type].__name__.removesuffix('Data')}Event")
