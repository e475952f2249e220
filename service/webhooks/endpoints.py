"""Use cases of a practice's webhook endpoints: create, list, read, change, delete, rotate
the secret, send a test event; the deliveries of one, and a delivery sent again."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.db.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from service.db.uow import UnitOfWork
from service.domain.errors import InvalidInput, NotFound
from service.domain.paging import Keys, Slice
from service.domain.webhooks import ROTATION_OVERLAP, new_secret
from service.practice import audit
from service.practice.access import Caller
from service.webhooks import events
from service.webhooks.secrets import Sealer
from service.webhooks.sender import url_problem

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Issued:
    """An endpoint and its new signing secret: shown this once."""

    endpoint: WebhookEndpoint
    secret: str


@dataclass(frozen=True)
class DeliveryView:
    """A delivery with its event's type and every attempt, oldest first."""

    delivery: WebhookDelivery
    attempts: Sequence[WebhookAttempt]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.delivery, name)

    @property
    def event_type(self) -> str:
        return self.delivery.event.type

    @property
    def payload(self) -> dict[str, Any]:
        return self.delivery.event.payload


def _checked_url(url: str, allow_private: bool) -> str:
    problem = url_problem(url, allow_private=allow_private)
    if problem is not None:
        raise InvalidInput({"url": [problem]}, reason="WEBHOOK_URL_REFUSED")
    return url


def create_endpoint(*, uow: UnitOfWork, clock: Clock, caller: Caller, sealer: Sealer,
                    allow_private: bool, url: str, events: Sequence[str],
                    description: str | None) -> Issued:
    now, secret = clock(), new_secret()
    with uow:
        endpoint = WebhookEndpoint(
            id=uuid.uuid4(), practice_id=caller.practice_id,
            url=_checked_url(url, allow_private), description=description,
            events=",".join(sorted(set(events))), enabled=True, secret=sealer.seal(secret),
            created_at=now, updated_at=now)
        uow.webhooks.add(endpoint)
        audit.record(uow, caller=caller, clock=clock, action="create",
                     resource_type="webhook_endpoint", resource_ids=[endpoint.id])
        uow.commit()
        return Issued(endpoint, secret)


def list_endpoints(*, uow: UnitOfWork, caller: Caller,
                   part: Slice) -> tuple[Sequence[WebhookEndpoint], Keys | None]:
    with uow:
        return uow.webhooks.endpoints(caller.practice_id, part)


def _endpoint(uow: UnitOfWork, caller: Caller, endpoint_id: uuid.UUID, *,
              lock: bool = False) -> WebhookEndpoint:
    found = uow.webhooks.get(caller.practice_id, endpoint_id, lock=lock)
    if found is None:
        raise NotFound("webhook endpoint")
    return found


def get_endpoint(*, uow: UnitOfWork, caller: Caller, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    with uow:
        return _endpoint(uow, caller, endpoint_id)


def update_endpoint(*, uow: UnitOfWork, clock: Clock, caller: Caller, allow_private: bool,
                    endpoint_id: uuid.UUID, data: dict[str, Any]) -> WebhookEndpoint:
    """Change url, description, events or enabled. Enabling an endpoint starts it afresh:
    its failing streak is forgotten and its waiting deliveries are sent."""
    now = clock()
    with uow:
        endpoint = _endpoint(uow, caller, endpoint_id, lock=True)
        if "url" in data:
            endpoint.url = _checked_url(data["url"], allow_private)
        if "description" in data:
            endpoint.description = data["description"]
        if "events" in data:
            endpoint.events = ",".join(sorted(set(data["events"])))
        if "enabled" in data and data["enabled"] != endpoint.enabled:
            endpoint.enabled = data["enabled"]
            endpoint.failing_since = None
            endpoint.disabled_reason = None if data["enabled"] else "by_request"
        endpoint.updated_at = now
        audit.record(uow, caller=caller, clock=clock, action="update",
                     resource_type="webhook_endpoint", resource_ids=[endpoint.id])
        uow.commit()
        return endpoint


def delete_endpoint(*, uow: UnitOfWork, clock: Clock, caller: Caller,
                    endpoint_id: uuid.UUID) -> None:
    """No more deliveries: those still waiting are cancelled; the history is kept."""
    with uow:
        endpoint = _endpoint(uow, caller, endpoint_id, lock=True)
        endpoint.deleted_at = endpoint.updated_at = clock()
        endpoint.enabled = False
        uow.webhooks.cancel_pending(endpoint.id)
        audit.record(uow, caller=caller, clock=clock, action="delete",
                     resource_type="webhook_endpoint", resource_ids=[endpoint.id])
        uow.commit()


def rotate_secret(*, uow: UnitOfWork, clock: Clock, caller: Caller, sealer: Sealer,
                  endpoint_id: uuid.UUID) -> Issued:
    """A new secret; the current one keeps signing beside it for ROTATION_OVERLAP."""
    now, secret = clock(), new_secret()
    with uow:
        endpoint = _endpoint(uow, caller, endpoint_id, lock=True)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = now + ROTATION_OVERLAP
        endpoint.secret = sealer.seal(secret)
        endpoint.updated_at = now
        audit.record(uow, caller=caller, clock=clock, action="update",
                     resource_type="webhook_endpoint", resource_ids=[endpoint.id])
        uow.commit()
        return Issued(endpoint, secret)


def send_test(*, uow: UnitOfWork, clock: Clock, caller: Caller,
              endpoint_id: uuid.UUID) -> DeliveryView:
    """A `webhook.test` event for this endpoint only, delivered as any other."""
    now = clock()
    with uow:
        endpoint = _endpoint(uow, caller, endpoint_id)
        event = events.test_event(endpoint.id, practice_id=caller.practice_id, at=now)
        delivery = WebhookDelivery(endpoint_id=endpoint.id, event=uow.webhooks.add_event(event),
                                   resource=event["resource"], state="pending", attempts=0,
                                   next_attempt_at=now, created_at=now)
        uow.webhooks.add(delivery)
        uow.commit()
        return DeliveryView(delivery, [])


def list_deliveries(*, uow: UnitOfWork, caller: Caller, endpoint_id: uuid.UUID, part: Slice,
                    state: str | None) -> tuple[list[DeliveryView], Keys | None]:
    """The endpoint's deliveries, newest first, each with its attempts."""
    with uow:
        _endpoint(uow, caller, endpoint_id)
        rows, last = uow.webhooks.deliveries(endpoint_id, part, state=state)
        attempts = uow.webhooks.attempts([d.id for d in rows])
        return [DeliveryView(d, attempts[d.id]) for d in rows], last


def retry_delivery(*, uow: UnitOfWork, clock: Clock, caller: Caller, endpoint_id: uuid.UUID,
                   delivery_id: int) -> DeliveryView:
    """Send a delivery again now (failed, delivered or waiting), with the same event id so
    the receiver can tell it has seen it; a full schedule of retries follows if it fails."""
    now = clock()
    with uow:
        _endpoint(uow, caller, endpoint_id)
        delivery = uow.webhooks.delivery(endpoint_id, delivery_id)
        if delivery is None:
            raise NotFound("delivery")
        delivery.state, delivery.attempts, delivery.next_attempt_at = "pending", 0, now
        audit.record(uow, caller=caller, clock=clock, action="update",
                     resource_type="webhook_delivery", resource_ids=[delivery.id])
        uow.commit()
        return DeliveryView(delivery, uow.webhooks.attempts([delivery.id])[delivery.id])
