"""Operations endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import hmac
from typing import Any

import marshmallow as ma
from flask import Response, request
from flask_smorest import abort
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service import db_status
from service.web.blueprint import ApiBlueprint
from service.wiring import current_wiring

blp = ApiBlueprint("ops", __name__, description="Health checks and metrics (no API key needed).")


class HealthOut(ma.Schema):
    status = ma.fields.String(
        required=True, validate=ma.validate.OneOf(["ok", "ready", "database unreachable"]),
        metadata={"description": "ok (/healthz: the process answers); ready or database "
                                 "unreachable (/readyz)"})


@blp.route("/healthz", methods=["GET"])
@blp.doc(operationId="getHealth", security=[])
@blp.response(200, HealthOut)
def healthz() -> Any:
    """The process is up."""
    return {"status": "ok"}


@blp.route("/readyz", methods=["GET"])
@blp.doc(operationId="getReadiness", security=[])
@blp.response(200, HealthOut)
@blp.alt_response(503, schema=HealthOut, description="The database cannot be reached")
def readyz() -> Any:
    """The database answers."""
    if not db_status.answers(current_wiring().engine):
        return {"status": "database unreachable"}, 503
    return {"status": "ready"}


@blp.route("/metrics", methods=["GET"])
@blp.doc(operationId="getMetrics", security=[], responses={
    "200": {
        "description": "Prometheus text exposition format",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    },
    "401": {"description": "METRICS_TOKEN is set and the request does not carry it "
                           "(`Authorization: Bearer <token>`)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
})
def metrics() -> Response:
    """Request counts and latencies by route and status, for Prometheus."""
    wiring = current_wiring()
    token = wiring.config.metrics_token
    if token is not None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), token.encode()):
            abort(401, message="Send the metrics token: 'Authorization: Bearer <METRICS_TOKEN>'.")
    return Response(generate_latest(wiring.metrics.collected()), mimetype=CONTENT_TYPE_LATEST)
