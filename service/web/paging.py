"""Pagination of the API's lists: the query arguments as the use cases take them, and the
page the schemas dump (page numbers, or cursors: docs/api.md#pagination-and-request-ids)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.domain import paging
from service.domain.paging import Keys, Slice
from service.practice.lists import read_page
from service.web.auth import current_caller
from service.wiring import current_wiring


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


def list_page(name: str, args: dict[str, Any],
              within: tuple[Any, Any] | None = None) -> dict[str, Any]:
    """A page by cursor of the practice's `name` list (service/db/lists.py), filtered by
    `args`; `within` ("patient" or "coverage", its id) narrows it to one's rows."""
    wiring = current_wiring()
    part = args.pop("slice")
    rows, last = read_page(uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                           name=name, part=part, filters=args, within=within)
    return cursor_page(part, rows, last)
