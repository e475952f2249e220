"""Webhook endpoints API (admin scope): subscribe, rotate the secret, test, see deliveries."""

from __future__ import annotations

import uuid
from typing import Any

from apispec import APISpec
from flask import url_for

from schemas.webhooks import (
    PAYLOADS,
    WebhookDeliveryOut,
    WebhookDeliveryPage,
    WebhookDeliveryQuery,
    WebhookEndpointCreated,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookEndpointPage,
    WebhookEndpointPatch,
    WebhookEndpointQuery,
    envelope,
)
from service.domain.webhooks import EVENT_TYPES
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.paging import cursor_page
from service.webhooks import endpoints
from service.wiring import current_wiring

blp = ApiBlueprint("webhooks", __name__, url_prefix="/v1/webhook-endpoints",
                   description="Signed webhooks (Standard Webhooks): where the practice "
                               "receives events, and every delivery (admin scope). "
                               "docs/webhooks.md shows how to verify a signature.")

NO_STORE = {"Cache-Control": "no-store"}  # a body holding a secret is kept by no cache
CALLBACK = "{$request.body#/url}"


def _callbacks() -> dict[str, Any]:
    """Each event as an OpenAPI callback of the subscription: the body POSTed to the url."""
    return {event: {CALLBACK: {"post": {
        "summary": f"The {event} event",
        "parameters": [
            {"name": name, "in": "header", "required": True, "schema": {"type": "string"},
             "description": text} for name, text in (
                ("webhook-id", "msg_<hex>: the same on every retry (deduplicate by it)"),
                ("webhook-timestamp", "Seconds since the epoch when it was sent"),
                ("webhook-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body>; two, "
                                      "space-separated, during a secret's rotation"))],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{envelope(event).__name__}"}}}},
        "responses": {"2XX": {"description": "Received: any 2xx ends the retries"}},
    }}} for event in EVENT_TYPES}


def document(spec: APISpec) -> None:
    """Register each event's body as a component (the callbacks refer to them)."""
    for event in PAYLOADS:
        schema = envelope(event)
        spec.components.schema(schema.__name__, schema=schema)


@blp.route("", methods=["POST"])
@blp.doc(operationId="createWebhookEndpoint", callbacks=_callbacks())
@require("admin")
@blp.arguments(WebhookEndpointIn, example={
    "url": "https://ehr.example.com/coverwatch/events",
    "events": ["coverage.changed", "alert.opened"], "description": "EHR production"})
@blp.response(201, WebhookEndpointCreated, description="Endpoint created; `secret` is shown "
              "this once", headers={"Location": {"description": "/v1/webhook-endpoints/{id}",
                                                  "schema": {"type": "string"}}})
def create_endpoint(data: dict[str, Any]) -> Any:
    """Subscribe a URL to events. The URL must be https and public (the deployment may allow
    http and private addresses for development: WEBHOOKS_ALLOW_PRIVATE=1)."""
    wiring = current_wiring()
    issued = endpoints.create_endpoint(
        uow=wiring.uow(), clock=wiring.clock, caller=current_caller(), sealer=wiring.sealer,
        allow_private=wiring.config.webhooks_allow_private, url=data["url"],
        events=data["events"], description=data["description"])
    return issued, 201, {"Location": url_for("webhooks.get_endpoint",
                                             endpoint_id=issued.endpoint.id), **NO_STORE}


@blp.route("", methods=["GET"])
@blp.doc(operationId="listWebhookEndpoints")
@require("admin")
@blp.arguments(WebhookEndpointQuery, location="query")
@blp.response(200, WebhookEndpointPage)
def list_endpoints(args: dict[str, Any]) -> Any:
    """The practice's endpoints, newest first, by cursor; never a secret."""
    rows, last = endpoints.list_endpoints(uow=current_wiring().uow(), caller=current_caller(),
                                          part=args["slice"])
    return cursor_page(args["slice"], rows, last)


@blp.route("/<uuid:endpoint_id>", methods=["GET"])
@blp.doc(operationId="getWebhookEndpoint")
@require("admin")
@blp.response(200, WebhookEndpointOut)
def get_endpoint(endpoint_id: uuid.UUID) -> Any:
    """One endpoint; another practice's is not found."""
    return endpoints.get_endpoint(uow=current_wiring().uow(), caller=current_caller(),
                                  endpoint_id=endpoint_id)


