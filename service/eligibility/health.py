"""Use case: a payer's health, route by route, over the last 24 hours of stored checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from payers.registry import PayerRegistry
from service.db.uow import UnitOfWork
from service.domain.errors import NotFound
from service.domain.route_health import Outcome, RouteHealth, route_health

WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class RouteReport:
    route: str
    connectivity: str
    circuit: str  # closed, open or half-open (payers/breaker.py), in this process
    health: RouteHealth


def payer_health(*, uow: UnitOfWork, clock: Callable[[], datetime], registry: PayerRegistry,
                 payer: str) -> tuple[datetime, list[RouteReport]]:
    """Since when, and each route of `payer` (a payer or one route's id) in failover order;
    NotFound for a payer the directory does not have."""
    routes = registry.routes_of(registry.entry(payer).payer_key) \
        if payer in registry.ids() else []
    if not routes:
        raise NotFound("payer")
    since = clock() - WINDOW
    return since, _reports(uow, registry, routes, since)


def every_route_health(*, uow: UnitOfWork, clock: Callable[[], datetime],
                       registry: PayerRegistry) -> list[RouteReport]:
    """Each route of the directory over the last 24 hours (the Prometheus gauges)."""
    return _reports(uow, registry, list(registry.entries), clock() - WINDOW)


def _reports(uow: UnitOfWork, registry: PayerRegistry, routes: list[str],
             since: datetime) -> list[RouteReport]:
    if not routes:
        return []
    with uow:
        rows = uow.health.outcomes_since(routes, since)
    by_route: dict[str, list[Outcome]] = {route: [] for route in routes}
    for route, status, error_code, elapsed_ms in rows:
        if route in by_route:
            by_route[route].append(Outcome(status, error_code, elapsed_ms))
    return [RouteReport(route=route, connectivity=registry.entry(route).adapter,
                        circuit=registry.breaker_state(route),
                        health=route_health(by_route[route])) for route in routes]
