"""Queue mode (REDIS_URL): the runner queues each due endpoint on Redis and a Dramatiq
worker delivers it, signed, the lease given back when done."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from standardwebhooks import Webhook

from service import create_app
from service.webhooks.runner import Runner
from tests.conftest import PAYERS_FILE, REDIS_SKIP
from tests.support.builders import bearer, new_practice


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip(REDIS_SKIP)
    return url


@pytest.fixture
def app(db_url, clock, redis_url) -> Iterator[Flask]:
    prefix = f"cw-test-{uuid.uuid4().hex[:12]}"
    application = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                              "webhooks_allow_private": True, "redis_url": redis_url,
                              "redis_prefix": prefix}, clock=clock)
    yield application
    application.extensions["coverwatch"].dispose()
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_a_dramatiq_worker_delivers_what_the_runner_queues(app, client, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    _, key = new_practice(app)
    made = client.post("/v1/webhook-endpoints", headers=bearer(key), json={
        "url": httpserver.url_for("/hook"), "events": ["coverage.changed"]}).json
    endpoint_id = made["endpoint"]["id"]
    for _ in range(3):
        client.post(f"/v1/webhook-endpoints/{endpoint_id}/test", headers=bearer(key))
    wiring = app.extensions["coverwatch"]
    queue = wiring.webhook_queue()
    worker = queue.worker(wiring.deliverer, threads=2)
    worker.start()
    try:
        runner = Runner(wiring.deliverer, dispatch=queue.send)
        assert runner.tick() == 1  # one message for the endpoint, not one per event
        assert runner.tick() == 0  # held by its lease until the worker is done
        deadline = time.monotonic() + 10
        while len(httpserver.log) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    bodies = [Webhook(made["secret"]).verify(r.get_data(), dict(r.headers))
              for r, _ in httpserver.log]
    assert [b["type"] for b in bodies] == ["webhook.test"] * 3
    assert wiring.deliverer.claim(uuid.UUID(endpoint_id))  # the lease was given back
