"""Queue mode: a run's items as Dramatiq messages on Redis, worked by any number of workers.

One message per item carries (item id, payer). The database stays the source of truth: a
worker claims the item before checking it, so a message delivered twice (a worker died
before acknowledging it) is dropped the second time. An item waiting for a retry, or held
by a live worker, is sent again with a delay instead of being dropped.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import current_millis

from service.db.models import ReverificationItem
from service.db.uow import UnitOfWork
from service.domain.reverification import UNFINISHED
from service.reverify import runs
from service.reverify.items import Deps, process

log = logging.getLogger("coverwatch.reverify")
ACTOR = "reverify_item"
TIME_LIMIT_MS = 5 * 60 * 1000  # a check and its carve-out each end within 60 s
SEND_BATCH = 1000  # messages per Redis round trip when a run is enqueued


class Queue:
    """The broker and the one actor; `deps` is set in worker processes only."""

    def __init__(self, redis_url: str, *, prefix: str = "coverwatch") -> None:
        self.broker = RedisBroker(url=redis_url, namespace=f"{prefix}:queue")
        self.queue_name = "reverify"
        self.actor: dramatiq.Actor[[int, str], None] = dramatiq.Actor(
            self._handle, broker=self.broker, actor_name=ACTOR, queue_name=self.queue_name,
            priority=0, options={"max_retries": 0, "time_limit": TIME_LIMIT_MS})
        self.deps: Deps | None = None
        self.on_item: Callable[[Any], None] = lambda outcome: None

    def enqueue_run(self, uow: Callable[[], UnitOfWork], run_id: uuid.UUID, *,
                    batch: int = SEND_BATCH) -> int:
        """A message for every unfinished item of the run (streamed, sent `batch` at a
        time); how many were sent."""
        sent = 0
        with uow() as work:
            for rows in work.runs.unfinished_items(run_id, batch=batch):
                sent += send_many(self.broker, [self.actor.message(i, p) for i, p in rows])
        return sent

    def worker(self, deps: Deps, threads: int) -> dramatiq.Worker:
        self.deps = deps
        return dramatiq.Worker(self.broker, queues={self.queue_name}, worker_threads=threads,
                               worker_timeout=200)

    def _handle(self, item_id: int, payer: str) -> None:
        deps = self.deps
        if deps is None:
            raise RuntimeError("this process has no worker dependencies")
        item, later = self._look(deps, item_id)
        if later is not None:
            self._send_later(item_id, payer, later, deps.clock())
            return
        if item is None:
            return  # done, deferred, or gone: a duplicate message
        outcome = process(deps, item_id, recovering=item.state == "running", known=item)
        if outcome is None:
            _, later = self._look(deps, item_id)
            if later is not None:
                self._send_later(item_id, payer, later, deps.clock())
            return
        self.on_item(outcome)
        if outcome.state == "retry" and outcome.next_attempt_at is not None:
            self._send_later(item_id, payer, outcome.next_attempt_at, deps.clock())
            return
        if not deps.store.any_unfinished(item.run_id):
            runs.finish(deps.uow, deps.clock, item.run_id, owner=None, stopped=False)

    @staticmethod
    def _look(deps: Deps,
              item_id: int) -> tuple[ReverificationItem | None, datetime | None]:
        """(the item if it is to be worked now, else None; when to look again if it is
        waiting: a retry's time, or the end of a live worker's lease)."""
        now = deps.clock()
        item = deps.store.item(item_id)
        if item is None or item.state not in UNFINISHED:
            return None, None
        if item.state == "retry" and item.next_attempt_at and item.next_attempt_at > now:
            return None, item.next_attempt_at
        if item.state == "running" and item.lease_until and item.lease_until > now:
            return None, item.lease_until
        return item, None

    def _send_later(self, item_id: int, payer: str, at: datetime, now: datetime) -> None:
        delay = max(timedelta(seconds=1), at - now + timedelta(seconds=1))
        self.actor.send_with_options(args=(item_id, payer),
                                     delay=int(delay.total_seconds() * 1000))


def send_many(broker: RedisBroker, messages: list[dramatiq.Message[Any]]) -> int:
    """Enqueue `messages` in one Redis round trip; how many were sent.

    What RedisBroker.enqueue does for one message (a Redis id of its own, the middleware's
    enqueue hooks, the dispatch script's "enqueue" command), through a pipeline: one round
    trip per message made enqueueing 100,000 items take most of a minute. It runs dramatiq's
    own script with its own arguments, which is why requirements.txt pins dramatiq.
    """
    script, keys = broker.scripts["dispatch"], [broker.namespace]
    sending = [m.copy(options={"redis_message_id": str(uuid.uuid4())}) for m in messages]
    with broker.client.pipeline(transaction=False) as pipe:
        for message in sending:
            broker.emit_before("enqueue", message, None)
            script(keys=keys, client=pipe, args=[
                "enqueue", current_millis(), message.queue_name, broker.broker_id,
                broker.heartbeat_timeout, broker.dead_message_ttl,
                0,  # no maintenance pass (enqueue never runs one)
                0,  # the unpack chunk size: only fetches and maintenance use it
                message.options["redis_message_id"], message.encode()])
        pipe.execute()
    for message in sending:
        broker.emit_after("enqueue", message, None)
    return len(sending)
