"""Payer limits of the nightly job: in one process, and shared by processes through Redis."""

from __future__ import annotations

import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from service.reverify.limits import Limit, LocalLimits, RedisLimits
from tests.conftest import REDIS_SKIP


class Meter:
    """Counts how many holders are inside at once, and when each entered."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside = self.peak = 0
        self.entered: list[float] = []

    def visit(self, limits, payer: str, hold_s: float) -> None:
        with limits.slot(payer):
            with self.lock:
                self.inside += 1
                self.peak = max(self.peak, self.inside)
                self.entered.append(time.monotonic())
            time.sleep(hold_s)
            with self.lock:
                self.inside -= 1


def hammer(make_limits, payer: str, *, holders: int, visits: int, hold_s: float) -> Meter:
    meter = Meter()
    with ThreadPoolExecutor(max_workers=holders) as pool:
        list(pool.map(lambda _: meter.visit(make_limits(), payer, hold_s), range(visits)))
    return meter


@pytest.fixture
def redis_client():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip(REDIS_SKIP)
    client = redis.Redis.from_url(url)
    yield client
    client.close()


def test_local_limits_cap_concurrency_and_pace_requests():
    limits = LocalLimits({"p": Limit(concurrency=3), "q": Limit(concurrency=10, rate_per_s=20)})
    assert hammer(lambda: limits, "p", holders=10, visits=30, hold_s=0.02).peak == 3
    paced = hammer(lambda: limits, "q", holders=10, visits=11, hold_s=0)
    entered = sorted(paced.entered)
    assert entered[-1] - entered[0] >= 0.5 - 0.02  # ten gaps of 1/20 s


def test_redis_limits_hold_across_many_clients_as_if_one(redis_client):
    prefix = f"cw-test:{uuid.uuid4().hex}"
    table = {"p": Limit(concurrency=4), "q": Limit(concurrency=8, rate_per_s=25)}
    # A separate RedisLimits (as in another process) for every visit.
    meter = hammer(lambda: RedisLimits(redis_client, table, prefix=prefix), "p", holders=12,
                   visits=36, hold_s=0.03)
    assert meter.peak == 4
    paced = hammer(lambda: RedisLimits(redis_client, table, prefix=prefix), "q", holders=8,
                   visits=11, hold_s=0)
    entered = sorted(paced.entered)
    assert entered[-1] - entered[0] >= 0.4 - 0.02  # ten gaps of 1/25 s
    assert RedisLimits(redis_client, table, prefix=prefix).in_use("p") == 0


def test_a_slot_held_by_a_dead_worker_comes_back_when_its_lease_ends(redis_client):
    prefix = f"cw-test:{uuid.uuid4().hex}"
    table = {"p": Limit(concurrency=1, lease_s=0.3)}
    dead = RedisLimits(redis_client, table, prefix=prefix).slot("p")
    dead.__enter__()  # never released: its process "died"
    started = time.monotonic()
    with RedisLimits(redis_client, table, prefix=prefix).slot("p"):
        waited = time.monotonic() - started
    assert 0.2 <= waited < 2.0
