"""Pagination of the API's lists: the query arguments as the use cases take them, and the
page the schemas dump (page numbers, or cursors: docs/api.md#pagination-and-request-ids)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.domain import paging
from service.domain.paging import Keys, Slice


def page_window(args: dict[str, Any]) -> tuple[int, int]:
    """(offset, limit) for the page and page_size query arguments."""
    return (args["page"] - 1) * args["page_size"], args["page_size"]


def page(args: dict[str, Any], items: Sequence[Any], total: int) -> dict[str, Any]:
    """One page of a list, as every `...Page` schema dumps it."""
    return {"items": items, "page": args["page"], "page_size": args["page_size"], "total": total,
            "next_cursor": None}


def cursor_page(part: Slice, items: Sequence[Any], last: Keys | None) -> dict[str, Any]:
    """One page read by cursor: its rows and the cursor of the next (None at the end)."""
    following = None if last is None else paging.encode(part.order, part.scope, last)
    return {"items": items, "next_cursor": following}
