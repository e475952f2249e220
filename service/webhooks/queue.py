"""Queue mode of webhook delivery: an endpoint's turn as a Dramatiq message on Redis.

The runner (service/webhooks/runner.py) claims a due endpoint's lease and sends its id and
the lease's holder; a worker (`flask webhooks worker`) delivers as that holder and gives the
lease back. A lost message costs only the lease's length: then the endpoint is due again.
"""

from __future__ import annotations

import uuid

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from service.webhooks.deliver import LEASE, Deliverer

ACTOR = "deliver_webhooks"


class WebhookQueue:
    def __init__(self, redis_url: str, *, prefix: str = "coverwatch") -> None:
        self.broker = RedisBroker(url=redis_url, namespace=f"{prefix}:webhooks")
        self.queue_name = "webhooks"
        self.actor: dramatiq.Actor[[str, str], None] = dramatiq.Actor(
            self._handle, broker=self.broker, actor_name=ACTOR, queue_name=self.queue_name,
            priority=0, options={"max_retries": 0,
                                 "time_limit": int(LEASE.total_seconds() * 1000) * 5})
        self.deliverer: Deliverer | None = None

    def send(self, endpoint_id: uuid.UUID, holder: str) -> None:
        self.actor.send(str(endpoint_id), holder)

    def worker(self, deliverer: Deliverer, threads: int) -> dramatiq.Worker:
        self.deliverer = deliverer
        return dramatiq.Worker(self.broker, queues={self.queue_name}, worker_threads=threads,
                               worker_timeout=200)

    def _handle(self, endpoint_id: str, holder: str) -> None:
        if self.deliverer is None:
            raise RuntimeError("this process has no webhook deliverer")
        self.deliverer.deliver(uuid.UUID(endpoint_id), holder=holder)
