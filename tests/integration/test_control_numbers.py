"""Interchange control numbers: concurrent checks never share one, and they only grow."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine

from service.db.engine import make_session_factory
from service.db.uow import UnitOfWork


def test_concurrent_draws_are_unique_and_increasing_per_drawer(db_url):
    engine = create_engine(db_url, pool_size=10)
    factory = make_session_factory(engine)

    def draw(_worker: int) -> list[int]:
        numbers = []
        for _ in range(20):
            with UnitOfWork(factory) as uow:
                numbers.append(uow.counters.next("interchange"))
                uow.commit()
        return numbers

    try:
        with ThreadPoolExecutor(10) as pool:
            batches = list(pool.map(draw, range(10)))
    finally:
        engine.dispose()
    drawn = [n for batch in batches for n in batch]
    assert len(set(drawn)) == len(drawn) == 200
    assert min(drawn) >= 1
    assert all(batch == sorted(batch) for batch in batches)
