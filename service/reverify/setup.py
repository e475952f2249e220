"""Build the job's dependencies from the app's wiring: limits, the queue, the worker's id."""

from __future__ import annotations

import os
import socket
import uuid

import redis

from payers.registry import PayerRegistry
from service.reverify.items import Deps
from service.reverify.limits import Limit, Limits, LocalLimits, RedisLimits
from service.reverify.queue import Queue
from service.wiring import Wiring


def limits_of(registry: PayerRegistry) -> dict[str, Limit]:
    return {route: Limit(concurrency=entry.max_concurrency, rate_per_s=entry.rate_per_s,
                         lease_s=2 * entry.timeout_s + 60)
            for route, entry in registry.entries.items()}


def limits_for(wiring: Wiring) -> Limits:
    """Shared through Redis when REDIS_URL is set (every worker and run counts together)."""
    table = limits_of(wiring.payers)
    if wiring.config.redis_url:
        client = redis.Redis.from_url(wiring.config.redis_url)
        return RedisLimits(client, table, prefix=f"{wiring.config.redis_prefix}:limits")
    return LocalLimits(table)


def queue_for(wiring: Wiring) -> Queue | None:
    if not wiring.config.redis_url:
        return None
    return Queue(wiring.config.redis_url, prefix=wiring.config.redis_prefix)


def worker_name() -> str:
    """Unique per process and readable in the database: host, pid, and a random tail."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def deps_for(wiring: Wiring, *, max_attempts: int, limits: Limits | None = None) -> Deps:
    return Deps(uow=wiring.uow, store=wiring.checks, clock=wiring.clock, registry=wiring.payers,
                limits=limits or limits_for(wiring), worker=worker_name(),
                max_attempts=max_attempts, watch=wiring.after_check)
