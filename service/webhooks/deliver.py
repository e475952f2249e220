"""The deliverer: each endpoint's due deliveries, in order, signed, every attempt recorded.

One deliverer at a time holds an endpoint (a lease on its row), so its deliveries go out in
order whichever process or Dramatiq worker runs it; endpoints are worked independently, so a
slow one never delays another's. No transaction is open while a receiver is called.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from service.db.models import Alert, WebhookAttempt, WebhookEndpoint
from service.db.uow import UnitOfWork
from service.domain.webhooks import retry_delay, should_disable, signature_header
from service.webhooks import events
from service.webhooks.secrets import Sealer
from service.webhooks.sender import Reply, Sender

log = logging.getLogger("coverwatch.webhooks")
LEASE = timedelta(minutes=2)
BATCH = 100
# Batches one lease may work before giving the endpoint back (others get their turn).
BATCHES_PER_LEASE = 20


@dataclass(frozen=True)
class _Due:
    delivery_id: int
    event_id: uuid.UUID
    resource: str
    body: bytes


@dataclass(kw_only=True)
class Deliverer:
    uow: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    sender: Sender
    sealer: Sealer
    holder: str = field(default_factory=lambda: f"deliverer:{uuid.uuid4().hex[:12]}")
    # The webhook-timestamp is the real time of sending, which receivers compare with their
    # own clocks; the injected clock only decides what is due.
    wall: Callable[[], float] = time.time
    batch: int = BATCH

    def due_endpoints(self, *, limit: int = 100) -> list[uuid.UUID]:
        with self.uow() as work:
            return work.webhooks.due_endpoints(self.clock(), limit=limit)

    def claim(self, endpoint_id: uuid.UUID, *, holder: str | None = None) -> bool:
        """Hold the endpoint for this deliverer (or `holder`), unless another holds it."""
        now = self.clock()
        with self.uow() as work:
            taken = work.webhooks.lease(endpoint_id, holder=holder or self.holder, now=now,
                                        until=now + LEASE)
            work.commit()
            return taken

    def deliver(self, endpoint_id: uuid.UUID, *, holder: str | None = None) -> int:
        """Send what is due for an endpoint this deliverer (or `holder`: the scheduler that
        queued it) holds, batch after batch, then give it back; how many attempts."""
        made = 0
        try:
            for _ in range(BATCHES_PER_LEASE):
                sent = self._batch(endpoint_id)
                made += sent
                if sent == 0:
                    break
                self.claim(endpoint_id, holder=holder)  # renewed: this holder keeps it
        finally:
            with self.uow() as work:
                work.webhooks.release(endpoint_id, holder=holder or self.holder)
                work.commit()
        return made

    def run_due(self) -> int:
        """Claim and work every endpoint due now, one after another (a command, the tests);
        the server's runner works them side by side (service/webhooks/runner.py)."""
        return sum(self.deliver(e) for e in self.due_endpoints() if self.claim(e))

    def _batch(self, endpoint_id: uuid.UUID) -> int:
        with self.uow() as work:
            endpoint = work.webhooks.endpoint(endpoint_id)
            if endpoint is None or not endpoint.enabled or endpoint.deleted_at is not None:
                return 0
            url, keys = endpoint.url, self._secrets(endpoint)
            due = [_Due(d.id, d.event_id, d.resource, _body(d.event.payload))
                   for d in work.webhooks.due(endpoint_id, self.clock(), limit=self.batch)]
        results: list[tuple[_Due, Reply, datetime]] = []
        stopped: set[str] = set()
        for item in due:
            if item.resource in stopped:
                continue  # an earlier event of this resource failed: this one waits for it
            stamp = int(self.wall())
            msg_id = f"msg_{item.event_id.hex}"
            reply = self.sender.post(url, item.body, {
                "webhook-id": msg_id, "webhook-timestamp": str(stamp),
                "webhook-signature": signature_header(keys, msg_id=msg_id, timestamp=stamp,
                                                      body=item.body)})
            results.append((item, reply, self.clock()))
            if reply.outcome != "delivered":
                stopped.add(item.resource)
        if results:
            self._record(endpoint_id, results)
        return len(results)

    def _secrets(self, endpoint: WebhookEndpoint) -> list[str]:
        keys = [self.sealer.open(endpoint.secret)]
        if (endpoint.previous_secret and endpoint.previous_secret_until
                and endpoint.previous_secret_until > self.clock()):
            keys.append(self.sealer.open(endpoint.previous_secret))
        return keys

    def _record(self, endpoint_id: uuid.UUID,
                results: Sequence[tuple[_Due, Reply, datetime]]) -> None:
        """Every attempt, and what it leaves on its delivery and the endpoint, together."""
        with self.uow() as work:
            endpoint = work.webhooks.endpoint(endpoint_id)
            held = {d.id: d for d in work.webhooks.held([item.delivery_id
                                                         for item, _, _ in results])}
            for item, reply, at in results:
                delivery = held[item.delivery_id]
                work.webhooks.add(WebhookAttempt(
                    delivery_id=delivery.id, at=at, outcome=reply.outcome,
                    status_code=reply.status_code, latency_ms=reply.latency_ms,
                    response_body=reply.body, error=reply.error))
                if reply.outcome == "delivered":
                    delivery.state, delivery.delivered_at = "delivered", at
                    delivery.attempts += 1
                    if endpoint is not None:
                        endpoint.failing_since = None
                    continue
                delivery.attempts += 1
                wait = retry_delay(delivery.attempts)
                if wait is None:
                    delivery.state, delivery.next_attempt_at = "failed", None
                else:
                    delivery.next_attempt_at = at + wait
                if endpoint is not None:
                    endpoint.failing_since = endpoint.failing_since or at
                    if endpoint.enabled and should_disable(endpoint.failing_since, at):
                        _disable(work, endpoint, at)
            work.commit()


def _disable(work: UnitOfWork, endpoint: WebhookEndpoint, at: datetime) -> None:
    """Stop calling an endpoint that failed for days, and tell the practice (an alert, and
    its alert.opened event to any other endpoint subscribed)."""
    endpoint.enabled, endpoint.disabled_reason, endpoint.updated_at = False, "failing", at
    since = endpoint.failing_since or at
    log.warning("webhook endpoint %s disabled: every delivery failed since %s", endpoint.id,
                since.isoformat())
    alert = Alert(
        id=uuid.uuid4(), practice_id=endpoint.practice_id, coverage_id=None,
        kind="webhook_disabled", subject_id=str(endpoint.id),
        fingerprint=hashlib.sha256(f"{endpoint.id}:{since.isoformat()}".encode()).hexdigest(),
        message="A webhook endpoint was disabled: every delivery to it failed for 3 days. "
                "Fix the receiver, then enable the endpoint again (its waiting events are "
                "sent then).",
        data={"endpoint_id": str(endpoint.id), "failing_since": since.isoformat()},
        created_at=at)
    work.alerts.add(alert)
    work.outbox.emit([events.alert_opened(alert, practice_id=endpoint.practice_id, at=at)])


def _body(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()

