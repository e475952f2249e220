"""Repository of webhook endpoints and deliveries: pages, the deliverer's reads and leases."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from service.db.keyset import by, keyset_page
from service.db.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from service.db.outbox import NewEvent
from service.db.repositories import in_practice
from service.domain.paging import Keys, Slice

ENDPOINT_ORDERS = {"newest": by(WebhookEndpoint.created_at, WebhookEndpoint.id,
                                descending=True)}
DELIVERY_ORDERS = {"newest": by(WebhookDelivery.id, descending=True)}


def _waiting(now: datetime) -> Any:
    """A delivery waits while an earlier one of its endpoint and resource is pending and not
    due yet (one due too is sent before it, in the same batch, in id order)."""
    earlier = aliased(WebhookDelivery)
    return exists().where(earlier.endpoint_id == WebhookDelivery.endpoint_id,
                          earlier.resource == WebhookDelivery.resource,
                          earlier.id < WebhookDelivery.id, earlier.state == "pending",
                          earlier.next_attempt_at > now)


class WebhookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: WebhookEndpoint | WebhookDelivery | WebhookAttempt) -> None:
        self.session.add(record)

    def get(self, practice_id: uuid.UUID, endpoint_id: uuid.UUID, *,
            lock: bool = False) -> WebhookEndpoint | None:
        """The practice's endpoint, unless deleted; another practice's is not found."""
        found = in_practice(self.session, WebhookEndpoint, practice_id, endpoint_id, lock=lock)
        return None if found is None or found.deleted_at is not None else found

    def endpoint(self, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
        """Any endpoint by id, for the deliverer (which serves every practice)."""
        return self.session.get(WebhookEndpoint, endpoint_id)

    def endpoints(self, practice_id: uuid.UUID,
                  part: Slice) -> tuple[Sequence[WebhookEndpoint], Keys | None]:
        query = select(WebhookEndpoint).where(WebhookEndpoint.practice_id == practice_id,
                                              WebhookEndpoint.deleted_at.is_(None))
        return keyset_page(self.session, query, ENDPOINT_ORDERS[part.order], after=part.after,
                           limit=part.limit)

    def deliveries(self, endpoint_id: uuid.UUID, part: Slice, *,
                   state: str | None) -> tuple[Sequence[WebhookDelivery], Keys | None]:
        query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        if state is not None:
            query = query.where(WebhookDelivery.state == state)
        return keyset_page(self.session, query, DELIVERY_ORDERS[part.order], after=part.after,
                           limit=part.limit)

    def delivery(self, endpoint_id: uuid.UUID, delivery_id: int) -> WebhookDelivery | None:
        return self.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.id == delivery_id)).first()

    def attempts(self, delivery_ids: Sequence[int]) -> dict[int, list[WebhookAttempt]]:
        """Each delivery's attempts, oldest first."""
        found: dict[int, list[WebhookAttempt]] = {i: [] for i in delivery_ids}
        if delivery_ids:
            for attempt in self.session.scalars(select(WebhookAttempt).where(
                    WebhookAttempt.delivery_id.in_(delivery_ids)).order_by(WebhookAttempt.id)):
                found[attempt.delivery_id].append(attempt)
        return found

    def due_endpoints(self, now: datetime, *, limit: int) -> list[uuid.UUID]:
        """Enabled endpoints with a delivery that may go now and no live lease."""
        due = exists().where(WebhookDelivery.endpoint_id == WebhookEndpoint.id,
                             WebhookDelivery.state == "pending",
                             WebhookDelivery.next_attempt_at <= now, ~_waiting(now))
        return list(self.session.scalars(select(WebhookEndpoint.id).where(
            WebhookEndpoint.enabled.is_(True), WebhookEndpoint.deleted_at.is_(None),
            or_(WebhookEndpoint.lease_until.is_(None), WebhookEndpoint.lease_until < now),
            due).limit(limit)))

    def lease(self, endpoint_id: uuid.UUID, *, holder: str, now: datetime,
              until: datetime) -> bool:
        """Take the endpoint for one deliverer until `until`, if no one else holds it (its
        holder renews it): a guarded UPDATE, so of two deliverers exactly one gets it."""
        taken = self.session.execute(update(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id,
            or_(WebhookEndpoint.lease_until.is_(None), WebhookEndpoint.lease_until < now,
                WebhookEndpoint.leased_by == holder))
            .values(lease_until=until, leased_by=holder))
        return bool(taken.rowcount == 1)  # type: ignore[attr-defined]

    def release(self, endpoint_id: uuid.UUID, *, holder: str) -> None:
        self.session.execute(update(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id, WebhookEndpoint.leased_by == holder)
            .values(lease_until=None, leased_by=None))

    def due(self, endpoint_id: uuid.UUID, now: datetime, *,
            limit: int) -> Sequence[WebhookDelivery]:
        """The endpoint's deliveries due now, oldest first, save those behind an earlier
        delivery of the same resource waiting for its retry (order per resource: the
        deliverer sends them in id order and stops a resource at its first failure)."""
        return self.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.state == "pending",
            WebhookDelivery.next_attempt_at <= now, ~_waiting(now))
            .order_by(WebhookDelivery.id).limit(limit)).all()

    def held(self, delivery_ids: Sequence[int]) -> Sequence[WebhookDelivery]:
        """These deliveries, their rows locked for the attempt's record."""
        return self.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.id.in_(delivery_ids)).order_by(WebhookDelivery.id)
            .with_for_update(of=WebhookDelivery)).all()

    def cancel_pending(self, endpoint_id: uuid.UUID) -> None:
        """A deleted endpoint's deliveries still to send are dropped."""
        self.session.execute(update(WebhookDelivery).where(
            and_(WebhookDelivery.endpoint_id == endpoint_id,
                 WebhookDelivery.state == "pending")).values(state="cancelled"))

    def add_event(self, event: NewEvent) -> WebhookEvent:
        """An event for one endpoint only (a test), without the outbox's fan-out."""
        record = WebhookEvent(**event)
        self.session.add(record)
        return record

    def earliest_pending(self, now: datetime) -> datetime | None:
        """When the next delivery that may go is due (operators, the benchmark)."""
        return self.session.scalar(select(func.min(WebhookDelivery.next_attempt_at)).where(
            WebhookDelivery.state == "pending", ~_waiting(now)))
