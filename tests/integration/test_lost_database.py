"""A lost database connection answers 503 with Retry-After, never 500, and the next requests
get fresh connections: PostgreSQL cuts every connection of the app mid-load, and clients
that retry with their Idempotency-Key end with exactly one visit per key."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from service import create_app
from service.db.models import Visit
from tests.conftest import PAYERS_FILE
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE
from tests.support.server import serving

CLIENTS = 6
TERMINATE = text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def served(db_url, clock) -> Iterator[tuple[object, str]]:
    if not db_url.startswith("postgresql"):
        pytest.skip("cuts PostgreSQL backends")
    app = create_app({"database_url": db_url, "payers_file": PAYERS_FILE}, clock=clock)
    with serving(app) as base:
        yield app, base
    app.extensions["coverwatch"].dispose()


def test_connections_cut_mid_load_answer_503_then_every_request_is_served(served, db_url):
    app, base = served
    client = app.test_client()
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])
    statuses: Counter[int] = Counter()
    without_retry_after: list[int] = []
    sent_keys: set[str] = set()
    stop = threading.Event()
    lock = threading.Lock()

    def book_until_stopped(worker: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            idem = f"w{worker}-{n}"
            body = {"coverage_id": coverage["id"], "date": "2026-11-10", "code": "90834",
                    "minutes": 45}
            # A client retries the same key until it gets an answer that is not 503
            while True:
                answer = requests.post(f"{base}/v1/visits", json=body, timeout=30,
                                       headers={**bearer(key), "Idempotency-Key": idem})
                with lock:
                    statuses[answer.status_code] += 1
                    if answer.status_code == 503 and "Retry-After" not in answer.headers:
                        without_retry_after.append(answer.status_code)
                if answer.status_code != 503:
                    break
                time.sleep(0.05)
            with lock:
                sent_keys.add(idem)

    # Given clients booking visits
    threads = [threading.Thread(target=book_until_stopped, args=(w,)) for w in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    # When PostgreSQL cuts every connection of the app, twice, mid-load
    admin = create_engine(db_url)
    cut = 0
    for _ in range(2):
        with admin.begin() as conn:
            cut += int(conn.scalar(TERMINATE) or 0)
        time.sleep(1.0)
    time.sleep(1.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    admin.dispose()
    # Then connections were cut, no answer was a 500, and every 503 said when to retry
    assert cut > 0
    assert set(statuses) <= {200, 201, 503}, statuses
    assert without_retry_after == []
    # And every request after the cut is served
    after = [requests.get(f"{base}/v1/patients/{patient['id']}", headers=bearer(key),
                          timeout=30).status_code for _ in range(20)]
    assert after == [200] * 20
    # And the retries left exactly one visit per key
    with app.extensions["coverwatch"].uow() as uow:
        visits = uow.session.scalar(select(func.count()).select_from(Visit))
    assert visits == len(sent_keys)
