"""`flask webhooks deliver` and `flask webhooks worker` as an operator runs them: real
processes on the test database, a real receiver, stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from standardwebhooks import Webhook

from service import create_app
from tests.conftest import PAYERS_FILE, REDIS_SKIP, ROOT
from tests.support.builders import bearer, new_practice


@pytest.fixture
def app(db_url) -> Iterator[Flask]:
    # The real clock: the commands run on it, and the events must be due for them.
    application = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                              "webhooks_allow_private": True})
    yield application
    application.extensions["coverwatch"].dispose()


def env_for(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "REDIS_PREFIX", "WEBHOOKS_SECRET_KEY")}
    return {**env, "DATABASE_URL": db_url, "COVERWATCH_PAYERS": str(PAYERS_FILE),
            "WEBHOOKS_ALLOW_PRIVATE": "true", "LOG_LEVEL": "WARNING", **extra}


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "webhooks", *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


def make_events(app, client, httpserver, count: int) -> str:
    """An endpoint on the receiver and `count` test events for it; its signing secret."""
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    _, key = new_practice(app)
    made = client.post("/v1/webhook-endpoints", headers=bearer(key), json={
        "url": httpserver.url_for("/hook"), "events": ["coverage.changed"]}).json
    for _ in range(count):
        sent = client.post(f"/v1/webhook-endpoints/{made['endpoint']['id']}/test",
                           headers=bearer(key))
        assert sent.status_code in (200, 201, 202), sent.json
    return str(made["secret"])




def received(httpserver, count: int, seconds: float = 60) -> list[dict]:
    deadline = time.monotonic() + seconds
    while len(httpserver.log) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return [request for request, _ in httpserver.log]


def test_deliver_sends_the_due_events_signed_and_stops_on_sigterm(app, client, db_url,
                                                                   httpserver):
    secret = make_events(app, client, httpserver, 2)
    runner = start(env_for(db_url), "deliver")
    try:
        requests = received(httpserver, 2)
    finally:
        code, err = stop(runner)
    assert len(requests) == 2, err[-2000:]
    bodies = [Webhook(secret).verify(r.get_data(), dict(r.headers)) for r in requests]
    assert [b["type"] for b in bodies] == ["webhook.test"] * 2
    assert code == 0 and "webhook runner started" in err and "webhook runner stopped" in err


def test_the_worker_without_redis_says_what_it_needs_and_fails(db_url):
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "webhooks", "worker"],
                          cwd=ROOT, env=env_for(db_url), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    assert "the worker needs REDIS_URL" in done.stderr


def test_with_redis_deliver_queues_and_the_worker_delivers(app, client, db_url, httpserver):
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip(REDIS_SKIP)
    prefix = f"cw-test-{uuid.uuid4().hex[:12]}"
    secret = make_events(app, client, httpserver, 3)
    env = env_for(db_url, REDIS_URL=url, REDIS_PREFIX=prefix)
    worker = start(env, "worker", "--threads", "2")
    runner = start(env, "deliver")
    try:
        requests = received(httpserver, 3)
    finally:
        runner_code, runner_err = stop(runner)
        worker_code, worker_err = stop(worker)
        store = redis.Redis.from_url(url)
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)
    assert len(requests) == 3, (runner_err[-1500:], worker_err[-1500:])
    assert all(Webhook(secret).verify(r.get_data(), dict(r.headers)) for r in requests)
    assert runner_code == 0 and worker_code == 0
    assert "webhook worker started with 2 threads" in worker_err
    assert "webhook worker stopped" in worker_err
