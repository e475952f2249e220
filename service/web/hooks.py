"""Per-request plumbing: request ids, the body-size gate, metrics and one access line."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Metric and log labels come from fixed sets: a client's made-up method must not add a series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"
UNMATCHED_ROUTE = "<unmatched>"
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("coverwatch.access")


class Metrics:
    """Request counts and latencies by route template (never the path: ids stay out)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "coverwatch_http_requests", "HTTP requests", ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "coverwatch_http_request_duration_seconds", "HTTP request latency",
            ["method", "route"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25),
        )
        self.verdict_inputs = Counter(
            "coverwatch_verdict_inputs", "Verdict inputs served from memory (stamps unchanged) "
            "or read from the database", ["source"], registry=self.registry,
        )
        self._sources = {source: self.verdict_inputs.labels(source)
                         for source in ("memory", "database")}
        # The labelled series by (method, route, status): routes are templates and statuses
        # few, so this stays small, and each request skips labels()'s checks and lock.
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def verdict_input(self, source: str) -> None:
        self._sources[source].inc()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        series = self._series.get((method, route, status))
        if series is None:
            series = (self.requests.labels(method, route, str(status)),
                      self.latency.labels(method, route))
            self._series[(method, route, status)] = series
        series[0].inc()
        series[1].observe(seconds)


def register(app: Flask, metrics: Metrics) -> None:
    @app.before_request
    def start() -> None:
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        # Nothing here reads the body: an unauthenticated request must cost nothing in
        # proportion to its size. A declared length over the limit is refused at once; a
        # chunked body is cut off at the limit by werkzeug when a view reads it.
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        if request.content_length is not None and request.content_length > limit:
            abort(413)
        if request.is_json or request.blueprint == "ui":
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
