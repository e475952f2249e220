"""Pagination arguments of the API's lists, as the use cases take them."""

from __future__ import annotations

from typing import Any


def page_window(args: dict[str, Any]) -> tuple[int, int]:
    """(offset, limit) for the page and page_size query arguments."""
    return (args["page"] - 1) * args["page_size"], args["page_size"]
