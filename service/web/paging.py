"""Pagination of the API's lists: the query arguments as the use cases take them, and the
page the schemas dump."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def page_window(args: dict[str, Any]) -> tuple[int, int]:
    """(offset, limit) for the page and page_size query arguments."""
    return (args["page"] - 1) * args["page_size"], args["page_size"]


def page(args: dict[str, Any], items: Sequence[Any], total: int) -> dict[str, Any]:
    """One page of a list, as every `...Page` schema dumps it."""
    return {"items": items, "page": args["page"], "page_size": args["page_size"], "total": total}
