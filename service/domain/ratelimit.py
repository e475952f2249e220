"""Token buckets per practice for live eligibility checks, kept in memory per server process."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime

from service.domain.errors import DomainError


class RateLimited(DomainError):
    """The practice started more live checks than its bucket allows; nothing was sent."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("too many live eligibility checks")
        self.retry_after_s = retry_after_s


class TokenBuckets:
    """One bucket per key: `burst` tokens, refilled at `rate_per_minute`; a check takes one.

    Time comes from the injected clock (a fake one in tests, so nothing sleeps). At most
    `size` buckets are kept: the least recently used goes first, and comes back full.
    """

    def __init__(self, *, rate_per_minute: float, burst: int, clock: Callable[[], datetime],
                 size: int = 10_000) -> None:
        self.rate_s = rate_per_minute / 60.0
        self.burst = burst
        self.clock = clock
        self.size = size
        self._lock = threading.Lock()
        self._buckets: OrderedDict[Hashable, tuple[float, datetime]] = OrderedDict()

    def take(self, key: Hashable) -> None:
        """Take a token for `key`, or raise RateLimited with the whole seconds to wait."""
        now = self.clock()
        with self._lock:
            tokens, since = self._buckets.pop(key, (float(self.burst), now))
            # A clock that stepped back refills nothing (it never drains a bucket either).
            elapsed = max(0.0, (now - since).total_seconds())
            tokens = min(float(self.burst), tokens + elapsed * self.rate_s)
            if tokens < 1.0:
                self._remember(key, tokens, now)
                raise RateLimited(max(1, math.ceil((1.0 - tokens) / self.rate_s)))
            self._remember(key, tokens - 1.0, now)

    def _remember(self, key: Hashable, tokens: float, now: datetime) -> None:
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.size:
            self._buckets.popitem(last=False)
