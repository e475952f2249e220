"""Keyset paging: a page of rows after the keys of the last row read, in one unique order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, literal, tuple_
from sqlalchemy.orm import Session

from service.domain.paging import Keys


@dataclass(frozen=True)
class Order:
    """Columns that order a list uniquely (the last one an id), all one way, and how a row
    gives its keys back. Seeking by the keys instead of skipping rows keeps each row on one
    page while rows are added before or after the page a client is reading."""

    columns: tuple[ColumnElement[Any] | Any, ...]
    keys: Callable[[Any], Keys]
    descending: bool = False


def by(*columns: Any, descending: bool = False) -> Order:
    """The order of these mapped attributes, keyed by the row attributes of the same name."""
    names = [c.key for c in columns]
    return Order(tuple(columns), lambda row: tuple(getattr(row, n) for n in names), descending)


def keyset_page(session: Session, query: Select[Any], order: Order, *, after: Keys | None,
                limit: int) -> tuple[Sequence[Any], Keys | None]:
    """Up to `limit` rows past `after` in `order`, and the keys to ask for the next page
    with (None on the last page)."""
    key = tuple_(*order.columns)
    if after is not None:
        # Bound with the columns' own types (UTC times, UUIDs as SQLite stores them).
        seek = tuple_(*(literal(v, type_=c.type) for c, v in zip(order.columns, after,
                                                                  strict=True)))
        query = query.where(key < seek if order.descending else key > seek)
    sort = [c.desc() for c in order.columns] if order.descending else list(order.columns)
    rows = session.scalars(query.order_by(*sort).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], order.keys(rows[limit - 1])
