"""The app's Prometheus metrics: HTTP requests by route, and where verdict inputs came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess


class Metrics:
    """Request counts and latencies by route template (never the path: ids stay out)."""

    def __init__(self, *, multiprocess_dir: Path | None = None) -> None:
        self.multiprocess_dir = multiprocess_dir
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

    def collected(self) -> CollectorRegistry:
        """What /metrics shows: this process's registry, or, under gunicorn, every worker's."""
        if self.multiprocess_dir is None:
            return self.registry
        # Each worker counts on its own and writes to the folder; this adds them all up.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(self.multiprocess_dir))
        return registry
