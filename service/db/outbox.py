"""The webhook outbox: an event and its deliveries, written by whoever writes the change.

`emit` runs on the caller's own connection or session, inside the transaction of the change
that causes the event (a unit of work's, or the check store's), so both commit together or
neither does. Each subscribed, enabled endpoint of the practice gets a delivery row in the
same statement (INSERT ... SELECT): no second process has to fan events out later. The
check store on PostgreSQL sends both as parts of its one statement (`insert_event`,
`fan_out` with a prefix per event).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TypedDict, cast

from sqlalchemy import BindParameter, Insert, String, Table, bindparam, insert, literal, select
from sqlalchemy.orm import Session

from service.db.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

EVENTS = cast(Table, WebhookEvent.__table__)
DELIVERIES = cast(Table, WebhookDelivery.__table__)
ENDPOINTS = cast(Table, WebhookEndpoint.__table__)


class NewEvent(TypedDict):
    """An event's row: `resource` (kind:id) is what deliveries keep in order."""

    id: uuid.UUID
    practice_id: uuid.UUID
    type: str
    resource: str
    payload: dict[str, Any]
    created_at: datetime


class Executes(Protocol):
    def execute(self, statement: Any, parameters: Any = None, /) -> Any: ...


EVENT_COLUMNS = tuple(NewEvent.__annotations__)


def insert_event(prefix: str = "") -> Insert:
    """The event's INSERT, its parameters named `<prefix><column>`."""
    return insert(EVENTS).values({name: bindparam(f"{prefix}{name}", type_=EVENTS.c[name].type)
                                  for name in EVENT_COLUMNS})


def fan_out(prefix: str = "") -> Insert:
    """A delivery of the event for each of its practice's enabled endpoints subscribed to
    its type (endpoints keep their events comma-separated: LIKE on ",events," matches one
    whole name)."""
    def param(name: str) -> BindParameter[Any]:
        return bindparam(f"{prefix}{name}", type_=EVENTS.c[name].type)

    endpoint = ENDPOINTS.c
    return insert(DELIVERIES).from_select(
        ["endpoint_id", "event_id", "resource", "state", "attempts", "next_attempt_at",
         "created_at"],
        select(endpoint.id, param("id"), param("resource"), literal("pending"), literal(0),
               param("created_at"), param("created_at"))
        .where(endpoint.practice_id == param("practice_id"), endpoint.enabled.is_(True),
               endpoint.deleted_at.is_(None),
               (literal(",") + endpoint.events + literal(",")).like(
                   bindparam(f"{prefix}pattern", type_=String()))))


def parameters(event: NewEvent, prefix: str = "") -> dict[str, Any]:
    return {**{f"{prefix}{name}": value for name, value in event.items()},
            f"{prefix}pattern": f"%,{event['type']},%"}


_INSERT_EVENT = insert_event()
_FAN_OUT = fan_out()


def emit(executor: Executes, events: Sequence[NewEvent]) -> None:
    """Write the events and a delivery of each for every endpoint subscribed to it."""
    for event in events:
        values = parameters(event)
        executor.execute(_INSERT_EVENT, values)
        executor.execute(_FAN_OUT, values)


class Outbox:
    """The unit of work's outbox: events written in its transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def emit(self, events: Sequence[NewEvent]) -> None:
        if events:
            # Rows the ORM holds (a changed visit, an authorization) are written first, so
            # the event follows them in the transaction as it follows them in time.
            self.session.flush()
            emit(self.session, events)
