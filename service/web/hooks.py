"""Per-request plumbing: request ids, the body-size gate, metrics and one access line."""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable
from datetime import datetime

from flask import Flask, Response, abort, g, request

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
        # The proxies are resolved once: each use of request or g looks up the context again.
        req, ctx = request._get_current_object(), g._get_current_object()  # type: ignore[attr-defined]
        ctx.started = time.perf_counter()
        # Schemas judge dates ("not in the future") by this app's clock, a test's fake one too.
        ctx.schema_clock = use_clock(clock)
        incoming = req.headers.get("X-Request-ID", "")
        # A request id must be unique, not secret: 128 random bits as 32 hex digits (a uuid4's
        # form), without the system call (and the thread switch it allows) os.urandom makes.
        # random reseeds itself in each forked worker.
        ctx.request_id = incoming if REQUEST_ID_RE.match(incoming) else \
            f"{random.getrandbits(128):032x}"  # noqa: S311
        # Nothing here reads the body: an unauthenticated request must cost nothing in
        # proportion to its size. A declared length over the limit is refused at once; a
        # chunked body is cut off at the limit by werkzeug when a view reads it.
        length = req.content_length
        if length is not None and length > app.config["MAX_CONTENT_LENGTH"]:
            abort(413)
        if req.is_json or req.blueprint in ("ui", "fhir"):
            # The front desk posts forms; FHIR searches may too (/fhir judges its bodies).
            return
        if req.method in BODY_METHODS and length and req.routing_exception is None:
            # Bodies of this API are JSON; anything else is refused up front. (A write that
            # needs a body and has none is a 422 from its schema, after authentication.)
            abort(415)

    @app.after_request
    def finish(response: Response) -> Response:
        req, ctx = request._get_current_object(), g._get_current_object()  # type: ignore[attr-defined]
        response.headers["X-Request-ID"] = ctx.get("request_id", "")
        rule = req.url_rule
        route = rule.rule if rule else UNMATCHED_ROUTE
        method = req.method if req.method in METHODS else OTHER_METHOD
        elapsed = time.perf_counter() - ctx.get("started", time.perf_counter())
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
