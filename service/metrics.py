"""The app's Prometheus metrics: HTTP requests by route, where verdict inputs came from, and
the payer routes' health."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from service.domain.route_health import RouteHealth


class RouteFigures(Protocol):
    """One route's health as service/eligibility/health.py reports it."""

    @property
    def route(self) -> str: ...
    @property
    def circuit(self) -> str: ...
    @property
    def health(self) -> RouteHealth: ...


# Gauge name, help, and the figure of a route (None: no figure, no sample).
ROUTE_GAUGES: tuple[tuple[str, str, Callable[[RouteFigures], float | None]], ...] = (
    ("checks", "Finished checks on the route in the last 24 hours",
     lambda r: r.health.checks),
    ("success_share", "Share of the route's checks the payer answered (24 h)",
     lambda r: r.health.success_share),
    ("latency_p50_seconds", "Median latency of the route's checks (24 h)",
     lambda r: None if r.health.p50_ms is None else r.health.p50_ms / 1000),
    ("latency_p95_seconds", "95th percentile latency of the route's checks (24 h)",
     lambda r: None if r.health.p95_ms is None else r.health.p95_ms / 1000),
    ("within_20s_share", "Share of the route's checks answered within CORE's 20 s (24 h)",
     lambda r: r.health.within_budget_share),
    ("circuit_open", "1 while the route's circuit breaker is open in this process",
     lambda r: 1.0 if r.circuit == "open" else 0.0),
    ("degraded", "1 when the route is degraded (docs/payers.md)",
     lambda r: 1.0 if r.health.degraded else 0.0),
)


class RouteHealthCollector(Collector):
    """The payer routes' health gauges, computed from the stored checks at each scrape."""

    def __init__(self, source: Callable[[], Sequence[RouteFigures]]) -> None:
        self.source = source

    def collect(self) -> Iterator[GaugeMetricFamily]:
        reports = self.source()
        for name, text, figure in ROUTE_GAUGES:
            family = GaugeMetricFamily(f"coverwatch_payer_route_{name}", text,
                                       labels=["route"])
            for report in reports:
                value = figure(report)
                if value is not None:
                    family.add_metric([report.route], float(value))
            yield family


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
        self._routes: RouteHealthCollector | None = None

    def watch_routes(self, source: Callable[[], Sequence[RouteFigures]]) -> None:
        """Show the payer routes' health gauges, read from `source` at each scrape."""
        self._routes = RouteHealthCollector(source)
        self.registry.register(self._routes)

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
        if self._routes is not None:
            # Read from the database, so the same in every worker: shown once.
            registry.register(self._routes)
        return registry
