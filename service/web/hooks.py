"""Per-request plumbing: request ids, the body-size gate, metrics and one access line."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from flask import Flask, Response, abort, current_app, g, request

from schemas.common import forget_clock, use_clock
from service.metrics import Metrics

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Metric and log labels come from fixed sets: a client's made-up method must not add a series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"
UNMATCHED_ROUTE = "<unmatched>"
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("coverwatch.access")


def register(app: Flask, *, metrics: Metrics, clock: Callable[[], datetime]) -> None:
    @app.before_request
    def start() -> None:
        g.started = time.perf_counter()
        # Schemas judge dates ("not in the future") by this app's clock, a test's fake one too.
        g.schema_clock = use_clock(clock)
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        # Nothing here reads the body: an unauthenticated request must cost nothing in
        # proportion to its size. A declared length over the limit is refused at once; a
        # chunked body is cut off at the limit by werkzeug when a view reads it.
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        if request.content_length is not None and request.content_length > limit:
            abort(413)
        if request.is_json or request.blueprint in ("ui", "fhir"):
            # The front desk posts forms; FHIR searches may too (/fhir judges its bodies).
            return
        if request.method in BODY_METHODS and request.content_length and \
                request.routing_exception is None:
            # Bodies of this API are JSON; anything else is refused up front. (A write that
            # needs a body and has none is a 422 from its schema, after authentication.)
            abort(415)

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        route = request.url_rule.rule if request.url_rule else UNMATCHED_ROUTE
        method = request.method if request.method in METHODS else OTHER_METHOD
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        metrics.observe(method, route, response.status_code, elapsed)
        log.info(
            "%s %s %s", method, route, response.status_code,
            extra={"method": method, "route": route, "status": response.status_code,
                   "duration_ms": round(elapsed * 1000, 2)},
        )
        return response

    @app.teardown_request
    def drop_clock(_error: BaseException | None) -> None:
        token = g.pop("schema_clock", None)
        if token is not None:
            forget_clock(token)