@blp.route("/<uuid:endpoint_id>", methods=["PATCH"])
@blp.doc(operationId="updateWebhookEndpoint")
@require("admin")
@blp.arguments(WebhookEndpointPatch, example={"enabled": True})
@blp.response(200, WebhookEndpointOut)
def update_endpoint(data: dict[str, Any], endpoint_id: uuid.UUID) -> Any:
    """Change the URL, description or events, or enable and disable the endpoint."""
    wiring = current_wiring()
    return endpoints.update_endpoint(
        uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
        allow_private=wiring.config.webhooks_allow_private, endpoint_id=endpoint_id, data=data)


@blp.route("/<uuid:endpoint_id>", methods=["DELETE"])
@blp.doc(operationId="deleteWebhookEndpoint")
@require("admin")
@blp.response(204)
def delete_endpoint(endpoint_id: uuid.UUID) -> Any:
    """Stop and remove the endpoint: its waiting deliveries are cancelled."""
    wiring = current_wiring()
    endpoints.delete_endpoint(uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                              endpoint_id=endpoint_id)
    return "", 204


@blp.route("/<uuid:endpoint_id>/rotate-secret", methods=["POST"])
@blp.doc(operationId="rotateWebhookSecret")
@require("admin")
@blp.response(200, WebhookEndpointCreated, description="The new secret, shown this once")
def rotate_secret(endpoint_id: uuid.UUID) -> Any:
    """A new signing secret. For 24 hours every delivery carries two signatures, one by the
    old secret and one by the new, so the receiver can switch at its own pace."""
    wiring = current_wiring()
    issued = endpoints.rotate_secret(uow=wiring.uow(), clock=wiring.clock,
                                     caller=current_caller(), sealer=wiring.sealer,
                                     endpoint_id=endpoint_id)
    return issued, 200, NO_STORE


@blp.route("/<uuid:endpoint_id>/test", methods=["POST"])
@blp.doc(operationId="testWebhookEndpoint")
@require("admin")
@blp.response(202, WebhookDeliveryOut, description="A webhook.test event queued for this "
              "endpoint; its delivery shows how the receiver answered",
              headers={"Location": {"description": "the endpoint's deliveries",
                                    "schema": {"type": "string"}}})
def test_endpoint(endpoint_id: uuid.UUID) -> Any:
    """Send a signed `webhook.test` event to this endpoint (whatever it subscribes to)."""
    wiring = current_wiring()
    sent = endpoints.send_test(uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                               endpoint_id=endpoint_id)
    return sent, 202, {"Location": url_for("webhooks.list_deliveries",
                                           endpoint_id=endpoint_id)}


@blp.route("/<uuid:endpoint_id>/deliveries", methods=["GET"])
@blp.doc(operationId="listWebhookDeliveries")
@require("admin")
@blp.arguments(WebhookDeliveryQuery, location="query")
@blp.response(200, WebhookDeliveryPage)
def list_deliveries(args: dict[str, Any], endpoint_id: uuid.UUID) -> Any:
    """The endpoint's deliveries, newest first, by cursor, each with every attempt."""
    part = args.pop("slice")
    rows, last = endpoints.list_deliveries(uow=current_wiring().uow(), caller=current_caller(),
                                           endpoint_id=endpoint_id, part=part,
                                           state=args.get("state"))
    return cursor_page(part, rows, last)


@blp.route("/<uuid:endpoint_id>/deliveries/<int:delivery_id>/retry", methods=["POST"])
@blp.doc(operationId="retryWebhookDelivery")
@require("admin")
@blp.response(202, WebhookDeliveryOut, description="Queued to be sent again",
              headers={"Location": {"description": "the endpoint's deliveries",
                                    "schema": {"type": "string"}}})
def retry_delivery(endpoint_id: uuid.UUID, delivery_id: int) -> Any:
    """Send a delivery again (with the same webhook-id), whatever its state."""
    wiring = current_wiring()
    sent = endpoints.retry_delivery(uow=wiring.uow(), clock=wiring.clock,
                                    caller=current_caller(), endpoint_id=endpoint_id,
                                    delivery_id=delivery_id)
    return sent, 202, {"Location": url_for("webhooks.list_deliveries",
                                           endpoint_id=endpoint_id)}
