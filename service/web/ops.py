"""Operations endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import hmac
import logging
import os
from typing import Any

import marshmallow as ma
from flask import Response, request
from flask_smorest import abort
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from service.web.blueprint import ApiBlueprint
from service.web.context import ext

blp = ApiBlueprint("ops", __name__, description="Health checks and metrics (no API key needed).")
log = logging.getLogger("coverwatch.ops")


class HealthOut(ma.Schema):
    status = ma.fields.String(required=True)


@blp.route("/healthz", methods=["GET"])
@blp.doc(security=[])
@blp.response(200, HealthOut)
def healthz() -> Any:
    """The process is up."""
    return {"status": "ok"}


@blp.route("/readyz", methods=["GET"])
@blp.doc(security=[])
@blp.response(200, HealthOut)
@blp.alt_response(503, schema=HealthOut, description="The database cannot be reached")
def readyz() -> Any:
    """The database answers."""
    try:
        with ext().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("readiness check failed: database unreachable")
        return {"status": "database unreachable"}, 503
    return {"status": "ready"}


@blp.route("/metrics", methods=["GET"])
@blp.doc(security=[], responses={
    "200": {
        "description": "Prometheus text exposition format",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    },
    "401": {"description": "METRICS_TOKEN is set and the request does not carry it "
                           "(`Authorization: Bearer <token>`)"},
})
def metrics() -> Response:
    """Request counts and latencies by route and status, for Prometheus."""
    token = ext().config.metrics_token
    if token is not None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), token.encode()):
            abort(401, message="Send the metrics token: 'Authorization: Bearer <METRICS_TOKEN>'.")
    registry = ext().metrics.registry
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Under gunicorn each worker counts on its own; the folder holds them all.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
