"""Cursors of the API's lists: which page a client asks for, and the opaque text naming it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

Keys = tuple[Any, ...]
Row = TypeVar("Row")
# How each kind of key is written in a cursor, and read back to the same Python type.
_WRITE = {uuid.UUID: "u", datetime: "t", date: "d", str: "s", int: "i", float: "f"}
_READ: dict[str, Callable[[Any], Any]] = {
    "u": uuid.UUID, "t": datetime.fromisoformat, "d": date.fromisoformat, "s": str, "i": int,
    "f": float}


@dataclass(frozen=True)
class Slice:
    """Which page of a list: the order's name, a digest of the filters, the keys of the last
    row read (None for the first page) and how many rows. A cursor carries all but `limit`,
    so it cannot be replayed against another order or other filters."""

    order: str
    scope: str
    after: Keys | None
    limit: int


def scope_of(filters: dict[str, Any]) -> str:
    """A short digest of a list's filters (the filters travel beside it, so it tells no more
    than they do)."""
    text = json.dumps(sorted((k, str(v)) for k, v in filters.items() if v is not None))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode(order: str, scope: str, keys: Keys) -> str:
    tagged = [[_tag(k), k.isoformat() if isinstance(k, date) else str(k)] for k in keys]
    text = json.dumps({"o": order, "f": scope, "k": tagged}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str, *, order: str, scope: str, kinds: str) -> Keys:
    """The keys in `cursor`; ValueError unless it was made for this order, these filters and
    keys of these kinds (one letter each: u uuid, t time, d date, s text, i integer,
    f float)."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(text)
        if found["o"] != order or found["f"] != scope:
            raise ValueError("This cursor belongs to another order or other filters.")
        tags = "".join(tag for tag, _ in found["k"])
        if tags != kinds:
            raise ValueError("Not a cursor of this list.")
        keys = tuple(_READ[tag](value) for tag, value in found["k"])
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
            AttributeError) as error:
        raise ValueError("Not a cursor of this list.") from error
    if any(isinstance(k, datetime) and k.tzinfo is None for k in keys):
        raise ValueError("Not a cursor of this list.")
    return keys


def in_memory(rows: Sequence[Row], key: Callable[[Row], Keys],
              part: Slice) -> tuple[list[Row], Keys | None]:
    """The page of `rows` (sorted by `key`, unique) that `part` asks for, and the keys to
    ask for the next page with (None on the last)."""
    after = [r for r in rows if part.after is None or key(r) > part.after][:part.limit + 1]
    if len(after) <= part.limit:
        return after, None
    return after[:part.limit], key(after[part.limit - 1])


def _tag(key: Any) -> str:
    for kind, tag in _WRITE.items():
        if isinstance(key, kind):
            return tag
    raise TypeError(f"no cursor form for {type(key).__name__}")
