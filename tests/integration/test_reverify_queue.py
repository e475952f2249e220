"""Queue mode on the real Redis: one run spread over two worker processes, whose combined
concurrency never passes the payer's cap, each coverage checked exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import dramatiq
import pytest
import redis
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from payers.directory import parse_directory
from service import create_app
from service.db.models import EligibilityCheck, ReverificationItem, ReverificationRun
from service.domain.reverification import Selection
from service.reverify import queue as queue_module
from service.reverify import runs
from tests.conftest import REDIS_SKIP, ROOT
from tests.support import reverify_data as data
from tests.support.scripted_payer import ScriptedPayer, serving

CAP = 4


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip(REDIS_SKIP)
    return url


@pytest.fixture
def payer():
    scripted = ScriptedPayer(latency_s=0.05)
    with serving(scripted) as url:
        yield scripted, url


def test_two_workers_share_the_payer_cap_and_check_each_coverage_once(
        db_url, redis_url, payer, tmp_path):
    scripted, url = payer
    directory = tmp_path / "payers.yaml"
    directory.write_text(
        "payers:\n"
        f"  - {{id: queued, name: Queued Plan, payer_id: QUEUED01, adapter: core-soap,\n"
        f"     url: '{url}', username: cw-test, password: pw-test,\n"
        f"     max_concurrency: {CAP}}}\n")
    prefix = f"cw-test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DATABASE_URL": db_url, "COVERWATCH_PAYERS": str(directory),
           "REDIS_URL": redis_url, "REDIS_PREFIX": prefix, "LOG_LEVEL": "WARNING"}
    practice = data.practice(db_url)
    coverage_ids = data.coverages(db_url, practice, ["ZZT0000001"] * 120, payer="queued",
                                  visit_on=datetime.now(UTC).date() + timedelta(days=2))
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    queued = subprocess.run([*flask, "reverify", "--enqueue", "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert queued.returncode == 0, queued.stderr
    run_id = uuid.UUID(json.loads(queued.stdout)["run_id"])
    assert "120 checks queued" in queued.stderr

    workers = [subprocess.Popen([*flask, "worker", "--threads", "6"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    engine = create_engine(db_url)
    try:
        deadline = time.monotonic() + 180
        status = None
        while time.monotonic() < deadline and status != "finished":
            time.sleep(0.2)
            with Session(engine) as session:
                status = session.scalar(select(ReverificationRun.status)
                                        .where(ReverificationRun.id == run_id))
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
        assert status == "finished"
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            _, err = worker.communicate(timeout=60)
            assert worker.returncode == 0, err

        assert len(scripted.calls) == 120
        assert 2 <= scripted.peak <= CAP, scripted.peak
        with Session(engine) as session:
            checks = session.scalars(select(EligibilityCheck).where(
                EligibilityCheck.reverification_run_id == run_id)).all()
            claimants = set(session.scalars(select(ReverificationItem.claimed_by).where(
                ReverificationItem.run_id == run_id)))
        assert sorted(c.coverage_id for c in checks) == sorted(coverage_ids)
        assert {c.status for c in checks} == {"active"}
        assert len(claimants) == 2  # both workers took part
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
        engine.dispose()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def test_a_run_is_sent_in_batches_one_message_per_item(db_url, redis_url):
    practice = data.practice(db_url)
    data.coverages(db_url, practice, ["ZZT0000001"] * 20, payer="queued",
                   visit_on=datetime.now(UTC).date() + timedelta(days=2))
    app = create_app({"database_url": db_url, "redis_url": None}, payers=parse_directory(
        {"payers": [{"id": "queued", "name": "Queued Plan", "payer_id": "QUEUED01",
                     "adapter": "sandbox"}]}))
    wiring = app.extensions["coverwatch"]
    run_id, selected = runs.create(wiring.uow, wiring.clock, Selection(), mode="queue",
                                   requested_by="test", max_attempts=3)
    prefix = f"cw-test-{uuid.uuid4().hex[:12]}"
    queue = queue_module.Queue(redis_url, prefix=prefix)
    client = redis.Redis.from_url(redis_url)
    try:
        assert selected == 20
        assert queue.enqueue_run(wiring.uow, run_id, batch=7) == 20  # 7, 7 and 6
        ids = client.lrange(f"{prefix}:queue:reverify", 0, -1)
        bodies = client.hmget(f"{prefix}:queue:reverify.msgs", ids)
        messages = [dramatiq.Message.decode(body) for body in bodies]
        with wiring.uow() as work:
            items = set(work.session.scalars(select(ReverificationItem.id)
                                             .where(ReverificationItem.run_id == run_id)))
        assert len(set(ids)) == 20  # each message its own Redis id
        assert sorted(m.args[0] for m in messages) == sorted(items)  # every item once
        assert {(m.actor_name, m.queue_name, m.args[1]) for m in messages} == {
            ("reverify_item", "reverify", "queued")}
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()
        queue.broker.close()
        wiring.dispose()
