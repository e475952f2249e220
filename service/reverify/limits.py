"""Per-payer concurrency caps and request rates, in this process or shared through Redis.

The nightly job asks a payer only while it holds one of the payer's slots, and no sooner
than the payer's rate allows. In-process limits serve one process; Redis limits hold across
every worker on every machine that shares the Redis server. A Redis slot is a lease: a
worker killed with its slots held gives them back when the lease runs out.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

import redis


@dataclass(frozen=True)
class Limit:
    concurrency: int
    rate_per_s: float | None = None
    lease_s: float = 180.0  # how long a Redis slot outlives a worker that died holding it


class Limits(Protocol):
    def slot(self, payer: str) -> AbstractContextManager[None]: ...


class LocalLimits:
    """Semaphores and rate gates of this process only."""

    def __init__(self, limits: dict[str, Limit], *,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._limits = limits
        self._sleep, self._monotonic = sleep, monotonic
        self._semaphores = {p: threading.BoundedSemaphore(max(1, lim.concurrency))
                            for p, lim in limits.items()}
        self._next_at = dict.fromkeys(limits, 0.0)
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, payer: str) -> Iterator[None]:
        semaphore = self._semaphores[payer]
        semaphore.acquire()
        try:
            self._pace(payer)
            yield
        finally:
            semaphore.release()

    def _pace(self, payer: str) -> None:
        rate = self._limits[payer].rate_per_s
        if not rate:
            return
        with self._lock:
            now = self._monotonic()
            start = max(now, self._next_at[payer])
            self._next_at[payer] = start + 1.0 / rate
        if start > now:
            self._sleep(start - now)


# Take a slot when fewer than ARGV[1] leases are live; leases are scored by expiry (ms).
_ACQUIRE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
return 0
"""
# Give the slot back and wake one waiter (the wake list never grows past the cap).
_RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('LPUSH', KEYS[2], '1')
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[2], 60000)
return 1
"""
# The earliest moment (µs, Redis's clock) this request may start; the next one after it.
_PACE = """
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, nxt)
redis.call('SET', KEYS[1], tostring(at + tonumber(ARGV[1])), 'PX', 60000)
return at - now
"""


class RedisLimits:
    """Slots and rate gates shared by every process using the same Redis and prefix."""

    WAKE_WAIT_S = 0.05  # a missed wake-up costs at most this long

    def __init__(self, client: redis.Redis, limits: dict[str, Limit], *,
                 prefix: str = "coverwatch:limits",
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._redis = client
        self._limits = limits
        self._prefix = prefix
        self._sleep = sleep
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._pace_script = client.register_script(_PACE)

    def _key(self, payer: str, part: str) -> str:
        return f"{self._prefix}:{payer}:{part}"

    @contextmanager
    def slot(self, payer: str) -> Iterator[None]:
        limit = self._limits[payer]
        token = uuid.uuid4().hex
        holders, wake = self._key(payer, "slots"), self._key(payer, "wake")
        lease_ms = int(limit.lease_s * 1000)
        while not self._acquire(keys=[holders], args=[limit.concurrency, lease_ms, token]):
            # Sleep until a holder releases (or briefly, in case its wake-up went to another).
            self._redis.blpop([wake], timeout=self.WAKE_WAIT_S * (1 + random.random()))  # noqa: S311
        try:
            self._pace(payer, limit)
            yield
        finally:
            self._release(keys=[holders, wake], args=[token, limit.concurrency])

    def _pace(self, payer: str, limit: Limit) -> None:
        if not limit.rate_per_s:
            return
        wait_us = int(self._pace_script(keys=[self._key(payer, "next")],
                                        args=[int(1_000_000 / limit.rate_per_s)]))
        if wait_us > 0:
            self._sleep(wait_us / 1_000_000)

    def in_use(self, payer: str) -> int:
        """Live slots of the payer (for progress and tests)."""
        return int(self._redis.zcard(self._key(payer, "slots")))
